"""Rewrite a follow-up question into a self-contained retrieval query, without an LLM.

A question leans on the conversation when it uses a pronoun or demonstrative ("those talks", "he"),
starts with a connective ("and", "what about"), or is too short to stand alone. Then the salient
terms of the previous user turn (and the names quoted in the answer to it) are appended. It does
not resolve which noun a pronoun means; it only makes sure the earlier subject reaches retrieval.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from assistant.core.text import STOPWORDS, terms, words

_REFERRING = frozenset(
    """he him his she her hers they them their theirs it its this that
    these those there then such former latter same""".split()  # noqa: SIM905
)
_CONNECTIVES = ("and ", "but ", "also ", "what about", "how about", "why", "so ", "then ")
Message = dict[str, Any]


def leans_on_history(question: str) -> bool:
    tokens = words(question)
    lowered = question.strip().lower()
    return (
        any(t in _REFERRING for t in tokens)
        or lowered.startswith(_CONNECTIVES)
        or len(terms(question)) < 2
    )


def rewrite(
    question: str,
    history: Sequence[Message] | None,
    is_rare: Callable[[str], bool] = lambda _: True,
    max_terms: int = 8,
) -> str:
    """The query to retrieve with: the question itself, or it plus earlier turns' key words."""
    if not history or not leans_on_history(question):
        return question
    own = set(terms(question))
    carried: list[str] = []
    for text in _previous_turns(history):
        for word in _salient_words(text):
            seen = own | {c.lower() for c in carried}
            if word.lower() not in seen and is_rare(word):
                carried.append(word)
        if len(carried) >= max_terms // 2:
            break
    return f"{question} {' '.join(carried[:max_terms])}".strip() if carried else question


def _previous_turns(history: Sequence[Message]) -> list[str]:
    """Earlier user questions, newest first, each followed by the answer it got."""
    turns: list[str] = []
    messages = list(history)
    for i in range(len(messages) - 1, -1, -1):
        message = messages[i]
        if message.get("role") != "user":
            continue
        turns.append(_content(message))
        reply = messages[i + 1] if i + 1 < len(messages) else None
        if reply and reply.get("role") == "assistant":
            turns.append(" ".join(_names(_content(reply))))
    return turns


def _salient_words(text: str) -> list[str]:
    return [
        w
        for w in re.findall(r"[A-Za-z0-9][\w’'-]*", text)
        if w.lower() not in STOPWORDS and len(w) > 2 and not w.lower().startswith(("what", "who"))
    ]


def _names(text: str) -> list[str]:
    """Capitalised words inside an answer, minus each sentence's first word."""
    return re.findall(r"(?<=[a-z,;] )[A-Z][\w’'-]+", text)


def _content(message: Message) -> str:
    content = message.get("content", "")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # Gradio may send a list of parts
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)
