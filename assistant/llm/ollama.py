"""Ollama's own API through langchain-ollama's ChatOllama.

`llm_url` defaults to Ollama's local address. Ollama keeps its own threads and context per model
unless told: llm_threads and llm_context are passed as num_thread and num_ctx. Ollama's
OpenAI-compatible /v1 works too, through the openai backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_ollama import ChatOllama

if TYPE_CHECKING:
    from assistant.llm.base import Options

DEFAULT_URL = "http://127.0.0.1:11434"


def constrain(grammar: str) -> dict[str, Any]:
    return {}  # Ollama takes no llama.cpp grammar; its models are left to follow the prompt


def chat_model(model: str, options: Options) -> ChatOllama:
    return ChatOllama(
        model=model,
        base_url=options.url or DEFAULT_URL,
        temperature=options.temperature,
        num_predict=options.max_tokens,
        num_ctx=options.context,
        num_thread=options.threads,
        client_kwargs={"timeout": options.timeout},
    )
