"""One interface for every chat model that writes answers, and the table that picks one.

A `Backend` turns chat messages into a stream of text pieces. `make_backend("KIND:MODEL", options)`
looks KIND up in `KINDS` and imports that backend's module only then, so choosing "gguf" never
imports langchain-openai and choosing nothing imports nothing. Every backend is a LangChain chat
model (`BaseChatModel`) behind `ChatBackend`; `timed` bounds a stream by a deadline from a worker
thread, so a server that never answers still times out. What it leaves out: prompts, retries
(a failed answer falls back to quotes at once) and anything about sources.
"""

from __future__ import annotations

import importlib
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from assistant.core.errors import BadSetting, LLMFailure, LLMTimeout, LLMUnavailable

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": str}


@dataclass(frozen=True)
class Options:
    """The llm_* settings a backend reads (assistant/core/settings.py documents each)."""

    url: str = ""
    key: str = ""
    threads: int = 1
    context: int = 4096
    temperature: float = 0.0
    timeout: float = 120.0
    max_tokens: int = 256
    grammar: str = ""  # a llama.cpp grammar the answer must follow (gguf, llama.cpp's server)


class Backend(Protocol):
    name: str  # the spec it was made from, e.g. "gguf:/models/qwen.gguf"

    def stream(self, messages: Sequence[Message], free: bool = False) -> Iterator[str]:
        """The answer's text, piece by piece as the model writes it; `free` lifts the grammar
        (for the yes/no judge)."""
        ...


Factory = Callable[[str, Options], "BaseChatModel"]
# KIND -> the module whose `chat_model(model, options)` builds its LangChain chat model and
# whose `constrain(grammar)` gives the keyword arguments that impose a grammar ({} if it can't).
KINDS: dict[str, str] = {
    "ollama": "assistant.llm.ollama",
    "openai": "assistant.llm.openai",
    "gguf": "assistant.llm.gguf",
}


def make_backend(spec: str, options: Options) -> Backend:
    """The backend a spec names ("KIND:MODEL"), its module imported now; BadSetting for an
    unknown kind, LLMUnavailable when the llm extra is not installed."""
    kind, _, model = spec.partition(":")
    if kind not in KINDS or not model:
        raise BadSetting(f"llm must be KIND:MODEL with KIND one of {', '.join(KINDS)}: {spec!r}")
    try:
        module = importlib.import_module(KINDS[kind])
    except ImportError as exc:
        raise LLMUnavailable(
            f"the {kind} backend needs the llm extra: pip install -e '.[llm]' ({exc.name})"
        ) from exc
    factory: Factory = module.chat_model
    constrain = module.constrain(options.grammar) if options.grammar else {}
    return ChatBackend(spec, factory(model, options), constrain)


class ChatBackend:
    """Any LangChain chat model as a Backend: messages in, text pieces out."""

    def __init__(self, name: str, model: BaseChatModel, constrain: dict[str, Any] | None = None):
        self.name = name
        self.model = model
        self.constrain = constrain or {}

    def stream(self, messages: Sequence[Message], free: bool = False) -> Iterator[str]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
        chat = [kinds[m["role"]](content=m["content"]) for m in messages]
        for chunk in self.model.stream(chat, **({} if free else self.constrain)):
            if isinstance(chunk.content, str) and chunk.content:
                yield chunk.content


_DONE = object()


def timed(pieces: Iterator[str], deadline: float) -> Iterator[str]:
    """pieces, read in a worker thread, until `deadline` (time.monotonic()); past it LLMTimeout.
    Any error the model raises becomes LLMFailure, one line. When the caller stops early or the
    time runs out, the worker closes the stream at its next piece (a cancelled request)."""
    box: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()

    def pump() -> None:
        try:
            for piece in pieces:
                if stop.is_set():
                    break
                box.put(piece)
        except BaseException as exc:  # handed to the reader, which raises it as LLMFailure
            box.put(exc)
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()
            box.put(_DONE)

    threading.Thread(target=pump, name="llm-stream", daemon=True).start()
    try:
        while True:
            left = deadline - time.monotonic()
            try:
                item = box.get(timeout=max(left, 0.0)) if left > 0 else box.get_nowait()
            except queue.Empty:
                raise LLMTimeout("the model did not finish in time") from None
            if item is _DONE:
                return
            if isinstance(item, LLMFailure):
                raise item
            if isinstance(item, BaseException):
                raise LLMFailure(one_line(item)) from item
            yield item
    finally:
        stop.set()


def one_line(exc: BaseException) -> str:
    """An exception as one short line: its kind and the first line of its message."""
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
