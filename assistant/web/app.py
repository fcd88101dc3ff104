"""The Gradio Blocks app: chat with streamed, cited answers, an evidence panel and a Sources tab.

`build_app` lays out the page and wires its events to the `handlers.Handlers` of one `Assistant`;
`serve` launches it (127.0.0.1 by default) and blocks. Public API endpoints, for `gradio_client`:
`/ask` (question -> answer with citations and offsets) and `/sources` (the indexed sources).
Every other event is private to the page.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.events import api

from assistant.api import Assistant
from assistant.core.errors import AssistantError, PortBusy
from assistant.ingest.readers import SUFFIXES
from assistant.web import assets, files, render
from assistant.web.handlers import Conversation, Handlers

log = logging.getLogger(__name__)

EXAMPLES = {
    "pakistan-reaps-what-it-sowed.txt": [
        "How many people were killed in the attack on the army school in Peshawar?",
        "For how long did Imran Khan rule Pakistan?",
    ],
    "pakistan-and-the-afghan-taliban-friends-becoming-foes.txt": [
        "What role did India play in Pakistan's decision to back the Taliban?",
        "Why did the Taliban restore relations with Pakistan while U.S. forces were still in "
        "Afghanistan?",
    ],
}
HEADER = (
    "<h1>Ask your sources</h1><p>Every answer quotes the sources word for word. "
    "Click a numbered chip to see the quote highlighted in its paragraph.</p>"
)
# Only /ask and /sources are for gradio_client; the page's own events stay off the API.
PRIVATE: dict[str, Any] = {"api_visibility": "private"}


@dataclass
class ChatParts:
    """The Chat tab's components that events read or write."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    top_k: gr.Slider
    show_hits: gr.Checkbox
    panel: gr.HTML
    latest: gr.JSON


@dataclass
class SourcesParts:
    """The Sources tab and its components that events read or write."""

    tab: gr.Tab
    table: gr.HTML
    uploader: gr.File
    to_remove: gr.Dropdown
    remove_button: gr.Button
    rebuild_button: gr.Button
    status: gr.Textbox


def build_app(assistant: Assistant, workers: int = 0) -> gr.Blocks:
    """The web chat over `assistant`; call `.queue().launch()` on the result, or use `serve`.

    `workers` questions are answered at once (0: the `web_workers` setting)."""
    handlers = Handlers(assistant)
    workers = workers or assistant.settings.web_workers
    app = gr.Blocks(title="Ask your sources", analytics_enabled=False)
    with app:
        gr.HTML(HEADER, head=assets.HEAD, elem_classes="app-header")
        conv = gr.State(Conversation())
        with gr.Tabs():
            chat = _chat_tab(assistant.settings.top_k, _examples(handlers.folder))
            sources = _sources_tab()
        _wire_chat(handlers, chat, conv, workers)
        _wire_sources(app, handlers, sources)
        api(handlers.ask, api_name="ask", concurrency_limit=workers)
        api(handlers.list_sources, api_name="sources")
    return app


def _examples(folder: Path) -> list[str]:
    """The example questions whose source is in the folder; the others could not be answered."""
    present = set(files.listed(folder))
    return [q for name, qs in EXAMPLES.items() if name in present for q in qs]


def _chat_tab(top_k: int, examples: list[str]) -> ChatParts:
    """The Chat tab: the conversation on the left, the evidence panel on the right."""
    with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
        with gr.Column(scale=7):
            chatbot, question = _conversation(examples)
            slider, show_hits = _settings(top_k)
        with gr.Column(scale=5):
            panel = gr.HTML(render.evidence_panel(None, False), elem_id="evidence-panel")
            # The newest turn's messages: the server sends only these, the page adds them.
            latest = gr.JSON(None, visible="hidden", elem_id="latest-turn")
    return ChatParts(chatbot, question, slider, show_hits, panel, latest)


def _conversation(examples: list[str]) -> tuple[gr.Chatbot, gr.Textbox]:
    """The chat history and the question box under it."""
    chatbot = gr.Chatbot(
        show_label=False,
        height=560,
        elem_id="chat",
        latex_delimiters=[],
        allow_tags=False,
        feedback_options=None,
        buttons=[],
        placeholder="Ask a question about the sources.",
        examples=[{"text": q} for q in examples] or None,
    )
    question = gr.Textbox(
        show_label=False,
        placeholder="Ask about the sources…",
        max_length=2000,
        submit_btn=True,
        autofocus=True,
        elem_id="question",
    )
    return chatbot, question


def _settings(top_k: int) -> tuple[gr.Slider, gr.Checkbox]:
    """The folded Settings: passages to retrieve, and whether to show them with their scores."""
    with gr.Accordion("Settings", open=False, elem_id="settings"):
        slider = gr.Slider(1, 12, value=top_k, step=1, label="Passages to retrieve")
        show_hits = gr.Checkbox(False, label="Show retrieved passages with scores")
    return slider, show_hits


