"""The textbook recipe, as a baseline: 1000/200 character chunks, the same embeddings, top 4."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.core.types import Chunk
from assistant.index.store import textbook_search
from assistant.ingest.readers import read_documents


def textbook_retriever(sources: Path, embeddings: Embeddings) -> Callable[[str, int], list[Chunk]]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=1000, chunk_overlap=200, add_start_index=True
    )
    documents = [
        LCDocument(page_content=doc.text, metadata={"source": doc.source, "title": doc.title})
        for doc in read_documents(sources)
    ]
    search: Callable[[str, int], list[Chunk]] = textbook_search(
        splitter.split_documents(documents), embeddings
    )
    return search
