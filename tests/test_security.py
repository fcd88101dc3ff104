"""Who gets in and what they see: logins off loopback, read-only chats, no server paths, uploads
that never overwrite, and a removed source that stops being cited at once.

The login tests start a real `assistant serve --host 0.0.0.0` and call every event of the page over
raw HTTP (the queue, uploads, the config) without a session, then with one; a caller without one
gets 401 at once from every route but the login page, logins slow down after five failures, and
uploads pass through a private cache folder that keeps nothing and whose paths no answer shows.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.api import Assistant
from assistant.ingest import trash
from assistant.web import access, files, throttle, uploads
from assistant.web.access import AuthRequired, BadUsers
from assistant.web.handlers import Handlers
from assistant.web.manage import SourceHandlers
from tests.conftest import copy_sources, running_app

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")
HASHED = access.hash_password("s3cret", iterations=1000)


@pytest.mark.parametrize(
    ("password", "stored", "ok"),
    [
        ("s3cret", HASHED, True),
        ("S3cret", HASHED, False),
        ("", HASHED, False),
        ("plain", "plain", True),
        ("plain", "plain2", False),
        ("s3cret", HASHED.replace("$1000$", "$1001$"), False),
    ],
)
def test_passwords(password: str, stored: str, ok: bool) -> None:
    assert access.verify(password, stored) is ok


@pytest.mark.parametrize(
    ("host", "users", "no_auth", "outcome"),
    [
        ("127.0.0.1", {}, False, None),
        ("localhost", {}, False, None),
        ("::1", {}, False, None),
        ("0.0.0.0", {}, False, AuthRequired),
        ("192.168.1.5", {}, False, AuthRequired),
        ("0.0.0.0", {}, True, None),
        ("0.0.0.0", {"ann": "pw"}, False, access.Logins),
        ("127.0.0.1", {"ann": "pw"}, False, access.Logins),
    ],
)
def test_logins_are_required_off_loopback(
    host: str, users: dict[str, str], no_auth: bool, outcome: Any
) -> None:
    if outcome is AuthRequired:
        with pytest.raises(AuthRequired, match="--no-auth"):
            access.logins_for(host, users, no_auth)
    elif outcome is None:
        assert access.logins_for(host, users, no_auth) is None
    else:
        assert isinstance(access.logins_for(host, users, no_auth), outcome)


def test_users_file(tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text(f"# team\nann:{HASHED}\n\nbob:{access.hash_password('pw', iterations=1000)}\n")
    logins = access.Logins(access.load_users("eve:plain", str(users)))
    assert logins("ann", "s3cret") and logins("bob", "pw") and logins("eve", "plain")
    assert not logins("ann", "pw") and not logins("mallory", "s3cret")
    with pytest.raises(BadUsers):
        access.load_users("no-colon", "")
    with pytest.raises(BadUsers, match="cannot read the users file"):
        access.load_users("", str(tmp_path / "missing"))


@dataclass(frozen=True)
class Exposed:
    url: str
    root: Path  # the server's sources/, index/ and serve.log
    uploads: Path  # its upload cache folder


@pytest.fixture(scope="module")
def exposed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exposed]:
    """A real `assistant serve --host 0.0.0.0` with one login, reached on loopback; its upload
    folder held a stale upload, open to all, before it started."""
    root = tmp_path_factory.mktemp("exposed")
    port = _free_port()
    folder = uploads.folder_for(port)
    (folder / "stale").mkdir(parents=True, exist_ok=True)
    (folder / "stale" / "left.txt").write_text("an upload from an earlier run", encoding="utf-8")
    folder.chmod(0o755)
    env = {**os.environ, "ASSISTANT_AUTH": "ann:s3cret"}
    args = ["--sources", str(copy_sources(root / "sources")), "--index", str(root / "index")]
    with _serving([*args, "--host", "0.0.0.0", "--port", str(port)], env, root) as _:
        yield Exposed(f"http://127.0.0.1:{port}/", root, folder)


def test_every_event_refuses_a_caller_without_a_session(exposed: Exposed) -> None:
    with httpx.Client(base_url=exposed.url) as anonymous:
        assert anonymous.get("config").status_code == 401
        with httpx.Client(base_url=exposed.url) as ann:
            assert ann.post("login", data={"username": "ann", "password": "nope"}).is_error
            assert ann.post("login", data={"username": "ann", "password": "s3cret"}).is_success
            config = ann.get("config").json()
        ids = {c["props"].get("elem_id") for c in config["components"]}
        assert {"upload", "remove", "confirm-remove", "restore", "rebuild", "question"} <= ids
        events = range(len(config["dependencies"]))
        for fn_index in events:  # the hidden ones too: upload, remove, rebuild
            join = anonymous.post(
                "gradio_api/queue/join",
                json={"data": [], "fn_index": fn_index, "session_hash": "x", "trigger_id": None},
            )
            assert join.status_code == 401, fn_index
        assert (
            anonymous.get("gradio_api/queue/data", params={"session_hash": "x"}).status_code == 401
        )
        upload = anonymous.post("gradio_api/upload", files={"files": ("a.txt", b"planted")})
        assert upload.status_code == 401
        assert anonymous.post("gradio_api/call/ask", json={"data": ["x", 0]}).status_code == 401


def test_a_logged_in_user_gets_answers(exposed: Exposed) -> None:
    from benchmarks.pageclient import PageEvents, PageSession

    async def ask() -> Any:
        async with httpx.AsyncClient(base_url=exposed.url, timeout=60) as client:
            await client.post("login", data={"username": "ann", "password": "s3cret"})
            events = PageEvents.read((await client.get("config")).json())
            return await PageSession(client, events).ask("Who replaced Imran Khan?")

    call = asyncio.run(ask())
    assert call.ok, call.error
    assert any("Shehbaz Sharif" in str(v) for v in call.seen)


ANONYMOUS_GETS = [
    "gradio_api/heartbeat/x", "openapi.json", "gradio_api/openapi.json", "config",
    "gradio_api/info", "gradio_api/startup-events", "gradio_api/app_id", "gradio_api/user",
    "gradio_api/token", "gradio_api/queue/data?session_hash=x", "gradio_api/upload_progress",
    "gradio_api/file=/etc/passwd", "gradio_api/call/ask/x", "monitoring", "logout", "docs",
    "gradio_api/info?all_endpoints=true", "x/../config",
]  # fmt: skip


def test_a_caller_without_a_session_reaches_only_the_login_page(exposed: Exposed) -> None:
    with httpx.Client(base_url=exposed.url, timeout=3) as anonymous:  # nothing may hang
        for path in ANONYMOUS_GETS:
            start = time.perf_counter()
            assert anonymous.get(path).status_code == 401, path
            assert time.perf_counter() - start < 1, path
        for path in ["gradio_api/reset", "gradio_api/cancel", "gradio_api/stream/x"]:
            assert anonymous.post(path, json={}).status_code == 401, path
        page = anonymous.get("")
        assert page.status_code == 200 and "Log in to ask the sources." in page.text
        assets = re.findall(r'(?:src|href)="(\.?/[^"]+)"', page.text)
        assert any(a.endswith(".js") for a in assets)
        for asset in [*assets, "theme.css", "favicon.ico"]:
            assert anonymous.get(asset).status_code == 200, asset
        for login_page in [page, anonymous.get("", params={"all_endpoints": "true"})]:
            assert "window.gradio_api_info = null;" in login_page.text  # no API description
            assert "named_endpoints" not in login_page.text and '"/ask"' not in login_page.text


def test_logins_slow_down_after_five_failures(exposed: Exposed) -> None:
    """Five failures pass at once; the sixth waits BASE_DELAY, the seventh twice that, and an
    attempt sent while one waits is refused without a check. A fresh address (X-Forwarded-For,
    trusted from loopback) and name keep the other tests' logins free of the delay."""
    base, free = throttle.BASE_DELAY, throttle.FREE_FAILURES
    guesser = {"X-Forwarded-For": "203.0.113.7"}

    async def guess(client: httpx.AsyncClient, n: int) -> tuple[int, float]:
        start = time.perf_counter()
        sent = {"username": "mallory", "password": f"guess-{n}"}
        status = (await client.post("login", data=sent, headers=guesser)).status_code
        return status, time.perf_counter() - start

    async def guesses() -> list[tuple[int, float]]:
        async with httpx.AsyncClient(base_url=exposed.url, timeout=30) as client:
            seen = [await guess(client, n) for n in range(free + 1)]
            seventh = asyncio.create_task(guess(client, free + 1))
            await asyncio.sleep(base / 2)
            seen.append(await guess(client, free + 2))  # while the seventh waits
            return [*seen, await seventh]

    seen = asyncio.run(guesses())
    assert [status for status, _ in seen] == [400] * (free + 1) + [429, 400]
    assert all(took < base / 2 for _, took in seen[:free]), seen
    assert seen[free][1] >= base and seen[-1][1] >= 2 * base, seen
    assert seen[free + 1][1] < base, seen
    log = (exposed.root / "serve.log").read_text(encoding="utf-8")
    assert "login failed user='mallory' address=203.0.113.7 failures=7 next_delay=4s" in log
    assert "login refused user='mallory'" in log and "guess-" not in log
    with httpx.Client(base_url=exposed.url) as ann:  # another name from loopback: no delay
        start = time.perf_counter()
        assert ann.post("login", data={"username": "ann", "password": "s3cret"}).is_success
        assert time.perf_counter() - start < base


