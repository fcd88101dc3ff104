"""Value objects that carry provenance from source file to answer.

Every object that holds text also holds where the text came from: the source path (relative to the
sources folder) and character offsets into that file's text, so `text[start:end]` reproduces it.
Nothing here does I/O; these are plain frozen dataclasses that serialise to JSON-ready dicts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """One source file as read: its text, title and content hash.

    For formats that are not plain text (HTML, PDF) `text` is the extracted text, which the index
    stores beside the vectors so offsets keep reproducing excerpts. `pages` holds the offset where
    each PDF page starts (empty for other formats); `note` says how the file was read when that is
    worth telling the user (for example a fallback encoding).
    """

    source: str
    title: str
    text: str
    sha256: str
    pages: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: `document.text[start:end] == text`."""

    id: str
    source: str
    title: str
    text: str
    start: int
    end: int
    page: int | None = None  # 1-based PDF page where the chunk starts; None for other formats


@dataclass(frozen=True)
class Hit:
    """A chunk found by retrieval, with its fused score and the ranks each retriever gave it."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    """A verbatim excerpt of a source: `source_text[start:end] == excerpt`."""

    source: str
    title: str
    excerpt: str
    start: int
    end: int
    score: float
    page: int | None = None  # 1-based PDF page where the excerpt starts; None for other formats


PENDING = "not yet verified"
"""The reason a streamed snapshot gives its unfinished last sentence, before it is verified."""


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of a written answer and its verdict.

    `citations` index `Answer.citations` (0-based): the exact source sentences that support it,
    which may be fewer than the model cited. `supported` is False with a `reason` when its
    citations do not support it (or, in a streamed snapshot, while it is still `PENDING`)."""

    text: str
    citations: list[int]
    supported: bool
    reason: str = ""


@dataclass(frozen=True)
class Answer:
    """What the assistant says: markdown text whose marker [i+1] belongs to `citations[i]`.

    `intent` says what kind of answer it is: "fact" (quotes answering a question), "why" or
    "how" (quotes stating a cause or a manner), "summary" or "comparison" (quotes grouped under
    a "### title" line per source), "foreign" (a question in another language).

    `mode` is "extractive" (quotes, the default) or "llm" (written by `model`, sentence by
    sentence in `sentences`, each verified against the excerpts it cites; its `intent` is the
    question's). `note` says in one line why a written answer fell back to quotes. `stats` holds
    what the written answer cost and how its sentences fared before the verifier acted
    (docs/llm.md); empty for quotes."""

    text: str
    citations: list[Citation]
    abstained: bool
    query: str
    question: str = ""
    hits: list[Hit] = field(default_factory=list)
    intent: str = "fact"
    mode: str = "extractive"
    model: str = ""
    sentences: list[AnswerSentence] = field(default_factory=list)
    note: str = ""
    stats: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def page_at(pages: tuple[int, ...] | list[int], offset: int) -> int | None:
    """The 1-based page holding offset, given each page's start offset; None without pages."""
    if not pages:
        return None
    return max(1, sum(1 for start in pages if start <= offset))
