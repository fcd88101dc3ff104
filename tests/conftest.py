"""Shared fixtures: network blocked except loopback; real model, real Chroma, real sources; a
headless Debian chromium (`browser`) and a page on the module's `server` (`page`)."""

from __future__ import annotations

import ipaddress
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
ARTIFACTS = ROOT / "test-artifacts"  # the browser tests' screenshots and timings
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise OSError(f"network blocked in tests: {host}")
    return _connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def block_network() -> Iterator[None]:
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = _connect  # type: ignore[method-assign]


def copy_sources(target: Path) -> Path:
    shutil.copytree(SOURCES, target)
    return target


def indexed_copy(root: Path, extra: dict[str, str] | None = None, **settings: Any) -> Assistant:
    """An assistant over root/sources (a copy of the bundled sources plus `extra`, file name ->
    text) with root/index freshly built."""
    folder = copy_sources(root / "sources")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    assistant = Assistant(sources=folder, index=root / "index", **settings)
    assistant.index()
    return assistant


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant over a copy of the bundled sources with a freshly built index."""
    return indexed_copy(tmp_path_factory.mktemp("built"))


@dataclass
class Server:
    url: str
    folder: Path
    assistant: Assistant


@contextmanager
def running_app(assistant: Assistant, building: Any = None, **launch: Any) -> Iterator[Server]:
    """The real Gradio app for assistant, served on a free loopback port until the block ends,
    with the owner cookie `serve` sets (conversations are per browser); `building` is the
    server's build tracker (web/building.py; default a new one), `launch` adds to Gradio's
    launch arguments (auth=...)."""
    from starlette.middleware import Middleware

    from assistant.web import build_app
    from assistant.web.owner import OwnerCookie

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = build_app(assistant, building=building)
    app.queue().launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
        app_kwargs={"middleware": [Middleware(OwnerCookie)]}, **launch,
    )  # fmt: skip
    try:
        yield Server(f"http://127.0.0.1:{port}/", assistant.settings.sources, assistant)
    finally:
        app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():  # never a silent skip: `make test` installs it
        pytest.fail(f"no Debian chromium at {CHROMIUM}: run make test, or apt-get install chromium")
    from playwright import sync_api

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.dialogs = []  # every alert/confirm/prompt that fires; must stay empty
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(server.url)
    page.wait_for_selector("#question textarea")
    page.wait_for_selector("#chat")  # on a busy machine it may render after the question box
    yield page
    context.close()
