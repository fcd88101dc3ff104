"""Read a question once, into the `Question` every later step reads (question.py).

`understand` takes the question as asked, the conversation so far and the `Library` (what the
sources contain, and their titles): it rewrites the query only when the question leans on the
conversation (followup.py), finds its terms, exact terms and those the sources lack, tags it with
spaCy only when something reads the tags, tells its language (language.py), and recognises its
intent from the table in intents.py. A question in another language or script is searched by its
distinctive tokens alone: the names and numbers in it that the sources hold, since its other words
would match nothing. It does no retrieval and chooses no sentence; it does not resolve what a
pronoun refers to, nor translate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assistant.answering import intents
from assistant.answering.library import Library, Terms
from assistant.answering.quoting.sequel import grouped_sources
from assistant.answering.reading.asks import Asks, analyse, needs_tags
from assistant.answering.reading.entities import tag
from assistant.answering.reading.followup import rewrite
from assistant.answering.reading.language import language_of
from assistant.answering.reading.question import Question
from assistant.core.text import stem, terms, words
from assistant.retrieve.hybrid import exact_terms

Message = dict[str, Any]
_NOT_LATIN = re.compile(r"[^\x00-\x7f\u00c0-\u024f]")


def understand(text: str, history: Sequence[Message] | None, library: Library) -> Question:
    """The question read once: see the module docstring."""
    language = language_of(text)
    if language == "en":
        q = _english(text, history, library.keyword)
    else:
        q = _foreign(text, language, library.keyword)
    q = replace(q, previous=grouped_sources(history, library.catalogue()) if history else ())
    return replace(q, intent=intents.recognise(q, library))


def _english(text: str, history: Sequence[Message] | None, keyword: Terms) -> Question:
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


def _foreign(text: str, language: str, keyword: Terms) -> Question:
    """Searched by the names and numbers in it that the sources hold, every word of them."""
    latin = _NOT_LATIN.sub(" ", text)  # a name written against a CJK word would swallow it
    held = [t for t in exact_terms(latin) if terms(t) and all(keyword.knows(w) for w in terms(t))]
    query = " ".join(held)
    return Question(text, query, tuple(terms(query)), tuple(held), (), 0.0, None, Asks(), language)


def _known(keyword: Terms, term: str) -> bool:
    """A name counts as known when any of its longer words occurs in the sources."""
    if keyword.containing(term, limit=1):
        return True
    parts = [w for w in words(term) if len(w) > 2]
    return any(keyword.containing(w, limit=1) for w in parts)
