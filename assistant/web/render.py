"""HTML for the web chat: answers with citation chips, the evidence panel and the sources table.

Every piece of text that comes from a source file or from a person (questions, excerpts, titles,
file names) goes through `esc`, which escapes HTML and neutralises Markdown and LaTeX syntax, so it
always shows as plain text. Only the tags written here are real markup. No I/O happens here except
reading the part of a source around a citation, to show it inside its paragraph: a window of the
text, never all of it (a source can be one 20 MB line). Titles are shortened to MAX_TITLE_CHARS.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from assistant.core.errors import AssistantError
from assistant.core.text import shorten
from assistant.core.types import Answer, Citation, Hit
from assistant.ingest.extracted import MAX_TITLE_CHARS

WindowOf = Callable[[str, int, int], str]
"""Part of a source's indexed text: (name, start, stop) -> text[start:stop] (source_window)."""

_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'*_[]()`$\\~#|{}!+-=:"})
_MARKER = re.compile(r"\[(\d+)\]")
CONTEXT_CHARS = 420  # most characters of paragraph shown on either side of an excerpt


def esc(text: str) -> str:
    """Text as inert HTML: no tags, no entities, no Markdown, no LaTeX; newlines kept."""
    return text.replace("\r", "").translate(_ENTITIES).replace("\n", "<br>")


def user_message(question: str) -> str:
    return f'<div class="msg-user">{esc(question)}</div>'


def pending_message() -> str:
    return '<div class="answer pending">Searching the sources…</div>'


def error_message(text: str) -> str:
    return f'<div class="answer error">{esc(text)}</div>'


GROUPED = frozenset({"summary", "comparison"})  # answers whose quotes sit under source titles


def answer_message(
    text: str,
    turn: int,
    citations: int,
    abstained: bool,
    searched: str,
    intent: str = "fact",
    below: str = "",
) -> str:
    """The answer with [n] markers as chips. A summary or comparison shows each "### title"
    line as a heading and its "- " quotes as a list under it (answering/quoting/grouped.py writes
    them); any other answer is paragraphs. `below` is markup made here or in written.py (a
    written answer), put inside the same message after the quotes."""
    parts = []
    if searched:
        parts.append(f'<div class="searched">Searched for: <q>{esc(searched)}</q></div>')
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if intent in GROUPED and paragraph.startswith("### "):
            parts.append(f'<div class="group-title">{esc(paragraph[4:].strip())}</div>')
        elif intent in GROUPED and paragraph.startswith("- "):
            items = [_chips(line[2:], turn, citations) for line in paragraph.splitlines()]
            parts.append(f'<ul class="group-quotes">{"".join(f"<li>{i}</li>" for i in items)}</ul>')
        else:
            parts.append(f"<p>{_chips(paragraph, turn, citations)}</p>")
    kind = "answer abstain" if abstained else "answer"
    grouped = " grouped" if intent in GROUPED and not abstained else ""
    return f'<div class="{kind}{grouped}">{"".join(parts)}{below}{COPY}</div>'


# A span, not a button, which the chat's sanitiser may drop. Its label is CSS, so an answer's
# text stays the answer's own; assets.JS copies the answer and its quotes.
COPY = '<span class="copy-answer" role="button" title="Copy this answer with its quotes"></span>'


def _chips(text: str, turn: int, citations: int) -> str:
    """Escaped text whose [n] markers for existing citations are chips."""
    pieces = _MARKER.split(text)  # text, number, text, number, ...
    out = [esc(pieces[0])]
    for number, rest in zip(pieces[1::2], pieces[2::2], strict=True):
        n = int(number)
        out.append(chip(turn, n) if 1 <= n <= citations else esc(f"[{number}]"))
        out.append(esc(rest))
    return "".join(out)


def chip(turn: int, n: int) -> str:
    """A citation chip: a link to evidence card n of the turn (assets.JS opens it)."""
    link = f'href="#ev-{turn}-{n}" title="Show quote {n} in its source"'
    return f'<a class="cite-chip" {link}>{n}</a>'


@dataclass(frozen=True)
class Context:
    before: str
    excerpt: str
    after: str
    verified: bool


