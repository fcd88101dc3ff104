"""The assistant as LangChain parts, for people building their own chains.

`AssistantRetriever` is a `BaseRetriever`: a query in, the hybrid retriever's passages out as
LangChain `Document`s whose `page_content` is the passage and whose metadata say where it is
(`source`, `title`, `start`, `end`, `page`, `score`: `source_text[start:end] == page_content`).
`AssistantChain` is the whole pipeline as a `Runnable`: a question, or
`{"question": ..., "history": [...]}`, in and the `Answer` (quotes with offsets, or an abstention)
out; `invoke`, `batch`, `stream` and their async forms are LangChain's own, so it composes with
`|` like any other runnable. Bad input raises the library's typed errors, as `Assistant.answer`
does.

This is the only module that imports LangChain's runnable and retriever machinery, and nothing in
the package imports it: `import assistant` and answering a question never load it. What it leaves
out: it adds no model of its own and changes no answer (the chain answers exactly as
`Assistant.answer`); its `stream` yields the finished `Answer` once; (user, assistant) tuples in a
history are pairs of turns, as everywhere in the library, not LangChain's (role, text) shorthand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NotRequired

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from pydantic import ConfigDict, Field, field_validator
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from assistant.api import Assistant, default_assistant
from assistant.core.errors import BadQuestion
from assistant.core.inputs import check_top_k, clean_history, clean_question
from assistant.core.text import terms
from assistant.core.types import Answer, Hit


class Question(TypedDict):
    """The chain's input when it carries a conversation; a bare string is a question alone."""

    question: str
    history: NotRequired[Sequence[Mapping[str, Any] | BaseMessage] | None]


ChainInput = str | Question
_KEYS = frozenset(Question.__annotations__)
# LangChain's message types as the library's chat roles; any other type (a tool call's result)
# keeps its name, which clean_history refuses with a BadHistory naming it.
_ROLES = {"human": "user", "ai": "assistant", "system": "system"}


class AssistantRetriever(BaseRetriever):
    """The assistant's hybrid retrieval (dense MiniLM + BM25, fused) as a LangChain retriever.

    `AssistantRetriever()` uses the shared default `Assistant` (ASSISTANT_* settings);
    `AssistantRetriever(assistant=Assistant(...), k=4)` another one and another passage count
    (default: the assistant's `top_k`); `sources=[...]` searches those source files alone (as
    `Assistant.answer` takes them: an unknown one is UnknownSource). The query is searched as
    given: no follow-up rewriting, which needs a history (the chain does that).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Assistant = Field(default_factory=default_assistant)
    k: int | None = None
    sources: list[str] | None = None

    @field_validator("k", mode="before")
    @classmethod
    def _k_in_range(cls, k: int | None) -> int | None:
        return check_top_k(k)  # before pydantic would take "3" or True for a count: BadTopK

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        query = clean_question(query, self.assistant.settings.max_question_chars)
        if not terms(query):  # nothing to search by, as Assistant.decision decides
            return []
        hits, _ = self.assistant.retrieve(
            query, self.k, sources=self.assistant.chosen_sources(self.sources)
        )
        return [to_document(hit) for hit in hits]


def to_document(hit: Hit) -> Document:
    """A retrieved passage as a LangChain Document that says where in its source it is."""
    c = hit.chunk
    metadata = {
        "source": c.source,
        "title": c.title,
        "start": c.start,
        "end": c.end,
        "page": c.page,  # None unless the source is a PDF
        "score": hit.score,  # reciprocal rank fusion: higher is better, not a probability
        "dense_rank": hit.dense_rank,
        "keyword_rank": hit.keyword_rank,
    }
    return Document(page_content=c.text, metadata=metadata, id=c.id)


class AssistantChain(RunnableSerializable[ChainInput, Answer]):
    """Question (and history) in, `Answer` out: `Assistant.answer` as a LangChain Runnable.

    `AssistantChain()` uses the shared default `Assistant`; `AssistantChain(assistant=...,
    top_k=...)` another one. The history takes the library's chat messages
    (`{"role", "content"}`) or LangChain messages (HumanMessage, AIMessage, SystemMessage).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Assistant = Field(default_factory=default_assistant)
    top_k: int | None = None

    @field_validator("top_k", mode="before")
    @classmethod
    def _top_k_in_range(cls, top_k: int | None) -> int | None:
        return check_top_k(top_k)

    def invoke(
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Answer:
        return self._call_with_config(self._answer, input, config, run_type="chain", **kwargs)

    def _answer(self, input: ChainInput) -> Answer:
        question, history = read_input(input, self.assistant.settings.max_question_chars)
        return self.assistant.answer(question, history, self.top_k)


def read_input(input: object, max_chars: int) -> tuple[str, list[dict[str, str]]]:
    """The checked question and history of a chain input, or the typed error Assistant.answer
    raises for them; an input of another shape, or a dict with a key the chain does not read, is
    BadQuestion (a misspelt "history" would otherwise be dropped without a word)."""
    if not isinstance(input, Mapping):
        return clean_question(input, max_chars), []
    unknown = sorted(str(key) for key in input if key not in _KEYS)
    if unknown:
        raise BadQuestion(
            f"the chain's input takes the keys 'question' and 'history', not {unknown[0][:30]!r}"
        )
    question = clean_question(input.get("question"), max_chars)
    return question, clean_history(_messages(input.get("history")))


def _messages(history: object) -> object:
    """LangChain messages in a history as the library's {"role", "content"} messages."""
    if not isinstance(history, list | tuple):
        return history  # None, or something clean_history refuses with its reason
    return [
        {"role": _ROLES.get(m.type, m.type), "content": m.content}
        if isinstance(m, BaseMessage)
        else m
        for m in history
    ]
