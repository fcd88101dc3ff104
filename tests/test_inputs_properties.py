"""Property-based tests (hypothesis) over answer() and the follow-up rewriting, with the real index.

Whatever the question, history and top_k, answer() returns an Answer whose citations reproduce
their excerpts from the source files, or raises a typed AssistantError; nothing else. Inputs are
bounded (questions up to a little past the cap, a few history messages), so each example's time is
bounded too, and the example counts suit a shared 2-core machine.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assistant.answering.reading.followup import rewrite
from assistant.api import Assistant
from assistant.core.errors import AssistantError
from assistant.core.inputs import clean_history, clean_question

LIMIT = 2000
WORDS = "Pakistan Taliban Kabul Imran Khan TTP 1947 who those talks killed Peshawar school what about he it and India why".split()  # noqa: E501, SIM905

# Any text at all (lone surrogates, controls, other scripts) mixed with words the sources hold,
# so that some examples reach retrieval and quoting, not only the checks.
ODD = ["\ud800", "\udfff", "\ud83d", "\x00", "\x1b", "\u200b", "\u202e", "<", "\n", "中"]
ANY_TEXT = st.text(st.characters(exclude_categories=()) | st.sampled_from(ODD), max_size=60)
WORDY = st.lists(st.sampled_from(WORDS) | ANY_TEXT, max_size=12).map(" ".join)
QUESTIONS = (
    WORDY
    | ANY_TEXT
    | st.text(min_size=LIMIT - 5, max_size=LIMIT + 5, alphabet="ab ?\u4e2d\x00\ud800")
    | st.none()
    | st.integers()
    | st.binary(max_size=20)
    | st.lists(st.text(max_size=5), max_size=3)
)
ROLE = st.sampled_from(["user", "assistant", "system", "bot", ""]) | st.none() | st.integers()
CONTENT = WORDY | st.none() | st.integers() | st.lists(st.fixed_dictionaries({"text": WORDY}))
MESSAGE = (
    st.fixed_dictionaries({"role": ROLE, "content": CONTENT})
    | st.tuples(WORDY | st.none(), WORDY | st.none())
    | st.tuples(WORDY)
    | WORDY
    | st.integers()
)
HISTORIES = st.none() | st.lists(MESSAGE, max_size=6) | WORDY | st.integers()
TOP_K = st.none() | st.integers(-3, 110) | st.floats(allow_nan=True) | st.booleans()
# Well-formed but arbitrary conversations, so that most examples are answered, not refused.
TURN = st.tuples(WORDY, WORDY) | st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant"]), "content": WORDY}
)
FAIR = {
    "question": WORDY.filter(lambda q: len(q) <= LIMIT),
    "history": st.none() | st.lists(TURN, max_size=4),
    "top_k": st.none() | st.integers(1, 12),
}
SLOW = 5.0  # seconds: one answer over two articles takes well under a tenth of that


@pytest.fixture(scope="module", autouse=True)
def warm(built: Assistant) -> None:
    built.answer("Who replaced Imran Khan?")  # opens the index and loads the models, once


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=QUESTIONS, history=HISTORIES, top_k=TOP_K)
def test_answer_is_an_answer_with_true_citations_or_a_typed_error(
    built: Assistant, question: Any, history: Any, top_k: Any
) -> None:
    _check(built, question, history, top_k)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**FAIR)
def test_well_formed_input_is_answered_with_true_citations(
    built: Assistant, question: Any, history: Any, top_k: Any
) -> None:
    _check(built, question, history, top_k)


def _check(built: Assistant, question: Any, history: Any, top_k: Any) -> None:
    """An Answer whose citations reproduce the sources, or one typed error of one line."""
    start = time.perf_counter()
    try:
        answer = built.answer(question, history, top_k)
    except AssistantError as exc:
        assert str(exc) and "\n" not in str(exc)
        event(f"refused: {type(exc).__name__}")
        return
    finally:
        assert time.perf_counter() - start < SLOW
    event("abstained" if answer.abstained else "quoted")
    assert answer.abstained == (not answer.citations)
    assert len(answer.question) <= LIMIT
    for c in answer.citations:
        text = (built.settings.sources / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.excerpt
        assert c.excerpt in answer.text


@settings(max_examples=300, deadline=None)
@given(question=QUESTIONS, history=HISTORIES)
def test_follow_up_rewriting_takes_only_checked_input_and_stays_small(
    question: Any, history: Any
) -> None:
    try:
        q = clean_question(question, LIMIT)
        messages = clean_history(history)
    except AssistantError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    query = rewrite(q, messages)
    assert query.startswith(q)
    assert len(query.split()) <= len(q.split()) + 8  # at most max_terms words carried over
    query.encode("utf-8")  # no lone surrogate reaches the model or the JSON the web sends