def context_of(window_of: WindowOf, citation: Citation) -> Context:
    """The excerpt inside its paragraph, cut from a window of the indexed text around the
    citation's offsets: CONTEXT_CHARS on each side and one more, which shows whether the paragraph
    goes on beyond them."""
    lo = max(0, citation.start - CONTEXT_CHARS - 1)
    try:
        part = window_of(citation.source, lo, citation.end + CONTEXT_CHARS + 1)
    except (OSError, UnicodeError, AssistantError):
        part = ""
    start, end = citation.start - lo, citation.end - lo
    if part[start:end] != citation.excerpt:
        return Context("", citation.excerpt, "", False)  # the file changed since it was indexed
    first = part.rfind("\n", 0, start) + 1
    last = part.find("\n", end)
    last = len(part) if last < 0 else last
    before, after = part[first:start], part[end:last]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
    return Context(before, citation.excerpt, after, True)


def evidence_turn(turn: int, answer: Answer, window_of: WindowOf) -> str:
    """One answer's citations as cards: title, file, excerpt highlighted in its paragraph."""
    cards = []
    for n, c in enumerate(answer.citations, start=1):
        ctx = context_of(window_of, c)
        page = f" · page {c.page}" if c.page else ""
        note = "" if ctx.verified else '<div class="ev-note">The file changed since indexing.</div>'
        # The file name opens the source viewer (assets.JS reads the span from the link).
        opens = esc(f"#src:{c.start}:{c.end}:{quote(c.source, safe='')}")
        cards.append(
            f'<article class="ev-card{" selected" if n == 1 else ""}" id="ev-{turn}-{n}">'
            f'<div class="ev-head"><span class="ev-num">{n}</span>'
            f'<span class="ev-title">{esc(shown_title(c.title))}</span></div>'
            f'<a class="open-source" href="{opens}" title="Open the whole source here">'
            f'<div class="ev-file">{esc(c.source)}{page} · characters {c.start}–{c.end}</div></a>'
            f'<div class="ev-context">{esc(ctx.before)}<mark>{esc(ctx.excerpt)}</mark>'
            f"{esc(ctx.after)}</div>{note}</article>"
        )
    if not cards:
        cards.append('<div class="ev-empty">No quote: the sources don\'t answer this.</div>')
    return (
        f'<div class="ev-question">Evidence for <q>{esc(answer.question)}</q></div>{"".join(cards)}'
    )


def hits_turn(hits: list[Hit]) -> str:
    """The retrieved passages with their fused score and the rank each retriever gave them."""
    rows = []
    for h in hits:
        text = " ".join(h.chunk.text[:1000].split())
        text = text if len(text) <= 320 else text[:320].rsplit(" ", 1)[0] + " …"
        dense = "–" if h.dense_rank is None else str(h.dense_rank)
        keyword = "–" if h.keyword_rank is None else str(h.keyword_rank)
        rows.append(
            f'<li class="hit"><div class="hit-head">{esc(shown_title(h.chunk.title))} · '
            f'<span class="ev-file">{esc(h.chunk.source)}</span></div>'
            f'<div class="hit-scores">score {h.score:.4f} · dense rank {dense} · '
            f"keyword rank {keyword}</div>"
            f'<div class="hit-text">{esc(text)}</div></li>'
        )
    return (
        f'<div class="hits"><div class="hits-title">Retrieved passages</div>'
        f"<ol>{''.join(rows)}</ol></div>"
    )


@dataclass(frozen=True)
class Turn:
    """One answered turn's evidence as shown in the panel: its number, cards and passages."""

    number: int
    evidence: str
    hits: str


def evidence_panel(turn: Turn | None, show_hits: bool) -> str:
    """The latest answer's evidence only: earlier turns' evidence stays in the browser (assets.JS)
    rather than being sent again with every answer."""
    head = '<div class="ev-header">Evidence</div>'
    if turn is None:
        return (
            f'<div class="evidence">{head}<div class="ev-empty">Ask a question. Every quote in '
            "the answer appears here, highlighted inside its paragraph of the source.</div></div>"
        )
    hits = turn.hits if show_hits else ""
    section = f'<section class="ev-turn" id="ev-{turn.number}">{turn.evidence}{hits}</section>'
    return f'<div class="evidence">{head}{section}</div>'


def evidence_history(turns: list[Turn]) -> str:
    """A reopened conversation's evidence: every turn's, the last one shown, so each chip of
    each answer finds its card (assets.JS shows the clicked chip's turn)."""
    if not turns:
        return evidence_panel(None, False)
    sections = "".join(
        f'<section class="ev-turn{"" if t is turns[-1] else " ev-hidden"}" id="ev-{t.number}">'
        f"{t.evidence}</section>"
        for t in turns
    )
    return f'<div class="evidence"><div class="ev-header">Evidence</div>{sections}</div>'


def shown_title(title: str) -> str:
    """A title as shown: an index built before titles were capped may hold a whole line."""
    return shorten(title, MAX_TITLE_CHARS)
