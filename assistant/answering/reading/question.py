"""The question as understood: one value, built once (understand.py), read by every later step.

`Question` holds the text as asked; the query retrieval searches; its content terms; the exact
terms (names, numbers, quoted phrases) retrieval must find; those of its own exact terms the
sources never mention; the idf-weighted share of its terms they lack; spaCy's tags and what it
asks for (asks.py); its language; and its `Intent`: what kind of answer it wants (fact, why,
how, summary, comparison, foreign), the sources it names and the topic it asks about; and the
sources the answer before it was grouped under, which a follow-up summary leans on. Nothing here
reads the index or runs a model.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.reading.asks import Asks
from assistant.answering.reading.entities import Tagged
from assistant.core.text import terms


@dataclass(frozen=True)
class Intent:
    name: str = "fact"  # a part of the table in intents.py
    sources: tuple[str, ...] = ()  # the sources it names (file names), in catalogue order
    topic: str = ""  # what it asks about once the words that name sources and the intent go


@dataclass(frozen=True)
class Question:
    text: str  # as asked, checked (core/inputs.py)
    query: str  # what retrieval searches: the text, or it plus the conversation's subject
    terms: tuple[str, ...]  # stemmed content words of the text
    exact: tuple[str, ...]  # names, numbers and quoted phrases of the query: retrieval finds them
    unknown: tuple[str, ...]  # the text's own exact terms that occur nowhere in the sources
    oov_share: float  # idf-weighted share of the text's terms that no source holds
    tagged: Tagged | None  # spaCy's tags and entities; None when nothing reads them
    asks: Asks  # what it asks for: a person, a count of what, a date...
    language: str = "en"  # or another language's code, or another script's name (language.py)
    intent: Intent = Intent()
    previous: tuple[str, ...] = ()  # sources the last answer was grouped under (sequel.py)

    @property
    def searchable(self) -> bool:
        """Whether there is a word to search by (not so for only symbols or another script)."""
        return bool(terms(self.query))

    @property
    def leans(self) -> bool:
        """Whether the conversation was added to the query."""
        return self.query != self.text
