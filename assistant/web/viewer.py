"""The source viewer: a citation's whole source text, the cited span highlighted.

Clicking a citation's file name in the evidence panel (assets.JS) asks `SourceViewer.show` for
that source and span. It shows the stored text citations index into (the file itself for .txt
and .md, the extracted text for .html, .pdf and .docx), escaped as plain text; a source longer
than WINDOW characters shows a window of WINDOW around the span instead, read without loading
the whole text. Only indexed sources are read, by their file name; no path is ever shown. What it
leaves out: scrolling the highlight into view (assets.SCROLL_VIEWER) and editing anything.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.api import Assistant
from assistant.core.errors import AssistantError
from assistant.web.render import esc

WINDOW = 60_000  # characters shown at most: a whole short source, or this much around the span
EMPTY = (
    '<div class="viewer-empty">Click a quote\'s file name in the evidence to read the whole '
    "source here, the quote highlighted.</div>"
)


def asked(request: Any) -> tuple[str, int, int] | None:
    """The page's request, {"source": name, "start": n, "end": m}, checked; None if malformed."""
    try:
        data = json.loads(str(request))
        source, start, end = str(data["source"]), int(data["start"]), int(data["end"])
    except (ValueError, TypeError, KeyError):
        return None
    if not 0 <= start <= end or end - start > WINDOW:
        return None
    return source, start, end


class SourceViewer:
    """Reads the stored text of one indexed source around a span."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def show(self, request: str) -> str:
        span = asked(request)
        titles = {s.source: s.title for s in self.assistant.sources()}
        if span is None or span[0] not in titles:
            return self._note("That source is not in the index (any more).")
        source, start, end = span
        try:
            lo, text, whole = self._window(source, start, end)
        except AssistantError as exc:
            return self._note(f"The source cannot be read: {type(exc).__name__}.")
        a, b = min(start - lo, len(text)), min(end - lo, len(text))
        shown = (
            "the whole stored text" if whole
            else f"characters {lo}–{lo + len(text)} of the stored text, around the quote"
        )  # fmt: skip
        return (
            f'<div class="viewer"><div class="viewer-head"><b>{esc(titles[source])}</b> · '
            f"<code>{esc(source)}</code> · quote at characters {start}–{end} · showing {shown}"
            f'</div><div class="viewer-text">{esc(text[:a])}<mark id="viewer-mark">'
            f"{esc(text[a:b])}</mark>{esc(text[b:])}</div></div>"
        )

    def _window(self, source: str, start: int, end: int) -> tuple[int, str, bool]:
        """(first character's offset, text, whether it is the whole text)."""
        head = self.assistant.source_window(source, 0, WINDOW + 1)
        if len(head) <= WINDOW:
            return 0, head, True
        lo = max(0, start - (WINDOW - (end - start)) // 2)
        text = self.assistant.source_window(source, lo, lo + WINDOW)
        return lo, text, lo == 0 and len(text) < WINDOW

    @staticmethod
    def _note(line: str) -> str:
        return f'<div class="viewer"><div class="viewer-empty">{esc(line)}</div></div>'
