"""Slowing password guessing down: a delay on logins after repeated failures, per user and address.

After FREE_FAILURES failed logins for a user name, or from an address, each further attempt for it
waits BASE_DELAY seconds before its password is checked, doubling with each failure up to
MAX_DELAY. While such an attempt waits, another for the same name or address is refused at once
(TooManyAttempts, unchecked), so parallel guesses gain nothing. A success clears its name's count,
never its address's; a name or address with no failure for FORGET_AFTER seconds starts afresh.
Failures are logged with the name (shortened) and address, never the password. What it leaves
out: persistence (a restart forgets every count), lockout beyond the delay, and any address but
the one the server sees (uvicorn takes X-Forwarded-For only from a proxy on loopback).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

from assistant.core.errors import AssistantError

log = logging.getLogger(__name__)

FREE_FAILURES = 5  # failed logins before the delay starts
BASE_DELAY = 1.0  # seconds the first delayed attempt waits; each failure after doubles it
MAX_DELAY = 60.0
FORGET_AFTER = 15 * 60.0  # seconds without a failure before a name or address starts afresh
MAX_TRACKED = 10_000  # names and addresses remembered at once; the stalest idle ones go first
ADDRESS: ContextVar[str] = ContextVar("login_address", default="unknown")  # set by guard.Guard


class TooManyAttempts(AssistantError):
    """Another delayed login for the same user name or address is still waiting."""


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0  # when the latest failure was recorded
    waiting: int = 0  # attempts in flight


def delay(failures: int) -> float:
    """Seconds an attempt waits after `failures` failed ones: 0 for the first FREE_FAILURES."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(BASE_DELAY * 2.0 ** min(failures - FREE_FAILURES, 16), MAX_DELAY)


class LoginThrottle:
    """Failure counts per user name and per address, and the delay they impose."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.clock, self.sleep = clock, sleep
        self.counts: dict[str, _Count] = {}

    async def attempt(self, user: str, address: str, check: Callable[[], Awaitable[bool]]) -> bool:
        """Wait as the counts say, then run `check` (the password check) and count its result.

        Raises TooManyAttempts, without checking, while another delayed attempt waits."""
        keys = [f"user {user}", f"address {address}"]
        counts = [self._count(key) for key in keys]
        shown = f"user={user[:40]!r} address={address}"
        if any(c.waiting and c.failures + c.waiting >= FREE_FAILURES for c in counts):
            log.warning("login refused %s: another attempt is waiting", shown)
            raise TooManyAttempts("too many login attempts at once: wait a minute and try again")
        for c in counts:
            c.waiting += 1
        try:
            await self.sleep(max(delay(c.failures) for c in counts))
            ok = await check()
        finally:
            for c in counts:
                c.waiting -= 1
        if ok:
            counts[0].failures = 0
        else:
            for c in counts:
                c.failures, c.last = c.failures + 1, self.clock()
            failures = max(c.failures for c in counts)
            log.warning("login failed %s failures=%d next_delay=%gs", shown, failures,
                        delay(failures))  # fmt: skip
        self._forget(keys)
        return ok

    def _count(self, key: str) -> _Count:
        count = self.counts.setdefault(key, _Count())
        if not count.waiting and self.clock() - count.last > FORGET_AFTER:
            count.failures = 0
        return count

    def _forget(self, keys: list[str]) -> None:
        """Drop these counts when they hold nothing, and the stalest idle ones past MAX_TRACKED."""
        for key in keys:
            c = self.counts.get(key)
            if c and not c.waiting and not c.failures:
                del self.counts[key]
        if len(self.counts) > MAX_TRACKED:
            idle = sorted((c.last, k) for k, c in self.counts.items() if not c.waiting)
            for _, key in idle[: len(self.counts) - MAX_TRACKED]:
                del self.counts[key]
