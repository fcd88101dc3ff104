"""The web server's index builds: one at a time, in a background thread, watched by every session.

`Building` starts a build when none runs (serve's start-up refresh, the Rebuild button, the
auto-index after an upload, remove or restore) and refuses a second one with a line saying that
one is running and how far it got; a change to the folder asked for during a build is taken in by
one more build right after it (`start(..., follow=True)`), so it is never left out. `state()` is
what the page's status line shows to every session, read without waiting on the build; progress
goes to the server log once per tenth of the chunks and at least once a minute (stage=index), so
a long build is never silent. Answers go on meanwhile from the live generation (api.py).

Leaves out: builds by other processes (`assistant index` elsewhere makes the build here fail with
IndexBusy, shown as its one line), cancelling a build, and the page itself (status.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.api import Assistant
from assistant.core.errors import AssistantError, IndexDamaged
from assistant.index import generations
from assistant.index.builder import IndexSummary, Plan
from assistant.index.manifest import Manifest
from assistant.web.handlers import Public

log = logging.getLogger(__name__)
SHOW_ENDED = 300.0  # seconds the page keeps saying that a build ended
LOG_EVERY = 60.0  # seconds: a long build logs this often even between tenths
MEANWHILE = "answers come from the previous index meanwhile"


@dataclass(frozen=True)
class BuildState:
    """One moment of the server's builds: the running one's progress and the last one's end."""

    running: bool = False
    reason: str = ""  # start-up, rebuild, upload, remove, restore, follow-up
    files: int = -1  # files to embed; -1 while the sources are still being read
    done: int = 0  # chunks embedded
    total: int = 0  # chunks to embed
    started: float = 0.0  # time.monotonic() when the running build began
    embedding_since: float = 0.0  # when its first chunk group started, for the rate
    previous: bool = True  # a live generation answers meanwhile
    builds: int = 0  # builds finished since the server started
    ended: float = 0.0  # time.monotonic() when the last one ended
    result: str = ""  # its summary's first line, or "Index not rebuilt: <one line>"
    detail: str = ""  # the whole summary (skipped files and notes too), for who asked for it
    failed: bool = False
    shown: bool = False  # whether the page says it ended (a start-up refresh that changed
    # nothing is not worth a line)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    def eta(self, now: float) -> float | None:
        """Seconds left at the rate the chunks have been embedded so far, once there is one."""
        spent = now - self.embedding_since
        if not self.running or not self.total or self.done <= 0 or spent <= 0:
            return None
        return (self.total - self.done) * spent / self.done

    def busy(self) -> str:
        """What a second request for a build is told while this one runs."""
        return f"A rebuild is already running ({self.percent}%)."

    def line(self, now: float) -> str:
        """The page's status line: the running build, the last one's end for a while, or ""."""
        if self.running:
            return _running_line(self, now)
        if self.builds and self.shown and now - self.ended < SHOW_ENDED:
            return self.result if self.failed else f"Index updated: {self.result}"
        return ""


def _running_line(s: BuildState, now: float) -> str:
    meanwhile = MEANWHILE if s.previous else "answers wait for it"
    if s.files < 0:
        return f"Indexing: reading the sources — {meanwhile}"
    files = f"{s.files} file" + ("" if s.files == 1 else "s")
    eta = s.eta(now)
    left = f" (about {_duration(eta)} left)" if eta is not None else ""
    return f"Indexing {files}, {s.percent}% — {meanwhile}{left}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def usable(assistant: Assistant) -> bool:
    """Whether a live generation built with these settings can answer now (its manifest alone
    is read: a damaged one counts as usable, as answers then say so and a rebuild mends it)."""
    folder = generations.live(assistant.settings.index)
    if folder is None:
        return False
    try:
        manifest = Manifest.load(folder / "manifest.json")
    except IndexDamaged:
        return True
    return manifest.fingerprint == assistant.settings.fingerprint()


