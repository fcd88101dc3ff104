"""The pieces behind the login delay, without a server: the delays and the counts per name and
address (tests/test_security.py drives them over HTTP)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from assistant.web import throttle
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
