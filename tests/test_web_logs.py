"""The server's log for the web chat's handlers: an expected refusal (an empty or over-long
question) is one line with no traceback, even at DEBUG; an unexpected error is one line, with
its traceback only when DEBUG is on. No line holds the question's text."""

from __future__ import annotations

import logging

import gradio as gr
import pytest

from assistant.api import Assistant
from assistant.web.handlers import Conversation, Handlers

LOGGER = "assistant.web.handlers"


def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("assistant")]


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("Why? " * 1000, "stage=answer error=QuestionTooLong question_chars=5000"),
        ("   ", "stage=answer error=EmptyQuestion question_chars=3"),
    ],
)
def test_a_refused_chat_question_is_one_line_without_a_traceback(
    built: Assistant, caplog: pytest.LogCaptureFixture, question: str, line: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="assistant")
    Handlers(built).respond(question, Conversation(), 0, False)
    [record] = records(caplog)
    assert (record.name, record.levelno, record.getMessage()) == (LOGGER, logging.INFO, line)
    assert not record.exc_info and record.exc_text is None
    assert "Why?" not in caplog.text


@pytest.mark.parametrize(
    ("question", "kind"), [("", "EmptyQuestion"), ("Why? " * 1000, "QuestionTooLong")]
)
def test_a_refused_api_question_is_one_line_without_a_traceback(
    built: Assistant, caplog: pytest.LogCaptureFixture, question: str, kind: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="assistant")
    with pytest.raises(gr.Error) as raised:
        Handlers(built).ask(question)
    assert raised.value.print_exception is False  # nor does Gradio print one
    [record] = records(caplog)
    assert record.getMessage().startswith(f"stage=answer error={kind} ")
    assert not record.exc_info


@pytest.mark.parametrize(("level", "traceback"), [(logging.INFO, False), (logging.DEBUG, True)])
def test_an_unexpected_error_keeps_its_traceback_at_debug(
    built: Assistant,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    level: int,
    traceback: bool,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(built, "answer", broken)
    caplog.set_level(level, logger="assistant")
    turn = Handlers(built).respond("Who replaced Imran Khan?", Conversation(), 0, False)
    assert "Something went wrong while answering" in str(turn[1])
    with pytest.raises(gr.Error, match="Something went wrong"):
        Handlers(built).ask("Who replaced Imran Khan?")
    chat, api = records(caplog)
    for record in (chat, api):
        assert record.levelno == logging.ERROR
        assert record.getMessage() == "stage=answer error=RuntimeError question_chars=24"
        assert bool(record.exc_info) is traceback
