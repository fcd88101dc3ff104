"""The only module that talks to Chroma: one collection of chunks, used through chromadb's own API.

Each chunk is stored with its vector and, in its metadata, its provenance (source, title, start,
end, page) plus its sentences: their offsets and their own vectors, packed as float16. Answering
scores sentences with those vectors, so nothing is embedded at query time but the question, and
sentences cost no nearest-neighbour index of their own. The client is either embedded (a folder)
or a Chroma server reached over HTTP; telemetry is off in both. Embedding happens elsewhere: this
module stores vectors it is given. langchain's Chroma wrapper serves only the evaluation's textbook
baseline: importing it costs ~0.4 s (langsmith and its tracers), which `assistant ask` does not pay.
"""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import sqlite3
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_core.embeddings import Embeddings

from assistant.core.errors import IndexFailure
from assistant.core.types import Chunk

_OPENING = threading.Lock()

_SPACE = {"hnsw:space": "cosine"}
_BATCH = 512

SentenceRow = tuple[str, int, int, str, np.ndarray]
"""(chunk_id, start, end, text, vector) for one sentence; offsets index the source text."""


def make_client(path: Path | None, url: str = "") -> Any:
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if url:
            parsed = urlparse(url)
            client = chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=settings,
            )
            client.heartbeat()
            return client
        assert path is not None
        path.mkdir(parents=True, exist_ok=True)
        # chromadb shares one System per folder through a registry whose create-then-count steps
        # are not atomic: two threads opening one folder at once (an answer and a rebuild) could
        # leave a client on a stopped System ("'RustBindingsAPI' object has no attribute
        # 'bindings'"). Opening one client at a time keeps the registry whole.
        with _OPENING:
            return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as exc:  # chromadb raises many types; the user needs one line
        raise IndexFailure(f"cannot open the Chroma store at {url or path}: {exc}") from exc


@dataclass(frozen=True)
class Embedded:
    """A chunk ready to store: its vector, and each sentence's offsets and vector."""

    chunk: Chunk
    vector: np.ndarray
    spans: list[tuple[int, int]]
    sentence_vectors: np.ndarray  # one row per span