def _sources_tab() -> SourcesParts:
    """The Sources tab: the table, add and remove, and the rebuild button with its status line."""
    with gr.Tab("Sources", id="sources") as tab:
        table = gr.HTML(elem_id="sources-table")
        with gr.Row(equal_height=True):
            uploader = gr.File(
                label=f"Add sources ({', '.join(SUFFIXES)}, at most "
                f"{files.MAX_UPLOAD_BYTES // 2**20} MB each)",
                file_count="multiple",
                file_types=list(SUFFIXES),
                height=150,
                scale=3,
                elem_id="upload",
            )
            with gr.Column(scale=2):
                to_remove = gr.Dropdown(label="Remove a source", choices=[], elem_id="remove")
                remove_button = gr.Button("Remove source", variant="secondary")
        rebuild_button, status = _rebuild_row()
    return SourcesParts(tab, table, uploader, to_remove, remove_button, rebuild_button, status)


def _rebuild_row() -> tuple[gr.Button, gr.Textbox]:
    with gr.Row(equal_height=True):
        button = gr.Button(
            "Rebuild index", variant="primary", scale=0, min_width=180, elem_id="rebuild"
        )
        status = gr.Textbox(
            show_label=False, interactive=False, container=False, scale=1, max_lines=4,
            placeholder="Rebuild the index after adding or removing sources.",
            elem_id="status",
        )  # fmt: skip
    return button, status


def _wire_chat(h: Handlers, chat: ChatParts, conv: gr.State, workers: int) -> None:
    """Asking, by typing or by picking an example; clearing; showing the retrieved passages."""
    chat_in = [chat.question, conv, chat.top_k, chat.show_hits]
    chat_out = [chat.question, chat.latest, conv, chat.panel]
    ask = {"concurrency_limit": workers, **PRIVATE}
    chat.question.submit(h.respond, chat_in, chat_out, **ask)
    chat.chatbot.example_select(h.pick_example, None, chat.question, **PRIVATE).then(
        h.respond, chat_in, chat_out, **ask
    )
    # Runs in the browser only: puts the newest turn's messages into the chat.
    chat.latest.change(None, [chat.chatbot, chat.latest], chat.chatbot, js=assets.MERGE_TURN)
    chat.chatbot.clear(h.reset, None, [conv, chat.panel], **PRIVATE)
    chat.show_hits.change(h.panel, [conv, chat.show_hits], chat.panel, **PRIVATE)


def _wire_sources(app: gr.Blocks, h: Handlers, src: SourcesParts) -> None:
    """Adding, removing and re-indexing sources, and keeping the table current."""
    view = [src.table, src.to_remove]
    # The folder can change outside the page, so the table is re-read whenever it is shown.
    app.load(h.sources_view, None, view, **PRIVATE)
    src.tab.select(h.sources_view, None, view, **PRIVATE)
    src.uploader.upload(h.upload, src.uploader, [src.status, *view, src.uploader], **PRIVATE)
    src.remove_button.click(h.remove, src.to_remove, [src.status, *view], **PRIVATE)
    # The status box already showed the rebuild's progress; the refresh after it stays quiet.
    src.rebuild_button.click(h.rebuild, None, src.status, **PRIVATE).then(
        h.sources_view, None, view, show_progress="hidden", **PRIVATE
    )


def warm_up(assistant: Assistant) -> None:
    """Load the model and the index before the first question, so it is answered quickly."""
    try:
        assistant.answer("warm up")
    except AssistantError as exc:
        log.warning("warm-up: %s", exc)


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Start the web chat on host:port and block until interrupted; a busy port is a PortBusy."""
    check_port(host, port)
    app = build_app(assistant)
    threading.Thread(target=warm_up, args=(assistant,), name="warm-up", daemon=True).start()
    try:
        app.queue().launch(
            server_name=host,
            server_port=port,
            max_file_size=files.MAX_UPLOAD_BYTES,
            quiet=True,
            footer_links=["api", "settings"],
            prevent_thread_lock=True,
            max_threads=max(40, 2 * assistant.settings.web_workers),
        )
    except OSError as exc:  # the port was taken between the check and the launch
        raise PortBusy(_busy(port)) from exc
    print(f"Web chat on http://{host}:{port} (Ctrl+C to stop)", flush=True)
    app.block_thread()


def check_port(host: str, port: int) -> None:
    """Raise PortBusy unless host:port can be bound now, before minutes of set-up are spent."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            s.bind((host, port))
        except OSError as exc:
            raise PortBusy(_busy(port)) from exc


def _busy(port: int) -> str:
    return f"port {port} is in use: choose another with --port N (make chat PORT=N)"