def test_the_upload_cache_is_private_and_emptied_on_start(exposed: Exposed) -> None:
    assert stat.S_IMODE(exposed.uploads.stat().st_mode) == 0o700
    assert exposed.uploads.stat().st_uid == os.getuid()
    assert not (exposed.uploads / "stale").exists()


def test_an_upload_moves_out_of_the_cache_and_shows_no_server_path(exposed: Exposed) -> None:
    from benchmarks.pageclient import PageSession

    text = b"Glacier notes\n\nThe Rhone glacier loses about ten metres a year.\n"
    paths = [str(exposed.uploads), str(exposed.root), os.path.realpath(exposed.root), "/tmp/"]

    async def upload() -> tuple[str, Any, int]:
        async with httpx.AsyncClient(base_url=exposed.url, timeout=60) as client:
            await client.post("login", data={"username": "ann", "password": "s3cret"})
            config = (await client.get("config")).json()
            ids = {c["props"].get("elem_id"): c["id"] for c in config["components"]}
            event = next(i for i, d in enumerate(config["dependencies"])
                         if [ids["upload"], "upload"] in d["targets"])  # fmt: skip
            sent = await client.post("gradio_api/upload", files={"files": ("Rhone.txt", text)})
            held = [p for p in exposed.uploads.rglob("*") if p.is_file() and p.stat().st_size]
            data = [[{"path": p, "orig_name": "Rhone.txt", "meta": {"_type": "gradio.FileData"}}
                     for p in sent.json()]]  # fmt: skip
            call = await PageSession(client, None).call(event, data)  # type: ignore[arg-type]
            assert call.ok, call.error
            return sent.text, call.outputs, len(held)

    answer, outputs, held = asyncio.run(upload())
    assert held == 1  # it was in the cache until the event took it
    assert not any(p in answer or p in str(outputs) for p in paths), (answer, outputs)
    assert (exposed.root / "sources" / "Rhone.txt").read_bytes() == text
    assert "Added Rhone.txt." in str(outputs)
    left = [p for p in exposed.uploads.rglob("*") if p.is_file() and p.stat().st_size]
    assert left == []  # Gradio's File leaves an empty temporary file per upload; nothing else


