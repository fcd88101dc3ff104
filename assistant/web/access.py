"""Who may use the web chat: logins from ASSISTANT_AUTH or a file of users with hashed passwords.

On loopback the chat needs no login (only this machine can reach it). Bound to any other address it
refuses to start without logins unless the operator says `--no-auth`. The logins are checked by
Gradio's own auth through `Logins.attempt`, which waits as throttle.py says after repeated failures
and checks the password off the event loop; guard.py keeps every route but the login page from a
caller without a session. A users file holds one `user:pbkdf2_sha256$iterations$salt$hash` line
per user (`assistant hash-password USER` prints one); ASSISTANT_AUTH=user:password is for a quick
start. What it leaves out: roles (every user may manage sources unless ASSISTANT_READ_ONLY=1) and
TLS: put a reverse proxy in front for that.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import secrets
from pathlib import Path

from fastapi import HTTPException

from assistant.core.errors import AssistantError
from assistant.web.throttle import ADDRESS, LoginThrottle, TooManyAttempts

SCHEME = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256


class AuthRequired(AssistantError):
    """The web chat would be reachable from the network without a login."""


class BadUsers(AssistantError):
    """ASSISTANT_AUTH or the users file cannot be read."""


def hash_password(password: str, salt: str = "", iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"{SCHEME}${iterations}${salt}${base64.b64encode(digest).decode()}"


def verify(password: str, stored: str) -> bool:
    """Whether password matches a stored hash; a plain stored value is compared as is."""
    parts = stored.split("$")
    if len(parts) == 4 and parts[0] == SCHEME and parts[1].isdigit():
        return hmac.compare_digest(hash_password(password, parts[2], int(parts[1])), stored)
    return hmac.compare_digest(password.encode(), stored.encode())


def load_users(auth: str, auth_file: str) -> dict[str, str]:
    """user -> stored password, from `user:password[,user:password]` and a users file."""
    users: dict[str, str] = {}
    entries = [e for e in auth.split(",") if e.strip()]
    if auth_file:
        try:
            text = Path(auth_file).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise BadUsers(f"cannot read the users file: {exc.strerror or exc}") from None
        entries += [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    for entry in entries:
        user, sep, stored = entry.strip().partition(":")
        if not sep or not user or not stored:
            raise BadUsers("each login must read user:password (or user:<hash> in the file)")
        users[user] = stored
    return users


class Logins:
    """The users and their login throttle: (username, password) -> allowed; `attempt` is the
    same for Gradio's auth, delayed after failures."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = users
        self.throttle = LoginThrottle()

    def __call__(self, username: str, password: str) -> bool:
        stored = self.users.get(username)
        return stored is not None and verify(password, stored)

    async def attempt(self, username: str, password: str) -> bool:
        """Gradio's auth (a coroutine, so Gradio awaits it): the throttle's wait, then the check
        in a thread, as PBKDF2 takes a good part of a second. A refused attempt is HTTP 429."""
        try:
            return await self.throttle.attempt(
                username, ADDRESS.get(), lambda: asyncio.to_thread(self, username, password)
            )
        except TooManyAttempts as exc:
            raise HTTPException(status_code=429, detail=str(exc)) from None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def logins_for(host: str, users: dict[str, str], no_auth: bool) -> Logins | None:
    """The logins to require on host, or None; AuthRequired when the network would get in."""
    if users and not no_auth:
        return Logins(users)
    if no_auth or is_loopback(host):
        return None
    raise AuthRequired(
        f"serving on {host} needs logins: set ASSISTANT_AUTH=user:password or "
        "ASSISTANT_AUTH_FILE (see docs/security.md), or pass --no-auth to serve without them"
    )
