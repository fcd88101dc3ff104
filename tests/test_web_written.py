"""The written answer's HTML in the web chat (assistant/web/written.py), on constructed answers:
the writer's label, one card per span, each sentence's mark, the fallback note, and model text
that stays text. The real model and the real page are in test_web_streaming.py and
test_browser_written.py."""

from __future__ import annotations

import re

import pytest

from assistant.answering.writing.written import UNSUPPORTED
from assistant.core.settings import Settings
from assistant.core.types import PENDING, Answer, AnswerSentence, Citation
from assistant.web.render import esc
from assistant.web.written import STREAMING, Cards, backend_label, turn_message


@pytest.mark.parametrize(
    ("overrides", "label"),
    [
        ({}, "none"),
        ({"llm": "gguf:smollm2"}, "gguf: smollm2 · 1 thread · temperature 0 · 120 s limit"),
        ({"llm": "gguf:/srv/models/qwen.gguf", "llm_threads": 2, "llm_timeout": 30.0},
         "gguf: qwen.gguf · 2 threads · temperature 0 · 30 s limit"),
        ({"llm": "ollama:qwen2.5:1.5b", "llm_temperature": 0.3},
         "ollama: qwen2.5:1.5b · 1 thread · temperature 0.3 · 120 s limit"),
        ({"llm": "openai:qwen", "llm_url": "http://10.0.0.5:8080/v1"},
         "openai: qwen · temperature 0 · 120 s limit"),
    ],
)  # fmt: skip
def test_backend_label_names_the_writer_never_a_path_or_address(
    overrides: dict[str, object], label: str
) -> None:
    assert backend_label(Settings(**overrides)) == label  # type: ignore[arg-type]


def _cite(start: int, source: str = "a.txt") -> Citation:
    return Citation(source, "A", f"text at {start}", start, start + 10, 0.5)


QUOTES = Answer("“Quote one.” [1]\n\n“Quote two.” [2]", [_cite(0), _cite(50)], False, "q", "q")


def _written(sentences: list[AnswerSentence], citations: list[Citation], note: str = "") -> Answer:
    return Answer("", citations, False, "q", "q", mode="llm", model="gguf:/srv/m/small.gguf",
                  sentences=sentences, note=note)  # fmt: skip


def test_cards_number_each_span_once_quotes_first() -> None:
    cards = Cards(list(QUOTES.citations))
    assert cards.number(_cite(50)) == 2  # a span a quote already shows keeps the quote's card
    assert cards.number(_cite(90)) == 3
    assert cards.number(_cite(90, "b.txt")) == 4  # the same offsets in another file
    assert cards.number(_cite(90)) == 3
    assert [c.start for c in cards.citations] == [0, 50, 90, 90]


def _chips(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="cite-chip" href="#ev-7-(\d+)"', html)]


def test_a_streaming_answer_marks_each_sentence_and_numbers_chips_by_card() -> None:
    sentences = [
        AnswerSentence("It was quote two.", [0], True),
        AnswerSentence("Martians did it.", [], False, "“Martians” is not in the cited excerpt"),
        AnswerSentence("It was new.", [1], True),
        AnswerSentence("And th", [], False, PENDING),
    ]
    cards = Cards(list(QUOTES.citations))
    html = turn_message(QUOTES, _written(sentences, [_cite(50), _cite(90)]), 7, "", cards, False)
    assert _chips(html) == [1, 2, 2, 3]  # the quotes' two, then the written sentences'
    assert f'class="{STREAMING}"' in html
    assert html.count('class="w-sent w-supported"') == 2
    why = "“Martians” is not in the cited excerpt"
    assert f'<span class="w-mark" title="{why}">{UNSUPPORTED}</span>' in html  # seen, and why
    assert html.count(UNSUPPORTED) == 1
    assert 'class="w-sent w-pending">And th</span>' in html
    assert "Written by small.gguf" in html and "/srv" not in html
    done = turn_message(QUOTES, _written(sentences[:3], [_cite(50), _cite(90)]), 7, "", cards, True)
    assert STREAMING not in done and 'class="written"' in done


@pytest.mark.parametrize(
    ("snapshot", "shown", "absent"),
    [
        (None, ["Writing an answer…", STREAMING], ["w-sent"]),
        (QUOTES, [], ["written"]),  # quotes only: nothing beneath them
        (
            Answer(QUOTES.text, QUOTES.citations, False, "q", "q", model="gguf:x",
                   note="Showing quotes: the model did not finish within 1 s."),
            ["written fallback", esc("Showing quotes: the model did not finish within 1 s.")],
            ["w-sent", STREAMING],
        ),
    ],
)  # fmt: skip
def test_before_writing_quotes_only_and_a_fallback(
    snapshot: Answer | None, shown: list[str], absent: list[str]
) -> None:
    html = turn_message(QUOTES, snapshot, 0, "", Cards(list(QUOTES.citations)), False)
    assert _chips(html.replace("#ev-0-", "#ev-7-")) == [1, 2]  # the quotes keep their chips
    assert all(s in html for s in shown), html
    assert not any(a in html for a in absent), html


def test_model_text_never_becomes_markup() -> None:
    payload = "<img src=x onerror=alert(1)> *bold* [3] $$x$$"
    sentences = [
        AnswerSentence(payload, [0], True),
        AnswerSentence(payload, [], False, f"“{payload}” is not in the cited excerpt"),
    ]
    cards = Cards(list(QUOTES.citations))
    html = turn_message(QUOTES, _written(sentences, [_cite(90)]), 7, "", cards, True)
    assert "<img" not in html and "*bold*" not in html and "$$" not in html
    assert _chips(html) == [1, 2, 3]  # quotes' two and the supported sentence's, never [3]
    fallback = _written([], [], note=f"Showing quotes: the model failed: {payload}.")
    assert "<img" not in turn_message(QUOTES, fallback, 7, "", cards, True)
