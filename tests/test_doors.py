"""The pieces behind the login delay and the private upload cache, without a server: the delays,
the counts per name and address, a move across disks, the cache folder's checks, and the page's
relative upload paths made full again (tests/test_security.py drives them over HTTP)."""

from __future__ import annotations

import asyncio
import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from assistant.web import files, throttle, uploads
from assistant.web.throttle import LoginThrottle, TooManyAttempts


def test_the_delay_doubles_after_five_failures_up_to_a_minute() -> None:
    delays = [throttle.delay(n) for n in range(14)]
    base = throttle.BASE_DELAY
    assert delays[:5] == [0.0] * 5
    assert delays[5:9] == [base, 2 * base, 4 * base, 8 * base]
    assert delays[-1] == throttle.MAX_DELAY == 60.0 and throttle.delay(10_000) == 60.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_counts_per_name_and_address() -> None:
    """A success clears its name's count, not its address's; FORGET_AFTER clears both."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    clock = Clock()
    gate = LoginThrottle(clock, sleep)

    def attempt(user: str, address: str, ok: bool) -> bool:
        async def check() -> bool:
            return ok

        return asyncio.run(gate.attempt(user, address, check))

    for _ in range(6):
        assert not attempt("ann", "10.0.0.1", False)
    assert waits == [0] * 5 + [throttle.BASE_DELAY]  # the sixth waited
    assert attempt("ann", "10.0.0.1", True) and waits[-1] == 2 * throttle.BASE_DELAY
    assert not attempt("ann", "10.0.0.2", False) and waits[-1] == 0  # ann's count was cleared
    assert not attempt("bob", "10.0.0.1", False) and waits[-1] == 2 * throttle.BASE_DELAY
    clock.now += throttle.FORGET_AFTER + 1
    assert not attempt("bob", "10.0.0.1", False) and waits[-1] == 0


def test_a_guess_sent_while_another_waits_is_refused_unchecked() -> None:
    gate = LoginThrottle()
    checked: list[str] = []

    async def check() -> bool:
        checked.append("x")
        return False

    async def run() -> Any:
        for _ in range(throttle.FREE_FAILURES):
            await gate.attempt("ann", "10.0.0.1", check)
        waiting = asyncio.create_task(gate.attempt("ann", "10.0.0.9", check))
        await asyncio.sleep(0)
        with pytest.raises(TooManyAttempts):
            await gate.attempt("ann", "10.0.0.8", check)  # same name, another address
        waiting.cancel()

    asyncio.run(run())
    assert len(checked) == throttle.FREE_FAILURES


def test_a_move_across_disks_copies_then_deletes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = tmp_path / "upload.txt"
    upload.write_text("Moved text.", encoding="utf-8")
    upload.chmod(0o600)

    def cross_device(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(files.os, "link", cross_device)
    files.move(upload, tmp_path / "source.txt")
    assert not upload.exists() and (tmp_path / "source.txt").read_text() == "Moved text."
    assert stat.S_IMODE((tmp_path / "source.txt").stat().st_mode) == 0o600
    upload.write_text("Other text.", encoding="utf-8")
    with pytest.raises(FileExistsError):
        files.move(upload, tmp_path / "source.txt")
    assert upload.exists() and (tmp_path / "source.txt").read_text() == "Moved text."


def test_the_upload_folder_is_private_and_refuses_a_planted_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(uploads.ENV, raising=False)  # restored after the test
    folder = tmp_path / "cache"
    (folder / "old").mkdir(parents=True)
    (folder / "old" / "a.txt").write_text("stale", encoding="utf-8")
    os.symlink(tmp_path, folder / "link")
    folder.chmod(0o777)
    assert uploads.prepare(folder) == folder and os.environ[uploads.ENV] == str(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and list(folder.iterdir()) == []
    assert tmp_path.exists()  # the planted link was removed, not followed
    os.symlink(tmp_path, tmp_path / "planted")
    with pytest.raises(uploads.UnsafeUploads, match="not a folder of this user"):
        uploads.prepare(tmp_path / "planted")


def test_relative_upload_paths_become_full_inside_the_folder_only() -> None:
    hide = uploads.HidePaths(lambda *a: None, "/srv/cache")  # type: ignore[arg-type]
    meta = {"_type": "gradio.FileData"}
    sent = {"data": [[{"path": "abc/a.txt", "meta": meta},
                      {"path": "../etc/passwd", "meta": meta},
                      {"path": "/etc/hosts", "meta": meta}],
                     {"path": "abc/b.txt"}]}  # fmt: skip
    restored = hide._restore(sent)
    assert [f["path"] for f in restored["data"][0]] == [
        "/srv/cache/abc/a.txt", "../etc/passwd", "/etc/hosts"
    ]  # fmt: skip
    assert restored["data"][1] == {"path": "abc/b.txt"}  # not a file's value: left alone
