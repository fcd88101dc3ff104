"""Read a question once, into the one value every later step reads.

`understand` takes the question as asked, the conversation so far and the keyword index (what the
sources contain), and returns a `Question`: the text; the query retrieval searches (the text, or
the text plus the conversation's subject when it leans on the conversation, followup.py); its
content terms; the exact terms (names, numbers, quoted phrases) retrieval must find; those of the
question's own exact terms the sources never mention; the idf-weighted share of its terms they
lack; its spaCy tags and what it asks for (asks.py), made only when they can matter; its language
(language.py). A question in another language or script is searched by its distinctive tokens
alone: the names and numbers in it that the sources hold, since its other words would match
nothing. It does no retrieval and chooses no sentence; it does not resolve what a pronoun refers
to, nor translate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answering.asks import Asks, analyse, needs_tags
from assistant.answering.entities import Tagged, tag
from assistant.answering.followup import rewrite
from assistant.answering.language import language_of
from assistant.core.text import stem, terms, words
from assistant.index.keyword import KeywordIndex
from assistant.retrieve.hybrid import exact_terms

Message = dict[str, Any]
_NOT_LATIN = re.compile(r"[^\x00-\x7f\u00c0-\u024f]")


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

    @property
    def searchable(self) -> bool:
        """Whether there is a word to search by (not so for only symbols or another script)."""
        return bool(terms(self.query))

    @property
    def leans(self) -> bool:
        """Whether the conversation was added to the query."""
        return self.query != self.text


def understand(text: str, history: Sequence[Message] | None, keyword: KeywordIndex) -> Question:
    """The question read once: see the module docstring."""
    language = language_of(text)
    if language != "en":
        return _foreign(text, language, keyword)
    common = max(1, len(keyword) // 2)
    query = rewrite(text, history, is_rare=lambda w: keyword.df(stem(w.lower())) < common)
    asked = terms(text)
    weights = [keyword.idf(t) for t in asked]
    oov = sum(w for t, w in zip(asked, weights, strict=True) if not keyword.knows(t))
    tagged = tag(text) if needs_tags(text) else None
    return Question(
        text=text,
        query=query,
        terms=tuple(asked),
        exact=tuple(exact_terms(query)),
        unknown=tuple(t for t in exact_terms(text) if not _known(keyword, t)),
        oov_share=oov / (sum(weights) or 1.0),
        tagged=tagged,
        asks=analyse(tagged) if tagged is not None else Asks(),
    )


def _foreign(text: str, language: str, keyword: KeywordIndex) -> Question:
    """Searched by the names and numbers in it that the sources hold, every word of them."""
    latin = _NOT_LATIN.sub(" ", text)  # a name written against a CJK word would swallow it
    held = [t for t in exact_terms(latin) if terms(t) and all(keyword.knows(w) for w in terms(t))]
    query = " ".join(held)
    return Question(text, query, tuple(terms(query)), tuple(held), (), 0.0, None, Asks(), language)


def _known(keyword: KeywordIndex, term: str) -> bool:
    """A name counts as known when any of its longer words occurs in the sources."""
    if keyword.containing(term, limit=1):
        return True
    parts = [w for w in words(term) if len(w) > 2]
    return any(keyword.containing(w, limit=1) for w in parts)
