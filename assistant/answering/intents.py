"""What kind of answer a question wants: a table of parts, each a recogniser and a composer.

Every part has one interface: `recognise(question, library)` returns the `Intent` it recognises
(with the sources named and the topic) or None, and `compose(question, library)` returns the
`Answer`. The first part whose recogniser answers wins, so order matters: a question in another
language is never read as English; a follow-up of a summary ("and the second?") before anything
else; a summary ("summarize the first article") before a comparison
("summarize both articles" is a summary of each); both before why and how, which narrow the fact
answer; fact, today's quoted answer, takes every question left. A new kind of answer is a new row,
not a new branch. Nothing here searches by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.answering.library import Library
from assistant.answering.quoting import comparison, fact, sequel, summary, why
from assistant.answering.reading.question import Intent, Question
from assistant.core.types import Answer


@dataclass(frozen=True)
class Part:
    name: str
    recognise: Callable[[Question, Library], Intent | None]
    compose: Callable[[Question, Library], Answer]


PARTS: tuple[Part, ...] = (
    Part("foreign", fact.recognise_foreign, fact.foreign),
    Part("sequel", sequel.recognise, summary.compose_summary),  # recognises it as a summary
    Part("summary", summary.recognise, summary.compose_summary),
    Part("comparison", comparison.recognise, comparison.compose_comparison),
    Part("why", why.recognise_why, why.compose_answer),
    Part("how", why.recognise_how, why.compose_answer),
    Part("fact", fact.recognise, fact.answer),
)
_BY_NAME = {part.name: part for part in PARTS}


def recognise(q: Question, library: Library) -> Intent:
    """The intent of the first part that recognises q (fact recognises every question)."""
    for part in PARTS:
        found = part.recognise(q, library)
        if found is not None:
            return found
    return Intent()


def answer(q: Question, library: Library) -> Answer:
    """The answer composed by the part named by q's intent."""
    return _BY_NAME[q.intent.name].compose(q, library)