def test_no_auth_off_loopback_warns(tmp_path: Path) -> None:
    port = _free_port()
    args = ["--sources", str(copy_sources(tmp_path / "sources")), "--index", str(tmp_path / "i")]
    with _serving([*args, "--host", "0.0.0.0", "--port", str(port), "--no-auth"], None, tmp_path):
        log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "warning: serving on 0.0.0.0 with no logins" in log


def test_read_only_has_no_source_management(built: Assistant, tmp_path: Path) -> None:
    folder = copy_sources(tmp_path / "sources")
    before = sorted(p.name for p in folder.iterdir())
    assistant = Assistant(sources=folder, index=built.settings.index, read_only=True)
    with running_app(assistant) as server:
        config = httpx.get(server.url + "config").json()
    ids = {c["props"].get("elem_id") for c in config["components"]}
    assert not ids & {"upload", "remove", "confirm-remove", "trash", "restore", "rebuild", "status"}
    assert "sources-table" in ids
    manage = SourceHandlers(assistant)
    upload = tmp_path / "planted.txt"
    upload.write_text("Planted text that should never be indexed.", encoding="utf-8")
    assert manage.upload([str(upload)])[0].startswith("Sources cannot be changed here")
    assert manage.remove(before[0])[0].startswith("Sources cannot be changed here")
    assert manage.ask_remove(before[0])[0].startswith("Sources cannot be changed here")
    assert manage.restore("x/y.txt")[0].startswith("Sources cannot be changed here")
    assert manage.rebuild().startswith("Sources cannot be changed here")
    assert sorted(p.name for p in folder.iterdir()) == before


