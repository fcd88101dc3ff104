"""A stored conversation as Markdown a reader can check, or as JSON (the answer objects).

The Markdown gives each answer with its quotes, and under each quote its source's title, file
name and character offsets into the stored text (the text `assistant` quotes from: the file
itself for .txt and .md, the extracted text for .html, .pdf and .docx), so anyone can verify it.
Left out: the retrieved passages, which the store does not keep.
"""

from __future__ import annotations

import json
import time

from assistant.conversations import Conversation
from assistant.core.types import Answer

FORMATS = ("md", "json")


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def _quote(n: int, answer: Answer) -> list[str]:
    c = answer.citations[n]
    page = f", page {c.page}" if c.page else ""
    where = f"[{n + 1}] {c.title} — `{c.source}`, characters {c.start}–{c.end}{page}"
    return [where, "", *(f"> {line}" if line else ">" for line in c.excerpt.split("\n")), ""]


def _answer(answer: Answer) -> list[str]:
    lines = [answer.text.strip(), ""]
    if answer.note:
        lines += [f"_{answer.note}_", ""]
    if answer.mode == "llm":
        lines += [f"_Written by {answer.model}; each sentence checked against its quote._", ""]
    if answer.citations:
        lines += ["Quotes:", ""]
        for n in range(len(answer.citations)):
            lines += _quote(n, answer)
    return lines


def to_markdown(conv: Conversation) -> str:
    title = conv.title or "Untitled conversation"
    span = f"{_when(conv.created)} to {_when(conv.updated)}"
    about = f"_{len(conv.turns)} questions, {span}. Offsets count characters of the stored text._"
    lines = [f"# {title}", "", about, ""]
    if conv.sources:
        lines += ["Asked within: " + ", ".join(f"`{s}`" for s in conv.sources), ""]
    for i, turn in enumerate(conv.turns, 1):
        lines += [f"## {i}. {' '.join(turn.question.split())}", "", *_answer(turn.answer)]
    return "\n".join(lines).rstrip() + "\n"


def to_json(conv: Conversation) -> str:
    data = {
        "id": conv.id, "title": conv.title, "created": conv.created, "updated": conv.updated,
        "sources": list(conv.sources),
        "turns": [{"question": t.question, "at": t.at, "answer": t.answer.to_dict()}
                  for t in conv.turns],
    }  # fmt: skip
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def export(conv: Conversation, fmt: str) -> str:
    """The conversation in `fmt`, one of FORMATS."""
    return to_markdown(conv) if fmt == "md" else to_json(conv)