class Building:
    """The builds of one web server over `assistant`; `public` turns a message into what a remote
    user may see (default: handlers.Public of the assistant's sources and index folders)."""

    def __init__(self, assistant: Assistant, public: Callable[[str], str] | None = None) -> None:
        s = assistant.settings
        self.assistant = assistant
        self.public = public or Public(s.sources, s.index)
        self._lock = threading.Lock()
        self._ended = threading.Condition(self._lock)
        self._state = BuildState()
        self._again = ""  # the reason for one more build once the running one ends
        self._logged, self._logged_at = -1, 0.0  # the last tenth of the progress logged, when

    def state(self) -> BuildState:
        with self._lock:
            return self._state

    def start(self, reason: str, follow: bool = False) -> int | None:
        """Start a build in a background thread; the number `wait` takes for it, or None when
        one is already running (then, with `follow`, one more build runs right after it)."""
        with self._lock:
            s = self._state
            if s.running:
                self._again = reason if follow else self._again
                return None
            self._state = self._begun(s, reason)
            number = s.builds + 1
        log.info("stage=index build started reason=%s", reason)
        threading.Thread(target=self._run, args=(reason,), name="index-build", daemon=True).start()
        return number

    def wait(
        self, number: int, report: Callable[[BuildState], None] | None = None, every: float = 0.25
    ) -> BuildState:
        """Block until build `number` has ended (its state then), calling report(state) every
        `every` seconds meanwhile."""
        while True:
            with self._lock:
                s = self._state
                if s.builds >= number:
                    return s
            if report:
                report(s)
            with self._lock:
                if self._state.builds < number:
                    self._ended.wait(every)

    def build_first(self) -> IndexSummary:
        """Build in this thread, before the server listens (there is nothing to answer from),
        its progress logged as a background build's is; raises what the build raises."""
        with self._lock:
            self._state = self._begun(self._state, "start-up")
        log.info("stage=index no usable index: building first")
        try:
            summary = self.assistant.index(progress=self._progress, planned=self._planned)
        finally:
            with self._lock:
                self._state = replace(self._state, running=False)
        _log_done("start-up", summary)
        return summary

    def _begun(self, s: BuildState, reason: str) -> BuildState:
        self._logged = -1
        previous = generations.live(self.assistant.settings.index) is not None
        return replace(s, running=True, reason=reason, files=-1, done=0, total=0,
                       started=time.monotonic(), embedding_since=0.0,
                       previous=previous)  # fmt: skip

    def _run(self, reason: str) -> None:
        while True:
            detail, failed, shown = self._build(reason)
            with self._lock:
                s = self._state
                ended = replace(s, running=False, builds=s.builds + 1, ended=time.monotonic(),
                                detail=detail,
                                result=detail.splitlines()[0], failed=failed,
                                shown=shown or reason != "start-up")  # fmt: skip
                reason, self._again = self._again, ""
                self._state = self._begun(ended, reason) if reason else ended
                self._ended.notify_all()
            if not reason:
                return
            log.info("stage=index build started reason=%s (asked for during the last one)", reason)

    def _build(self, reason: str) -> tuple[str, bool, bool]:
        """One build: (its summary or error, whether it failed, whether it changed anything)."""
        try:
            summary = self.assistant.index(progress=self._progress, planned=self._planned)
        except AssistantError as exc:
            log.warning("stage=index reason=%s error=%s", reason, type(exc).__name__)
            return f"Index not rebuilt: {self.public(str(exc))}", True, True
        except Exception as exc:  # a thread's error would otherwise vanish with it
            log.error("stage=index reason=%s error=%s", reason, type(exc).__name__,
                      exc_info=log.isEnabledFor(logging.DEBUG))  # fmt: skip
            return f"Index not rebuilt: {type(exc).__name__}", True, True
        _log_done(reason, summary)
        return self.public(summary.line()), False, _changed(summary)

    def _planned(self, plan: Plan) -> None:
        files = len(plan.add) + len(plan.change)
        with self._lock:
            self._state = replace(self._state, files=files)
        log.info("stage=index files=%d to embed, %d kept, %d to remove", files, len(plan.keep),
                 len(plan.remove))  # fmt: skip

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        with self._lock:
            s = self._state
            since = s.embedding_since or now
            self._state = s = replace(s, done=done, total=total, embedding_since=since)
            tenth = 10 * done // total if total else 0
            if tenth <= self._logged and now - self._logged_at < LOG_EVERY:
                return
            self._logged, self._logged_at = tenth, now
        eta = s.eta(now)
        log.info("stage=index progress=%d%% chunks=%d/%d%s", s.percent, done, total,
                 "" if eta is None else f" eta_s={eta:.0f}")  # fmt: skip


def _log_done(reason: str, summary: IndexSummary) -> None:
    for line in summary.skipped:  # "file: reason"; reasons never quote the file's text
        log.warning("stage=index skipped source=%s", line)
    log.info("stage=index done reason=%s added=%d kept=%d removed=%d seconds=%.1f", reason,
             summary.added, summary.kept, summary.removed, summary.seconds)  # fmt: skip


def _changed(summary: IndexSummary) -> bool:
    return bool(summary.added or summary.removed or summary.repaired or summary.rebuilt_because)
