"""The Chat tab's side column: the user's conversations and what can be done with them.

`side_column` lays out "New chat", the search box, the list (newest first), the open
conversation's title with Rename, Delete (which asks once: a confirm button appears) and the two
exports; `wire_side` connects them to `saved.SavedChats`. The browser remembers which conversation
is open (a BrowserState: only an id, which the server checks against the owner on page load). An
export reaches the browser as text and is saved there as a file (assets.DOWNLOAD), so no file is
written on the server. What it leaves out: the handlers themselves (saved.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.web import assets
from assistant.web.saved import SavedChats
from assistant.web.sources_tab import PRIVATE

REMEMBERED = "assistant-open-conversation"  # the browser's localStorage key


@dataclass
class SideParts:
    new_chat: gr.Button
    search: gr.Textbox
    listing: gr.Radio
    title: gr.Textbox
    rename: gr.Button
    delete: gr.Button
    confirm: gr.Button
    export_md: gr.Button
    export_json: gr.Button
    exported: gr.JSON
    remembered: gr.BrowserState


def side_column() -> SideParts:
    with gr.Column(scale=2, min_width=220, elem_id="side"):
        new_chat = gr.Button("New chat", variant="primary", size="sm", elem_id="new-chat")
        search = gr.Textbox(show_label=False, placeholder="Search conversations…",
                            max_length=200, elem_id="conv-search")  # fmt: skip
        listing = gr.Radio([], value=None, label="Conversations", elem_id="conversations")
        title = gr.Textbox(label="Title", max_length=200, elem_id="conv-title")
        with gr.Row():
            rename = gr.Button("Rename", size="sm", min_width=60, elem_id="rename")
            delete = gr.Button("Delete", size="sm", min_width=60, elem_id="delete")
        confirm = gr.Button("Yes, delete it", variant="stop", size="sm", visible=False,
                            elem_id="confirm-delete")  # fmt: skip
        with gr.Row():
            export_md = gr.Button("Export .md", size="sm", min_width=60, elem_id="export-md")
            export_json = gr.Button("Export .json", size="sm", min_width=60, elem_id="export-json")
        exported = gr.JSON(None, visible="hidden", elem_id="exported")
    remembered = gr.BrowserState("", storage_key=REMEMBERED)
    return SideParts(new_chat, search, listing, title, rename, delete, confirm, export_md,
                     export_json, exported, remembered)  # fmt: skip


def wire_side(
    app: gr.Blocks, s: SavedChats, p: SideParts, conv: gr.State, opened: list[Any]
) -> None:
    """`opened`: the outputs of opening a conversation (SavedChats._opened's, in its order)."""
    app.load(s.load, [p.remembered, p.search], opened, **PRIVATE)
    # Another conversation opened while Delete waits for its confirmation: the question is off.
    unasked = {"fn": lambda: gr.update(visible=False), "inputs": None, "outputs": p.confirm,
               **PRIVATE}  # fmt: skip
    p.new_chat.click(s.new, p.search, opened, **PRIVATE).then(**unasked)
    p.listing.input(s.open, [p.listing, p.search], opened, **PRIVATE).then(**unasked)
    p.search.change(s.listing, [p.search, conv], listed(p), **PRIVATE)
    p.rename.click(s.rename, [conv, p.title, p.search], listed(p), **PRIVATE)
    p.title.submit(s.rename, [conv, p.title, p.search], listed(p), **PRIVATE)
    p.delete.click(lambda: gr.update(visible=True), None, p.confirm, **PRIVATE)
    p.confirm.click(s.delete, [conv, p.search], opened, **PRIVATE).then(**unasked)
    for button, fn in ((p.export_md, s.markdown), (p.export_json, s.json)):
        button.click(fn, conv, p.exported, **PRIVATE).then(
            None, p.exported, None, js=assets.DOWNLOAD, **PRIVATE
        )


def listed(p: SideParts) -> list[Any]:
    """What a finished chat turn refreshes: the list, the title and the remembered id."""
    return [p.listing, p.title, p.remembered]
