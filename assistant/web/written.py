"""HTML for a written answer in the web chat, beneath the quotes it was written from.

A chat turn with an answer writer configured shows the extractive answer at once and the written
answer as it streams beneath it (`turn_message`). Each completed sentence carries its mark: a
supported one its citation chips, exactly like a quote's, opening the exact source sentence that
supports it; an unsupported one the visible words "not found in the sources" (and why, on hover);
the sentence still being written is shown as pending. One evidence card per source span serves
both: `Cards` numbers the quotes' citations first and adds each new span a written sentence cites,
so a chip and its card agree across the stream. A fallback shows the quotes with its one-line
note. `backend_label` names the configured writer without a server path. What it leaves out: the
answering itself (answering/writing/written.py) and the quotes' own HTML (render.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import PurePath

from assistant.core.settings import Settings
from assistant.core.types import PENDING, Answer, Citation
from assistant.web.render import answer_message, chip, esc

QUOTES_ONLY = "quotes only"
WRITTEN = "written answer"
MODES = [QUOTES_ONLY, WRITTEN]
STREAMING = "written streaming"  # the class of a written answer still coming; assets.ECHO_QUESTION


def backend_label(settings: Settings) -> str:
    """The configured writer as the page shows it: "none", or kind, model and the settings that
    shape its answers. A gguf path shows only its file name (remote users never see paths)."""
    if settings.llm == "none":
        return "none"
    kind, model = settings.llm.partition(":")[0], model_name(settings.llm)
    threads = f"{settings.llm_threads} thread{'s' if settings.llm_threads != 1 else ''} · "
    return (
        f"{kind}: {model} · {threads if kind != 'openai' else ''}temperature "
        f"{settings.llm_temperature:g} · {settings.llm_timeout:g} s limit"
    )


def model_name(spec: str) -> str:
    """The model a spec names, as shown: a gguf file by its name, never its folder."""
    kind, _, model = spec.partition(":")
    return PurePath(model).name if kind == "gguf" else model


@dataclass
class Cards:
    """The evidence cards of one turn: the quotes' citations, then each span a written
    sentence cites that no card shows yet. Numbers only grow, so chips stay put as text streams."""

    citations: list[Citation] = field(default_factory=list)

    def number(self, c: Citation) -> int:
        """The card (1-based) showing c's span, added when new."""
        for n, known in enumerate(self.citations, start=1):
            if (known.source, known.start, known.end) == (c.source, c.start, c.end):
                return n
        self.citations.append(c)
        return len(self.citations)


def turn_message(
    quotes: Answer, written: Answer | None, turn: int, searched: str, cards: Cards, done: bool
) -> str:
    """The quotes and, beneath them, the written answer so far (None: not started yet)."""
    below = _written(written, turn, cards, done)
    return answer_message(
        quotes.text, turn, len(quotes.citations), quotes.abstained, searched, quotes.intent, below
    )


def evidence_answer(quotes: Answer, cards: Cards) -> Answer:
    """The answer whose citations the evidence panel shows as cards: every card of the turn."""
    return replace(quotes, citations=list(cards.citations))


def _written(written: Answer | None, turn: int, cards: Cards, done: bool) -> str:
    state = "written" if done else STREAMING
    if written is None:
        return f'<div class="{state}"><div class="written-head">Writing an answer…</div></div>'
    if written.note:  # fell back to the quotes above; say why
        note = f'<div class="written-note">{esc(written.note)}</div>'
        return f'<div class="written fallback">{note}</div>'
    if written.mode != "llm":  # quotes only: nothing is written
        return ""
    from assistant.answering.writing.written import UNSUPPORTED  # only once an answer is written

    parts = [
        _sentence(s.text, [cards.number(written.citations[i]) for i in s.citations],
                  s.supported, s.reason, turn, UNSUPPORTED)
        for s in written.sentences
    ]  # fmt: skip
    head = f"Written by {esc(model_name(written.model))}, each sentence checked against its source"
    return (
        f'<div class="{state}"><div class="written-head">{head}</div><p>{" ".join(parts)}</p></div>'
    )


def _sentence(
    text: str, numbers: list[int], supported: bool, reason: str, turn: int, mark: str
) -> str:
    if reason == PENDING:
        return f'<span class="w-sent w-pending">{esc(text)}</span>'
    if supported:
        chips = "".join(chip(turn, n) for n in numbers)
        return f'<span class="w-sent w-supported">{esc(text)}</span>{chips}'
    why = f' title="{esc(reason)}"' if reason else ""
    return (
        f'<span class="w-sent w-unsupported"{why}>{esc(text)}</span> '
        f'<span class="w-mark"{why}>{mark}</span>'
    )
