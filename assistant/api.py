"""The Python API: `answer(question, history)` and the `Assistant` class behind it.

`Assistant` wires the layers together with explicit settings and keeps the model and the open index
loaded between questions. Every answer reads one published index generation from start to end, so
a rebuild (in this process or another) switches answers from the old index to the new one between
questions, never in the middle of one. `answer()` uses one shared default `Assistant` built from
ASSISTANT_* environment variables, and builds the index on first use when it is missing. The
opened generation and the `Library` answering reads over it are `library_view.py`'s.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from assistant.answering import intents
from assistant.answering.library import SourceEntry
from assistant.answering.quoting import fact
from assistant.answering.quoting.extractive import Decision, Thresholds
from assistant.answering.reading.understand import understand
from assistant.core.errors import IndexDamaged, IndexFailure
from assistant.core.inputs import check_sources, check_top_k, clean_history, clean_question
from assistant.core.settings import Settings
from assistant.core.types import Answer, Hit
from assistant.index import generations, texts
from assistant.index.builder import (
    IndexSummary,
    Limits,
    Plan,
    Planned,
    Progress,
    preview,
    refresh,
)
from assistant.index.embeddings import LocalEmbeddings
from assistant.index.store import StoreFactory
from assistant.index.verify import open_generation, text_path
from assistant.library_view import IndexView, ViewLibrary, catalogue_of
from assistant.retrieve.hybrid import HybridRetriever

Message = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class SourceInfo:
    source: str
    title: str
    chunks: int
    indexed_at: float
    note: str = ""


class Assistant:
    def __init__(self, settings: Settings | None = None, **overrides: Any):
        self.settings = settings or Settings.from_env(**overrides)
        self.thresholds = Thresholds(
            max_quotes=max(1, self.settings.max_quotes),
            reader=self.settings.answer_model == "reader",
        )
        s = self.settings
        self.embeddings = LocalEmbeddings(s.model, s.query_threads, s.batch_size, s.query_encoder)
        self.stores = StoreFactory(self.embeddings, self.settings.chroma_url)
        self._view: IndexView | None = None
        self._lock = threading.Lock()  # guards the open view
        self._index_lock = threading.Lock()  # one rebuild at a time; answers go on meanwhile
        self._catalogue: tuple[Path | None, list[SourceEntry]] = (None, [])
        self._writers: list[Any] = []  # the LLM writer, made on the first written answer

    def index(
        self, progress: Progress | None = None, planned: Planned | None = None
    ) -> IndexSummary:
        """Bring the index in line with the sources folder (incremental, crash-safe); `planned`
        hears what the build will do once the sources are read."""
        s = self.settings
        with self._index_lock:
            limits = Limits(s.chunk_words, s.max_sentence_chars, s.max_source_bytes)
            return refresh(
                s.index, s.sources, s.recipe(), s.chunk_words, self.stores,
                self.embeddings.encode, progress, limits, planned,
            )  # fmt: skip

    def plan(self) -> Plan:
        """What `index()` would add, re-embed, remove and skip, without doing it."""
        s = self.settings
        return preview(s.index, s.sources, s.recipe(), self.stores, s.max_source_bytes)

    def ensure_index(self) -> None:
        """Build the index when it is missing or was built with other settings."""
        self.view()

    def view(self) -> IndexView:
        """The live index generation, reopened and checked whenever a newer one has been published
        or its files changed (a few stats per call). A missing index, or one built with other
        settings, is built here; a damaged one raises IndexDamaged and is left for `index()` (the
        CLI, the web's Rebuild) to rebuild: that re-embeds every source, too slow to hide inside
        a question."""
        folder = generations.live(self.settings.index)
        with self._lock:
            cached = self._view
        if cached is not None and cached.folder == folder and cached.opened.unchanged():
            return cached
        if folder is None:
            self.index()
            folder = self._live()
        opened = self._open(folder)
        if opened.manifest.fingerprint != self.settings.fingerprint():
            self.index()
            opened = self._open(self._live())
        with self._lock:
            self._view = opened
        return opened

    def _live(self) -> Path:
        folder = generations.live(self.settings.index)
        if folder is None:
            raise IndexFailure(f"no index in {self.settings.index}")
        return folder

    def _open(self, folder: Path) -> IndexView:
        try:
            g = open_generation(folder, self.stores)
        except IndexDamaged:
            if generations.live(self.settings.index) in (folder, None):
                raise
            return self._open(self._live())  # a rebuild replaced it while it was being checked
        retriever = HybridRetriever(g.store, g.keyword)
        return IndexView(folder, g.manifest, g.store, g.keyword, retriever, g)

    def _recheck(self, view: IndexView) -> None:
        """After a failed read: IndexDamaged when the generation turns out to be broken."""
        with self._lock:
            if self._view is view:
                self._view = None
        if generations.live(self.settings.index) == view.folder:
            self._open(view.folder)

    def sources(self) -> list[SourceInfo]:
        manifest = self.view().manifest
        return [
            SourceInfo(name, entry.title, len(entry.chunk_ids), entry.indexed_at, entry.note)
            for name, entry in sorted(manifest.files.items())
        ]

    def source_text(self, source: str) -> str:
        """The text a source's citations index into, as stored with the index."""
        return self._stored(source, texts.read_text)

    def source_window(self, source: str, start: int, stop: int) -> str:
        """source_text(source)[start:stop], read without loading the whole text."""
        return self._stored(source, lambda path: texts.read_span(path, start, stop))

    def _stored(self, source: str, read: Callable[[Path], str]) -> str:
        view = self.view()
        entry = view.manifest.files.get(source)
        if entry is None:
            raise IndexFailure(f"{source} is not in the index")
        path = text_path(view.folder, entry.sha256)
        try:
            return read(path)
        except (OSError, UnicodeError) as exc:  # the web must not take this for a changed file
            why = "is missing" if isinstance(exc, FileNotFoundError) else f"is unreadable: {exc}"
            raise IndexDamaged(f"texts/{path.name} {why}", view.folder) from exc

    def retrieve(
        self,
        query: str,
        k: int | None = None,
        view: IndexView | None = None,
        exact: Sequence[str] | None = None,
        sources: Collection[str] | None = None,
    ) -> tuple[list[Hit], np.ndarray]:
        s = self.settings
        view = view or self.view()
        vector = self.embeddings.embed_query(query)
        k = k or s.top_k
        hits = view.retriever.search(query, vector, k, s.candidates, s.rrf_k, exact, sources)
        return hits, np.asarray(vector, dtype=np.float32)

    def answer(
        self,
        question: str,
        history: Sequence[Message] | None = None,
        top_k: int | None = None,
        sources: Collection[str] | None = None,
    ) -> Answer:
        """Quote the sources' answer to question, or abstain; with an LLM configured, the
        verified written answer (or the quotes, with a note saying why). `sources` (file names as
        `sources()` lists them; None or empty: all) keeps the answer to those: searches,
        summaries and comparisons read them alone. Bad input raises one typed error:
        BadQuestion (EmptyQuestion, QuestionTooLong), BadHistory, BadTopK or BadSources
        (UnknownSource)."""
        *_, last = self.stream(question, history, top_k, sources)
        return last

    def stream(
        self,
        question: str,
        history: Sequence[Message] | None = None,
        top_k: int | None = None,
        sources: Collection[str] | None = None,
    ) -> Iterator[Answer]:
        """Answer snapshots: the quotes at once, then, when the llm setting names a model, the
        written answer as it grows (answering/writing/written.py), the last one final. The model
        reads the fact path's best-scored candidate sentences as its excerpts. `sources` as in
        `answer`."""
        s = self.settings
        text = clean_question(question, s.max_question_chars)
        messages = clean_history(history, s.max_history_turns, s.max_question_chars)
        library = self.library(check_top_k(top_k), sources=sources)
        q = self._reading(library.view, lambda: understand(text, messages, library))
        quotes = self._reading(library.view, lambda: intents.answer(q, library))
        yield quotes
        if self.settings.llm != "none":
            from assistant.answering.writing.prompt import excerpts_from

            scored = self._reading(library.view, lambda: fact.choosing(q, library).scored)
            excerpts = excerpts_from(scored, self.settings.llm_excerpts)
            yield from self.writer().write(text, quotes.query, messages, quotes, excerpts)

    def writer(self) -> Any:
        """The LLM writer for the llm_* settings, made once; only here are LLM modules imported."""
        with self._lock:
            if not self._writers:
                from assistant.answering.writing.prompt import citation_grammar
                from assistant.answering.writing.written import Writer, Writing
                from assistant.llm.base import Options, make_backend, timed

                s = self.settings
                grammar = citation_grammar(s.llm_excerpts) if s.llm_grammar else ""
                options = Options(
                    s.llm_url, s.llm_key, s.llm_threads, s.llm_context, s.llm_temperature,
                    s.llm_timeout, s.llm_max_tokens, grammar,
                )  # fmt: skip
                self._writers.append(Writer(
                    make_backend(s.llm, options), self.claim_vector,
                    timed, Writing(s.llm_timeout, s.llm_unsupported, s.llm_judge),
                ))  # fmt: skip
            return self._writers[0]

    def claim_vector(self, text: str) -> np.ndarray:
        """A written sentence's vector in the space of the stored sentences it cites, where they
        are compared (the writer's and `assistant eval --claims`'s)."""
        return np.asarray(self.embeddings.embed_query(text), dtype=np.float32)

    def sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Source sentences' vectors as the index stores them."""
        return self.embeddings.encode(texts)

    def decision(
        self,
        question: str,
        history: Sequence[Message] | None = None,
        top_k: int | None = None,
        sources: Collection[str] | None = None,
    ) -> tuple[str, list[Hit], Decision]:
        """The fact answer's steps before wording: query used, passages found, sentences chosen
        (what the abstain model is calibrated on); `sources` as in `answer`."""
        library = self.library(top_k, sources=sources)
        q = understand(question, history, library)
        hits, chosen = self._reading(library.view, lambda: fact.decision(q, library))
        return q.query, hits, chosen

    def catalogue(self, view: IndexView) -> list[SourceEntry]:
        """The view's sources by file name, each with its title and the opening of its text;
        made once per generation (naming a source reads it on many questions)."""
        with self._lock:
            if self._catalogue[0] == view.folder:
                return self._catalogue[1]
        made = catalogue_of(view)
        with self._lock:
            self._catalogue = (view.folder, made)
        return made

    def library(
        self,
        top_k: int | None = None,
        view: IndexView | None = None,
        sources: Collection[str] | None = None,
    ) -> ViewLibrary:
        """The live generation (or `view`) as the answering layer reads it, kept to `sources`
        when some are chosen (checked as `chosen_sources` checks them)."""
        view = view or self.view()
        return ViewLibrary(self, view, top_k, self.chosen_sources(sources, view))

    def chosen_sources(
        self, sources: Collection[str] | None, view: IndexView | None = None
    ) -> frozenset[str] | None:
        """The source file names an answer keeps to, checked against the live index (or `view`):
        None for every source (None or none chosen); UnknownSource for a name it does not hold,
        BadSources for anything but names."""
        if sources is None:
            return None  # every source: the index need not be opened to say so
        return check_sources(sources, (view or self.view()).manifest.files)

    def _reading(self, view: IndexView, read: Callable[[], T]) -> T:
        try:
            return read()
        except IndexFailure:
            self._recheck(view)  # Chroma's files changed under it: say so, and what to do
            raise


_default: Assistant | None = None
_default_lock = threading.Lock()


def default_assistant() -> Assistant:
    global _default
    with _default_lock:
        if _default is None:
            _default = Assistant()
        return _default


def answer(
    question: str,
    history: Sequence[Message] | None = None,
    sources: Collection[str] | None = None,
) -> Answer:
    """Answer a question from the project's sources, quoting them; see `Answer`. `sources`: the
    file names to answer within (None or empty: all), as `Assistant.answer` takes them."""
    return default_assistant().answer(question, history, sources=sources)
