"""The Sources tab's layout and events: the table always; adding, removing (two clicks: Remove,
then the confirm button it shows), restoring from the trash and rebuilding unless the chat is
read-only, in which case those components and their events do not exist at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.ingest.readers import SUFFIXES
from assistant.web.manage import SourceHandlers

PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # the page's own events stay off the API


@dataclass
class Manage:
    """The components that change the sources, absent in read-only mode."""

    uploader: gr.File
    to_remove: gr.Dropdown
    remove_button: gr.Button
    confirm_button: gr.Button
    pending: gr.State  # the name the confirm button removes: the one Remove was pressed for
    trashed: gr.Dropdown
    restore_button: gr.Button
    rebuild_button: gr.Button
    status: gr.Textbox


def sources_tab(app: gr.Blocks, h: SourceHandlers, builds: gr.Number) -> None:
    """Lay out the Sources tab and wire its events; `builds` (status.py) counts the server's
    finished index builds, whoever asked for them."""
    with gr.Tab("Sources", id="sources") as tab:
        table = gr.HTML(elem_id="sources-table")
        manage = None if h.read_only else _manage(h.max_upload)
    view: list[Any] = [table, manage.to_remove, manage.trashed] if manage else [table]
    refresh = (lambda: h.view(keep_picks=True)) if manage else (lambda: h.view()[0])
    # The folder can change outside the page, so the table is re-read whenever it is shown.
    app.load(refresh, None, view, **PRIVATE)
    tab.select(refresh, None, view, **PRIVATE)
    builds.change(refresh, None, view, show_progress="hidden", **PRIVATE)  # a build ended
    if manage:
        _wire(h, manage, view)


def _manage(max_upload: int) -> Manage:
    with gr.Row(equal_height=True):
        uploader = gr.File(
            label=f"Add sources ({', '.join(SUFFIXES)}, at most "
            f"{max_upload / 2**20:g} MB each; the index follows by itself)",
            file_count="multiple",
            file_types=list(SUFFIXES),
            height=150,
            scale=3,
            elem_id="upload",
        )
        with gr.Column(scale=2):
            to_remove = gr.Dropdown(
                label="Remove a source (it moves to the trash)", choices=[], elem_id="remove"
            )
            with gr.Row():
                remove_button = gr.Button("Remove source", variant="secondary")
                confirm_button = gr.Button(
                    "Yes, move it to the trash", variant="stop", visible=False,
                    elem_id="confirm-remove",
                )  # fmt: skip
        with gr.Column(scale=2):
            trashed = gr.Dropdown(label="Trash", choices=[], elem_id="trash")
            restore_button = gr.Button("Restore", variant="secondary", elem_id="restore")
    with gr.Row(equal_height=True):
        rebuild_button = gr.Button(
            "Rebuild index", variant="primary", scale=0, min_width=180, elem_id="rebuild"
        )
        status = gr.Textbox(
            show_label=False, interactive=False, container=False, scale=1, max_lines=4,
            placeholder="Adding or removing a source re-indexes by itself; Rebuild re-reads "
            "the folder.", elem_id="status",
        )  # fmt: skip
    return Manage(
        uploader, to_remove, remove_button, confirm_button, gr.State(None), trashed,
        restore_button, rebuild_button, status,
    )  # fmt: skip


def _wire(h: SourceHandlers, m: Manage, view: list[Any]) -> None:
    m.uploader.upload(h.upload, m.uploader, [m.status, *view, m.uploader], **PRIVATE)
    asking = [m.status, m.confirm_button, m.pending]
    m.remove_button.click(h.ask_remove, m.to_remove, asking, **PRIVATE)
    m.to_remove.input(_unasked, None, [m.confirm_button, m.pending], **PRIVATE)
    m.confirm_button.click(h.remove, m.pending, [m.status, *view], **PRIVATE).then(
        _unasked, None, [m.confirm_button, m.pending], **PRIVATE
    )
    m.restore_button.click(h.restore, m.trashed, [m.status, *view], **PRIVATE)
    # The status box already showed the rebuild's progress; the refresh after it stays quiet.
    m.rebuild_button.click(h.rebuild, None, m.status, **PRIVATE).then(
        h.view, None, view, show_progress="hidden", **PRIVATE
    )


def _unasked() -> tuple[Any, None]:
    """The confirm button hidden and nothing waiting for it (another pick, or it was pressed)."""
    return gr.update(visible=False), None
