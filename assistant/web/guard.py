"""Nothing but the login page for a caller without a session: an ASGI middleware before Gradio.

Gradio's own auth guards the routes it marks (the config, the queue, uploads, files), but not all:
its heartbeat, FastAPI's /openapi.json, app_id, user, token and startup-events answer anyone, and
the heartbeat holds the connection open. `Guard` answers 401 at once to every request without a
live Gradio session (its `access-token` cookie naming one of the app's tokens), except the login
page (`/`), the login itself and the page's own scripts, styles and fonts (OPEN_PATHS,
OPEN_PREFIXES; STARTUP until Gradio's launch has called it); a websocket without a session is
closed before it opens. The login page Gradio renders for such a caller embeds the app's API
description: the guard blanks it. It also tells throttle.py the caller's address. What it leaves
out: the logins themselves (access.py, Gradio).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.web.throttle import ADDRESS

OPEN_PATHS = frozenset(
    {"/", "/login", "/login/", "/favicon.ico", "/theme.css", "/manifest.json", "/robots.txt"}
)
OPEN_PREFIXES = ("/assets/", "/static/")  # Gradio's own built frontend and its fonts
STARTUP = "/gradio_api/startup-events"  # open only until Gradio's launch has called it
_API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.S)
_NO_API_INFO = b"window.gradio_api_info = null;</script>"
_REFUSED = json.dumps({"detail": "Not authenticated: log in first"}).encode()


def logged_in(scope: Scope, gradio: Any) -> bool:
    """Whether the request carries one of the Gradio app's live session tokens."""
    cookies = HTTPConnection(scope).cookies
    names = (f"access-token-{gradio.cookie_id}", f"access-token-unsecure-{gradio.cookie_id}")
    return any((token := cookies.get(name)) and token in gradio.tokens for name in names)


def route(scope: Scope) -> str:
    """The request's path below the app's root path."""
    path, root = str(scope["path"]), str(scope.get("root_path", ""))
    return (path[len(root) :] or "/") if root and path.startswith(root) else path


class Guard:
    """401 for every request without a session but the login page's (see the module's notes)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        ADDRESS.set(str(client[0]) if client else "unknown")
        path = route(scope)
        if logged_in(scope, scope["app"]):  # Starlette puts the Gradio app in the scope
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        elif path == "/":
            await self.app(scope, receive, _without_api_info(send))
        elif path in OPEN_PATHS or path.startswith(OPEN_PREFIXES) or _starting(path, scope):
            await self.app(scope, receive, send)
        else:
            await _refuse(send)


def _starting(path: str, scope: Scope) -> bool:
    """Gradio's launch calls its startup events itself, once, without a session: until then."""
    return path == STARTUP and not getattr(scope["app"], "startup_events_triggered", True)


async def _refuse(send: Send) -> None:
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(_REFUSED)).encode())]  # fmt: skip
    await send({"type": "http.response.start", "status": 401, "headers": headers})
    await send({"type": "http.response.body", "body": _REFUSED})


def _without_api_info(send: Send) -> Send:
    """A `send` that holds the login page's response and blanks the API description in it."""
    return rewriting(send, lambda body: _API_INFO.sub(_NO_API_INFO, body, count=1))


def rewriting(send: Send, change: Callable[[bytes], bytes]) -> Send:
    """A `send` that collects a whole response body, passes it through `change` (bytes -> bytes)
    and sends it with its content-length set to match."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        if message["type"] != "http.response.body" or not start:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = change(b"".join(chunks))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped
