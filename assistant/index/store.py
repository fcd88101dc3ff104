"""The only module that talks to Chroma: two collections behind langchain's Chroma vector store.

`chunks` holds passages (retrieved by dense similarity); `sentences` holds every sentence of every
chunk with its own vector, so answering can score sentences without embedding them at query time.
Both carry provenance in their metadata (source, title, start, end). The store is either embedded
(persisted in a folder) or a Chroma server reached over HTTP. Telemetry is off in both cases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from assistant.core.errors import IndexFailure
from assistant.core.types import Chunk

_SPACE = {"hnsw:space": "cosine"}
_BATCH = 256


def make_client(path: Path | None, url: str = "") -> Any:
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if url:
            parsed = urlparse(url)
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        assert path is not None
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as exc:  # chromadb raises many types; the user needs one line
        raise IndexFailure(f"cannot open the Chroma store at {url or path}: {exc}") from exc


class ChromaStore:
    def __init__(self, client: Any, embeddings: Embeddings, prefix: str = "assistant"):
        self.embeddings = embeddings
        self.chunks = Chroma(
            collection_name=f"{prefix}-chunks",
            embedding_function=embeddings,
            client=client,
            collection_metadata=_SPACE,
        )
        self.sentences = Chroma(
            collection_name=f"{prefix}-sentences",
            embedding_function=embeddings,
            client=client,
            collection_metadata=_SPACE,
        )

    def add(self, items: list[tuple[Chunk, list[tuple[int, int]]]]) -> None:
        """Embed and store chunks, each with its sentences (offsets into the source file)."""
        chunk_meta = [_meta(c) | {"sentences": len(s)} for c, s in items]
        self.chunks.add_texts(
            [_embedding_text(c) for c, _ in items], chunk_meta, ids=[c.id for c, _ in items]
        )
        texts, metas, ids = [], [], []
        for chunk, spans in items:
            for i, (start, end) in enumerate(spans):
                text = chunk.text[start - chunk.start : end - chunk.start]
                texts.append(text)
                metas.append(_meta(chunk) | {"start": start, "end": end, "chunk_id": chunk.id})
                ids.append(f"{chunk.id}/{i}")
        for i in range(0, len(texts), _BATCH):
            j = i + _BATCH
            self.sentences.add_texts(texts[i:j], metas[i:j], ids=ids[i:j])

    def delete(self, chunk_ids: list[str]) -> None:
        for i in range(0, len(chunk_ids), _BATCH):
            batch = chunk_ids[i : i + _BATCH]
            self.chunks.delete(ids=batch)
            where: Any = {"chunk_id": {"$in": batch}}
            self.sentences._collection.delete(where=where)

    def reset(self) -> None:
        self.chunks.reset_collection()
        self.sentences.reset_collection()

    def count(self) -> int:
        return int(self.chunks._collection.count())

    def search(self, vector: list[float], k: int) -> list[tuple[Chunk, float]]:
        """Chunks nearest to vector, with cosine similarity (higher is closer)."""
        if k <= 0 or self.count() == 0:
            return []
        found = self.chunks.similarity_search_by_vector_with_relevance_scores(vector, k=k)
        return [(_chunk(doc.id or "", doc.metadata), 1.0 - distance) for doc, distance in found]

    def all_chunks(self) -> list[Chunk]:
        got = self.chunks.get(include=["metadatas"])
        return [_chunk(i, m) for i, m in zip(got["ids"], got["metadatas"], strict=True)]

    def sentences_of(self, chunk_ids: list[str]) -> list[tuple[str, int, int, str, list[float]]]:
        """(chunk_id, start, end, text, vector) for every sentence of the given chunks."""
        if not chunk_ids:
            return []
        where: Any = {"chunk_id": {"$in": chunk_ids}}
        got = self.sentences.get(where=where, include=["metadatas", "documents", "embeddings"])
        return [
            (m["chunk_id"], int(m["start"]), int(m["end"]), doc, list(vec))
            for m, doc, vec in zip(
                got["metadatas"], got["documents"], got["embeddings"], strict=True
            )
        ]


def _embedding_text(chunk: Chunk) -> str:
    """The title rides along so a passage that never names its subject still matches it."""
    return f"{chunk.title}\n{chunk.text}"


def _meta(chunk: Chunk) -> dict[str, Any]:
    return {
        "source": chunk.source,
        "title": chunk.title,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
    }


def _chunk(chunk_id: str, meta: Any) -> Chunk:
    return Chunk(
        id=chunk_id,
        source=str(meta["source"]),
        title=str(meta["title"]),
        text=str(meta["text"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
    )


def textbook_search(documents: list[Any], embeddings: Embeddings) -> Any:
    """The textbook recipe's retriever over langchain Documents in a throwaway in-memory Chroma.

    Returns `search(query, k) -> list[Chunk]`. Used only by the evaluation, as the baseline.
    """
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
