"""Shared fixtures: network blocked except loopback; real model, real Chroma, real sources."""

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


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant over a copy of the bundled sources with a freshly built index."""
    base = tmp_path_factory.mktemp("built")
    assistant = Assistant(sources=copy_sources(base / "sources"), index=base / "index")
    assistant.index()
    return assistant


@dataclass
class Server:
    url: str
    folder: Path
    assistant: Assistant


@contextmanager
def running_app(assistant: Assistant) -> Iterator[Server]:
    """The real Gradio app for assistant, served on a free loopback port until the block ends."""
    from assistant.web import build_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = build_app(assistant)
    app.queue().launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True
    )
    try:
        yield Server(f"http://127.0.0.1:{port}/", assistant.settings.sources, assistant)
    finally:
        app.close()