def test_remote_users_never_see_server_paths(tmp_path: Path) -> None:
    folder = copy_sources(tmp_path / "sources")
    assistant = Assistant(sources=folder, index=tmp_path / "missing-index" / "deeper")
    table = SourceHandlers(assistant).view()[0]
    assert str(tmp_path) not in table
    public = Handlers(assistant).public
    assert public(f"no index in {tmp_path / 'missing-index' / 'deeper'}") == "no index in deeper"
    assert str(tmp_path) not in public(f"cannot read {folder}/x.txt")


def test_an_upload_never_overwrites_a_source(tmp_path: Path) -> None:
    folder = copy_sources(tmp_path / "sources")
    name = "pakistan-reaps-what-it-sowed.txt"
    original = (folder / name).read_bytes()
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / name).write_bytes(original)
    same = files.add(folder, [uploads / name])
    assert same.added == [] and same.rejected == [f"{name}: already a source, as {name}"]
    (uploads / name).write_text("A different text under the same name.", encoding="utf-8")
    other = files.add(folder, [uploads / name])
    renamed = "pakistan-reaps-what-it-sowed-2.txt"
    assert other.added == [renamed]
    assert other.renamed == [f"{name}: {name} exists, kept as {renamed}"]
    assert (folder / name).read_bytes() == original
    assert not (uploads / name).exists()  # moved, not copied
    (uploads / name).write_text("A different text under the same name.", encoding="utf-8")
    again = files.add(folder, [uploads / name])  # the same bytes as the kept copy
    assert again.added == [] and again.rejected == [f"{name}: already a source, as {renamed}"]


def test_a_removed_source_is_not_cited_after_the_remove(tmp_path: Path) -> None:
    folder = copy_sources(tmp_path / "sources")
    assistant = Assistant(sources=folder, index=tmp_path / "index")
    assistant.index()
    question = "How many people were killed in the attack on the army school in Peshawar?"
    removed = "pakistan-reaps-what-it-sowed.txt"
    assert removed in {c.source for c in assistant.answer(question).citations}
    manage = SourceHandlers(assistant)
    status = manage.remove(removed)[0]
    assert status.startswith(f"Removed {removed}: it is in the trash until restored.\nIndexed 1 ")
    assert removed not in {c.source for c in assistant.answer(question).citations}
    assert removed not in {s.source for s in assistant.sources()}
    [kept] = trash.items(folder)  # moved, not deleted, and not indexed from the trash
    status = manage.restore(kept.item)[0]
    assert status.startswith(f"Restored {removed}.\nIndexed 2 files: ")
    assert removed in {c.source for c in assistant.answer(question).citations}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _serving:
    """`assistant serve ARGS` in a subprocess until the block ends; its output in root/serve.log.
    Its upload folder goes with it (a terminated server leaves the emptied folder behind)."""

    def __init__(self, args: list[str], env: dict[str, str] | None, root: Path) -> None:
        self.args, self.env, self.log = args, env, root / "serve.log"

    def __enter__(self) -> subprocess.Popen[str]:
        with open(self.log, "w", encoding="utf-8") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "assistant", "serve", *self.args],
                stdout=out, stderr=subprocess.STDOUT, text=True, env=self.env,
            )  # fmt: skip
        deadline = time.monotonic() + 180
        while "Web chat on" not in self.log.read_text(encoding="utf-8"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(self.log.read_text(encoding="utf-8")[-800:])
            time.sleep(0.2)
        return self.proc

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        port = int(self.args[self.args.index("--port") + 1])
        shutil.rmtree(uploads.folder_for(port), ignore_errors=True)


def test_failures_are_logged_without_question_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assistant = Assistant(sources=tmp_path / "no-such-folder", index=tmp_path / "index")
    handlers = Handlers(assistant)
    secret = "What is the private detail about Harriet's bank account?"
    with caplog.at_level("INFO", logger="assistant"):
        shown = handlers._answer(secret, [], 6)
    assert isinstance(shown, str) and "no-such-folder" in shown
    assert str(tmp_path) not in shown
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("assistant")]
    assert any(
        "stage=answer" in ln and f"question_chars={len(secret)}" in ln and "error=" in ln
        for ln in lines
    ), lines
    assert not any("Harriet" in ln or str(tmp_path) in ln for ln in lines)