class ChromaStore:
    def __init__(self, client: Any, prefix: str = "assistant"):
        self.client = client
        self.name = f"{prefix}-chunks"
        # No embedding function: vectors always come with the call (as langchain's wrapper did).
        self.collection = client.get_or_create_collection(
            name=self.name, embedding_function=None, metadata=_SPACE
        )

    def add(self, items: list[Embedded]) -> None:
        for i in range(0, len(items), _BATCH):
            batch = items[i : i + _BATCH]
            self._call(
                "add",
                ids=[e.chunk.id for e in batch],
                embeddings=[e.vector.tolist() for e in batch],
                metadatas=[_meta(e) for e in batch],
                documents=[e.chunk.text for e in batch],
            )

    def copy_to(self, other: ChromaStore, chunk_ids: list[str]) -> None:
        """Copy stored chunks, vectors included, into another store: nothing is re-embedded."""
        for i in range(0, len(chunk_ids), _BATCH):
            got = self.collection.get(
                ids=chunk_ids[i : i + _BATCH], include=["embeddings", "metadatas", "documents"]
            )
            if got["ids"]:
                other._call(
                    "add",
                    ids=got["ids"],
                    embeddings=got["embeddings"],
                    metadatas=got["metadatas"],
                    documents=got["documents"],
                )

    def delete(self, chunk_ids: list[str]) -> None:
        for i in range(0, len(chunk_ids), _BATCH):
            self._call("delete", ids=chunk_ids[i : i + _BATCH])

    def drop(self) -> None:
        """Delete this store's collection (a generation that is no longer needed)."""
        with contextlib.suppress(Exception):  # already gone: nothing to drop
            self.client.delete_collection(self.name)

    def count(self) -> int:
        return int(self.collection.count())

    def problem(self, chunk_ids: list[str]) -> str:
        """What is wrong with this store as the home of chunk_ids, or "": it must answer a count
        and a get, hold as many chunks as listed and hold the first and last of them. Cheap (two
        small queries), so it runs on every open; it reads neither vectors nor HNSW files."""
        probe = list(dict.fromkeys(chunk_ids[:1] + chunk_ids[-1:]))
        try:
            count = self.count()
            found = self.collection.get(ids=probe, include=[])["ids"] if probe else []
        except Exception as exc:  # chromadb raises many types; any of them means no answer
            return f"the Chroma store does not answer: {_first_line(exc)}"
        listed = len(set(chunk_ids))
        if count != listed:
            return f"the Chroma store holds {count} chunks where the manifest lists {listed}"
        if sorted(found) != sorted(probe):
            return "the Chroma store lacks chunks the manifest lists"
        return ""

    def ping(self) -> None:
        """IndexFailure when the client's Chroma (a server) no longer answers at all."""
        try:
            self.client.heartbeat()
        except Exception as exc:  # a lost server: not the data's fault, so not damage
            raise IndexFailure(f"the Chroma server does not answer: {_first_line(exc)}") from exc

    def search(
        self, vector: list[float], k: int, sources: Collection[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Chunks nearest to vector (of `sources` only, when given), with cosine similarity."""
        if k <= 0:
            return []
        where = {"source": {"$in": sorted(sources)}} if sources else None
        with _reading("search"):
            k = min(k, self.count())
            if k == 0:
                return []
            got: Any = self.collection.query(
                query_embeddings=[vector],
                n_results=k,
                where=where,
                include=["metadatas", "documents", "distances"],
            )
        found = zip(
            got["ids"][0], got["metadatas"][0], got["documents"][0], got["distances"][0],
            strict=True,
        )  # fmt: skip
        return [
            (_chunk(cid, meta or {}, text), 1.0 - distance)
            for cid, meta, text, distance in found
            if text is not None
        ]

    def sentences_of(self, chunk_ids: list[str]) -> list[SentenceRow]:
        """Every sentence of the given chunks, with its stored vector."""
        if not chunk_ids:
            return []
        with _reading("read"):
            got: Any = self.collection.get(
                ids=chunk_ids, include=["metadatas", "documents"]
            )
        rows: list[SentenceRow] = []
        for cid, meta, text in zip(got["ids"], got["metadatas"], got["documents"], strict=True):
            start = int(meta["start"])
            spans = json.loads(str(meta["sentences"]))
            vectors = _unpack(str(meta["vectors"]), len(spans))
            for (a, b), vec in zip(spans, vectors, strict=True):
                rows.append((cid, a, b, text[a - start : b - start], vec))
        return rows

    def _call(self, method: str, **kwargs: Any) -> None:
        try:
            getattr(self.collection, method)(**kwargs)
        except Exception as exc:  # a full disk or a lost server: one line for the user
            raise IndexFailure(f"the Chroma store refused to {method} chunks: {exc}") from exc


class StoreFactory:
    """Maps an index generation folder to its store: a Chroma folder inside it, or a collection
    prefix named after it on a Chroma server (the folder then holds only the bookkeeping)."""

    def __init__(self, embeddings: Embeddings, url: str = ""):
        self.embeddings = embeddings  # what the vectors are made with; the stores never embed
        self.url = url
        self._server: Any = None

    def open(self, folder: Path) -> ChromaStore:
        if not self.url:
            return ChromaStore(make_client(folder / "chroma"))
        if self._server is None:
            self._server = make_client(None, self.url)
        return ChromaStore(self._server, prefix=f"assistant-{folder.name}")

    def clone(self, source: Path, target: Path, keep: list[str], drop: list[str]) -> ChromaStore:
        """target's store holding source's chunks except `drop`; nothing is re-embedded.

        Locally the Chroma folder is copied (SQLite through its backup API, so a reader holding
        the source open cannot tear the copy), then `drop` is deleted: seconds at 100k chunks,
        where re-adding every vector would take minutes. A server copies `keep` chunk by chunk.
        """
        if self.url:
            store = self.open(target)
            self.open(source).copy_to(store, keep)
            return store
        _copy_chroma(source / "chroma", target / "chroma")
        store = self.open(target)
        store.delete(drop)
        return store

    def discard(self, folder: Path) -> None:
        """Forget a generation's data on the server; a local folder is simply deleted."""
        if self.url:
            self.open(folder).drop()

    def database(self, folder: Path) -> Path | None:
        """The file holding a local generation's store (None on a server)."""
        return None if self.url else folder / "chroma" / "chroma.sqlite3"


@contextlib.contextmanager
def _reading(what: str) -> Iterator[None]:
    """A failed read becomes one IndexFailure line, which the caller may find to be damage."""
    try:
        yield
    except Exception as exc:
        raise IndexFailure(f"the Chroma store failed to {what} chunks: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _copy_chroma(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("chroma.sqlite3*"))
    database = source / "chroma.sqlite3"
    with (
        contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as origin,
        contextlib.closing(sqlite3.connect(target / "chroma.sqlite3")) as copy,
    ):
        origin.backup(copy)


def _meta(item: Embedded) -> dict[str, Any]:
    chunk = item.chunk
    meta: dict[str, Any] = {
        "source": chunk.source,
        "title": chunk.title,
        "start": chunk.start,
        "end": chunk.end,
        "sentences": json.dumps(item.spans),
        "vectors": _pack(item.sentence_vectors),
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    return meta


def _pack(vectors: np.ndarray) -> str:
    """float16 is plenty for cosine scores and halves what every chunk carries."""
    return base64.b64encode(np.asarray(vectors, dtype="<f2").tobytes()).decode("ascii")


def _unpack(packed: str, rows: int) -> np.ndarray:
    flat = np.frombuffer(base64.b64decode(packed), dtype="<f2").astype(np.float32)
    return flat.reshape(rows, -1)


def _chunk(chunk_id: str, meta: Any, text: str) -> Chunk:
    page = meta.get("page")
    return Chunk(
        id=chunk_id,
        source=str(meta["source"]),
        title=str(meta["title"]),
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        page=int(page) if page is not None else None,
    )


def textbook_search(documents: list[Any], embeddings: Embeddings) -> Any:
    """The textbook recipe's retriever over langchain Documents in a throwaway in-memory Chroma.

    Returns `search(query, k) -> list[Chunk]`. Used only by the evaluation, as the baseline.
    """
    from langchain_chroma import Chroma

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    name = f"textbook-{id(documents)}"
    store = Chroma(name, embeddings, client=client, collection_metadata=_SPACE)
    store.add_documents(documents)

    def search(query: str, k: int) -> list[Chunk]:
        found = store.similarity_search(query, k=k)
        return [
            Chunk(d.id or "", d.metadata["source"], d.metadata["title"], d.page_content,
                  d.metadata["start_index"], d.metadata["start_index"] + len(d.page_content))
            for d in found
        ]  # fmt: skip

    return search
