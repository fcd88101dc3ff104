"""Whose conversations a web request may see: its owner, taken from the request, never the page.

With logins on, the owner is the logged-in user (Gradio's `request.username`). Without them, it is
a random id the server gives each browser in a cookie (`OwnerCookie`, an ASGI middleware: HttpOnly,
so the page's scripts cannot read or change it; SameSite=Lax). A request that carries neither (an
app launched without the middleware, a bare HTTP client) is owned by its Gradio session alone, so it
still never sees another's conversations; it just loses them with the page. What it leaves out: the
store's own owner checks (assistant/conversations.py) and the logins (access.py).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.web.guard import route

COOKIE = "assistant-owner"
MAX_AGE = 365 * 24 * 3600  # a year: the conversations outlive a browser restart
_ID = re.compile(r"[0-9a-f]{32}")


def owner_of(request: Any) -> str | None:
    """The owner of a Gradio request, or None when there is no request (a direct call)."""
    if request is None:
        return None
    user = getattr(request, "username", None)
    if user:
        return f"user:{user}"
    try:
        cookie = str(dict(request.cookies).get(COOKIE, ""))
    except (AttributeError, TypeError):
        cookie = ""
    if _ID.fullmatch(cookie):
        return f"browser:{cookie}"
    session = getattr(request, "session_hash", None)
    return f"session:{session}" if session else None


class OwnerCookie:
    """Gives a browser that has no owner cookie one, on its request for the page itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or route(scope) != "/" or _has_cookie(scope):
            await self.app(scope, receive, send)
            return
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        header = (
            f"{COOKIE}={secrets.token_hex(16)}; Path=/; Max-Age={MAX_AGE}; HttpOnly; "
            f"SameSite=Lax{secure}"
        ).encode()

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", header)]}  # fmt: skip
            await send(message)

        await self.app(scope, receive, with_cookie)


def _has_cookie(scope: Scope) -> bool:
    return bool(_ID.fullmatch(HTTPConnection(scope).cookies.get(COOKIE, "")))
