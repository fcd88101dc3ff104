"""Any OpenAI-compatible chat server: llama.cpp's server, vLLM, LM Studio, Ollama's /v1, hosted.

langchain-openai's ChatOpenAI pointed at `llm_url` (the base URL, ending in /v1) with `llm_key`
(local servers need none, so a placeholder). No retries: a refused or failing server falls back to
quotes at once instead of hanging the answer; the per-request timeout is the answer's time limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_openai import ChatOpenAI

from assistant.core.errors import BadSetting

if TYPE_CHECKING:
    from assistant.llm.base import Options


def constrain(grammar: str) -> dict[str, Any]:
    """llama.cpp's server reads a grammar from the request body; other servers may refuse it."""
    return {"extra_body": {"grammar": grammar}}


def chat_model(model: str, options: Options) -> ChatOpenAI:
    if not options.url:
        raise BadSetting(
            "an openai backend needs its server's address: ASSISTANT_LLM_URL "
            "(--llm-url), e.g. http://127.0.0.1:8080/v1"
        )
    return ChatOpenAI(
        model=model,
        base_url=options.url,
        api_key=options.key or "not-needed",  # type: ignore[arg-type]
        temperature=options.temperature,
        max_tokens=options.max_tokens,  # type: ignore[call-arg]
        timeout=options.timeout,
        max_retries=0,
        streaming=True,
    )
