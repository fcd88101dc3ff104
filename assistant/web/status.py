"""The page's index status line, shown above the tabs to every session, read-only ones included.

While the server builds the index (building.py) it says how far the build got and that answers
come from the previous index meanwhile; when the build ends it says so with the build's summary
line (or its error) for a few minutes. A gr.Timer asks every POLL seconds, outside the queue, so
the asks never wait behind answers nor hold a worker slot: the handler only reads the tracker.
`ended` counts finished builds; the Sources tab re-reads its table when it changes.
Leaves out: pushing the line to the page (Gradio has no server push outside an event).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.web import render
from assistant.web.building import Building

POLL = 2.0  # seconds between a page's asks
_PRIVATE: dict[str, Any] = {"api_visibility": "private"}


@dataclass
class StatusParts:
    line: gr.HTML
    ended: gr.Number  # builds finished so far, as the page last heard


def status_line() -> StatusParts:
    """The line's components, where the layout puts them."""
    line = gr.HTML("", elem_id="index-status", padding=False)
    return StatusParts(line, gr.Number(0, visible="hidden", elem_id="index-builds"))


def wire_status(app: gr.Blocks, building: Building, parts: StatusParts) -> None:
    """Fill the line when the page opens and every POLL seconds after."""

    async def poll() -> tuple[str, int]:
        # async: runs on the event loop, no thread; reading the tracker takes microseconds
        state = building.state()
        return shown(state.line(time.monotonic())), state.builds

    outputs = [parts.line, parts.ended]
    app.load(poll, None, outputs, show_progress="hidden", queue=False, **_PRIVATE)
    gr.Timer(POLL).tick(poll, None, outputs, show_progress="hidden", queue=False, **_PRIVATE)


def shown(line: str) -> str:
    if not line:
        return ""
    kind = "running" if line.startswith("Indexing") else "ended"
    style = "font-size:0.9rem;padding:0.3rem 0.6rem;border-radius:6px;"
    style += "background:var(--block-background-fill);border:1px solid var(--border-color-primary)"
    return f'<div class="index-status {kind}" style="{style}">{render.esc(line)}</div>'
