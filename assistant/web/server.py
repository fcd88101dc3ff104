"""Serving the web chat: the port, the logins, the queue, and one line for each way it can fail.

`serve` refuses a busy port before any set-up (PortBusy names --port and make chat PORT=...),
requires logins off loopback (access.py) and then lets a caller without a session reach nothing
but the login page (guard.py), gives Gradio a private, emptied upload folder whose paths the page
never sees (uploads.py), sizes the queue to the `web_workers` setting, warms the model up in the
background, starts the start-up refresh of the index in the background once it listens (answers
come from the live generation meanwhile; building.py) and blocks until interrupted. FastAPI's
own /openapi.json is off. It prints the address only once the server is listening.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path

from starlette.middleware import Middleware

from assistant.answering.reading import entities
from assistant.api import Assistant
from assistant.core.errors import AssistantError, PortBusy
from assistant.web import access, files, guard, owner, uploads
from assistant.web.app import build_app
from assistant.web.building import Building

log = logging.getLogger(__name__)


def warm_up(assistant: Assistant) -> None:
    """Load the model, the index and spaCy before the first question, so it is answered quickly
    (and the first users do not queue behind a load that holds a lock). Quotes only: a written
    warm-up answer would hold a configured LLM, which writes one answer at a time, for seconds
    as the first users ask."""
    try:
        snapshots = assistant.stream("warm up")
        next(snapshots)
        getattr(snapshots, "close", lambda: None)()
        entities.load()
    except AssistantError as exc:
        log.warning("warm-up: %s", type(exc).__name__)


def serve(
    assistant: Assistant,
    host: str = "127.0.0.1",
    port: int = 7860,
    no_auth: bool = False,
    building: Building | None = None,
) -> None:
    """Start the web chat on host:port, refresh the index in the background and block until
    interrupted. `building`: the tracker of the server's builds (cmd_serve's, when it built
    first); a new one by default.

    Raises PortBusy, AuthRequired (off loopback without logins or --no-auth), BadUsers or
    UnsafeUploads."""
    s = assistant.settings
    logins = preflight(assistant, host, port, no_auth)
    folder = uploads.prepare(uploads.folder_for(port))  # before the app: Gradio reads it then
    building = building or Building(assistant)
    app = build_app(assistant, building=building)
    threading.Thread(target=warm_up, args=(assistant,), name="warm-up", daemon=True).start()
    try:
        app.queue().launch(
            server_name=host,
            server_port=port,
            auth=logins.attempt if logins else None,
            auth_message="Log in to ask the sources.",
            max_file_size=files.upload_limit(s.max_source_bytes),
            quiet=True,
            footer_links=["api", "settings"],
            prevent_thread_lock=True,
            max_threads=max(40, 2 * s.web_workers),
            app_kwargs={"openapi_url": None, "middleware": middleware(logins, folder)},
        )
    except OSError as exc:  # the port was taken between the check and the launch
        raise PortBusy(_busy(port)) from exc
    print(f"Web chat on http://{host}:{port} (Ctrl+C to stop)", flush=True)
    building.start("start-up")  # a no-op when the folder is unchanged; its progress is logged
    app.block_thread()


def middleware(logins: access.Logins | None, folder: Path) -> list[Middleware]:
    """What runs before Gradio's routes: the guard when there are logins, the path hiding, and
    the owner cookie (owner.py) that keeps each browser's conversations its own."""
    kept = [Middleware(uploads.HidePaths, folder=str(folder)), Middleware(owner.OwnerCookie)]
    return [Middleware(guard.Guard), *kept] if logins else kept


def preflight(
    assistant: Assistant, host: str, port: int, no_auth: bool = False
) -> access.Logins | None:
    """The logins serve will require; raises what serve would, before any slow set-up."""
    s = assistant.settings
    logins = access.logins_for(host, access.load_users(s.auth, s.auth_file), no_auth)
    check_port(host, port)
    return logins


def check_port(host: str, port: int) -> None:
    """Raise PortBusy unless host:port can be bound now, before minutes of set-up are spent."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise PortBusy(_busy(port)) from exc


def _busy(port: int) -> str:
    return f"port {port} is in use: choose another with --port N (make chat PORT=N)"
