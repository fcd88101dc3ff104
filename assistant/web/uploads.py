"""Gradio's upload cache, private to the server: its folder, its leftovers, and its paths hidden.

By default Gradio keeps uploads under /tmp/gradio, readable by every local user, shared by every
Gradio server on the machine and never emptied. `prepare` gives this server its own folder instead
(`folder_for(port)`: mode 0700, owned by the server's user, emptied on start) and points
GRADIO_TEMP_DIR at it, before the app is built. An upload is moved from there into the sources
(files.add); `discard` deletes what an upload event leaves behind (rejected files, emptied
folders). Gradio answers an upload with the files' server paths and the page sends them back with
the event; `HidePaths` gives the page paths relative to the folder instead and puts the folder
back in front of them in the events' requests. What it leaves out: Gradio's own constants read at
import (screen recording, vibe editing), which this app does not use.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.core.errors import AssistantError
from assistant.web.guard import rewriting, route

ENV = "GRADIO_TEMP_DIR"


class UnsafeUploads(AssistantError):
    """The upload folder exists but is not a private folder of the server's user."""


def folder_for(port: int) -> Path:
    """The upload folder of the server on `port`: one per user and port, in the temp folder."""
    return Path(tempfile.gettempdir()) / f"assistant-uploads-{os.getuid()}-{port}"


def prepare(folder: Path) -> Path:
    """Create folder (0700) or empty it, check it is this user's own real folder, and make it
    Gradio's cache. Raises UnsafeUploads for a link, a file, or another user's folder there."""
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise UnsafeUploads(f"{folder} is not a folder of this user: remove it and start again")
    folder.chmod(0o700)
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    os.environ[ENV] = str(folder)
    return folder


def cache() -> Path:
    """Gradio's upload cache as it is now set (its own default unless `prepare` ran)."""
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder()).absolute()


def discard(paths: list[Path]) -> None:
    """Delete the files among paths still in the upload cache, and their emptied folders."""
    root = cache()
    for path in paths:
        path = path.absolute()
        if path == root or not path.is_relative_to(root):
            continue
        try:
            path.unlink(missing_ok=True)
            if path.parent != root:
                path.parent.rmdir()
        except OSError:  # a folder still holding other files stays
            pass


class HidePaths:
    """Upload answers carry paths relative to the upload folder; event requests get it back."""

    def __init__(self, app: ASGIApp, folder: str) -> None:
        self.app, self.folder = app, folder.rstrip(os.sep)
        self.prefix = json.dumps(self.folder + os.sep)[1:-1].encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route(scope) if scope["type"] == "http" else ""
        if path == "/gradio_api/upload":
            await self.app(scope, receive, rewriting(send, lambda b: b.replace(self.prefix, b"")))
        elif path == "/gradio_api/queue/join":
            await self._join(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _join(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the event's request on with its relative file paths made full again."""
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the caller left
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            more = bool(message.get("more_body"))
        body = b"".join(chunks)
        if b"gradio.FileData" in body:
            with contextlib.suppress(ValueError):  # not JSON: Gradio refuses it as it is
                body = json.dumps(self._restore(json.loads(body))).encode()
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        request = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay([request], receive), send)

    def _restore(self, data: Any) -> Any:
        if isinstance(data, list):
            return [self._restore(d) for d in data]
        if not isinstance(data, dict):
            return data
        data = {k: self._restore(v) for k, v in data.items()}
        path, meta = data.get("path"), data.get("meta")
        if not (isinstance(meta, dict) and meta.get("_type") == "gradio.FileData"):
            return data
        if isinstance(path, str) and path and not os.path.isabs(path) and "://" not in path:
            full = os.path.normpath(os.path.join(self.folder, path))
            if full.startswith(self.folder + os.sep):
                data["path"] = full
        return data


def _replay(messages: list[Message], receive: Receive) -> Receive:
    async def replayed() -> Message:
        return messages.pop(0) if messages else await receive()

    return replayed
