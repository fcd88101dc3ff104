"""The Gradio Blocks app: chat with cited answers, an evidence panel and a Sources tab.

`build_app` lays out the page and wires its events to the handlers of one `Assistant`
(`handlers.Handlers` for the chat, `manage.SourceHandlers` for the Sources tab); `server.serve`
launches it. Public API endpoints, for `gradio_client`:
`/ask` (question -> answer with citations and offsets) and `/sources` (the indexed sources).
Every other event is private to the page.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.events import api

from assistant.api import Assistant
from assistant.core.settings import Settings
from assistant.web import assets, files, render, written
from assistant.web.building import Building
from assistant.web.handlers import Conversation
from assistant.web.manage import SourceHandlers
from assistant.web.saved import SavedChats
from assistant.web.side import SideParts, listed, side_column, wire_side
from assistant.web.sources_tab import PRIVATE, sources_tab
from assistant.web.status import status_line, wire_status
from assistant.web.streaming import ChatHandlers
from assistant.web.viewer import EMPTY, SourceViewer

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
UPLOAD_SWEEP, UPLOAD_MAX_AGE = 60, 15 * 60  # seconds: how often, and after how long
HEADER = (
    "<h1>Ask your sources</h1><p>Every answer quotes the sources word for word. "
    "Click a numbered chip to see the quote highlighted in its paragraph.</p>"
)


@dataclass
class ChatParts:
    """The Chat tab's components that events read or write."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    top_k: gr.Slider
    show_hits: gr.Checkbox
    mode: gr.Radio
    panel: gr.HTML
    latest: gr.JSON
    chosen: gr.Dropdown  # the sources this conversation asks within
    viewer: gr.HTML
    viewing: gr.Textbox  # the span the page asks the viewer for (assets.JS fills it)


def build_app(
    assistant: Assistant, workers: int = 0, building: Building | None = None
) -> gr.Blocks:
    """The web chat over `assistant`; call `.queue().launch()` on the result, or use `serve`.

    `workers` questions are answered at once (0: the `web_workers` setting). `building` runs the
    index builds every session watches (default: a new one; serve passes its own, which it
    starts the start-up refresh on)."""
    _absent_matplotlib_fails_fast()
    handlers = ChatHandlers(assistant)
    workers = workers or assistant.settings.web_workers
    building = building or Building(assistant)
    # Gradio deletes uploads no event took (an upload alone, or one its checks refused) after
    # UPLOAD_MAX_AGE seconds, and every upload left when the server stops.
    app = gr.Blocks(title="Ask your sources", analytics_enabled=False,
                    delete_cache=(UPLOAD_SWEEP, UPLOAD_MAX_AGE))  # fmt: skip
    with app:
        gr.HTML(HEADER, head=assets.HEAD, elem_classes="app-header")
        status = status_line()
        conv = gr.State(Conversation())
        with gr.Tabs():
            side, chat = _chat_tab(assistant.settings, _examples(handlers.folder))
            sources_tab(app, SourceHandlers(assistant, building), status.ended)
        wire_status(app, building, status)
        saved = SavedChats(handlers)
        _wire_chat(handlers, chat, conv, workers, (saved, side))
        wire_side(app, saved, side, conv, _opened(chat, conv, side))
        chat.chosen.input(saved.choose, [conv, chat.chosen], conv, **PRIVATE)
        chat.viewing.change(SourceViewer(assistant).show, chat.viewing, chat.viewer,
                            **PRIVATE).then(None, js=assets.SCROLL_VIEWER, **PRIVATE)  # fmt: skip
        api(handlers.ask, api_name="ask", concurrency_limit=workers)
        api(handlers.list_sources, api_name="sources")
    return app


def _absent_matplotlib_fails_fast() -> None:
    """Gradio tries `import matplotlib` twice per event, on its event loop. Uninstalled, each try
    searches every folder on sys.path again (4% of a loaded server's time, blocking the loop);
    marked absent in sys.modules, the same ImportError comes at once."""
    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]


def _examples(folder: Path) -> list[str]:
    """The example questions whose source is in the folder; the others could not be answered."""
    present = set(files.listed(folder))
    return [q for name, qs in EXAMPLES.items() if name in present for q in qs]


def _chat_tab(settings: Settings, examples: list[str]) -> tuple[SideParts, ChatParts]:
    """The Chat tab: the conversations, the chat, the evidence panel and the source viewer."""
    with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
        side = side_column()
        with gr.Column(scale=7):
            chatbot, question = _conversation(examples, settings.max_question_chars)
            chosen = gr.Dropdown([], value=[], multiselect=True, elem_id="source-choice",
                                 label="Ask within sources (none chosen: all)")  # fmt: skip
            slider, show_hits, mode = _settings(settings)
        with gr.Column(scale=5):
            panel = gr.HTML(render.evidence_panel(None, False), elem_id="evidence-panel")
            # The newest turn's messages: the server sends only these, the page adds them.
            latest = gr.JSON(None, visible="hidden", elem_id="latest-turn")
            viewer = gr.HTML(EMPTY, elem_id="source-viewer")
            viewing = gr.Textbox(visible="hidden", elem_id="viewer-request")
    chat = ChatParts(chatbot, question, slider, show_hits, mode, panel, latest, chosen, viewer,
                     viewing)  # fmt: skip
    return side, chat


def _conversation(examples: list[str], max_chars: int) -> tuple[gr.Chatbot, gr.Textbox]:
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
        max_length=max_chars,  # the server refuses longer questions from any client alike
        submit_btn=True,
        autofocus=True,
        elem_id="question",
    )
    return chatbot, question


def _settings(settings: Settings) -> tuple[gr.Slider, gr.Checkbox, gr.Radio]:
    """The folded Settings: passages to retrieve, whether to show them with their scores, the
    configured answer writer and the switch between quotes and a written answer (enabled only
    when a writer is configured: ASSISTANT_LLM, serve --llm)."""
    writer = settings.llm != "none"
    with gr.Accordion("Settings", open=False, elem_id="settings"):
        slider = gr.Slider(1, 12, value=settings.top_k, step=1, label="Passages to retrieve")
        show_hits = gr.Checkbox(False, label="Show retrieved passages with scores")
        label = written.backend_label(settings)
        gr.HTML(f'<div class="writer">Answer writer: <code>{render.esc(label)}</code></div>',
                elem_id="writer")  # fmt: skip
        mode = gr.Radio(
            written.MODES, value=written.WRITTEN if writer else written.QUOTES_ONLY,
            label="Answers", interactive=writer, elem_id="answer-mode",
        )  # fmt: skip
    return slider, show_hits, mode


def _opened(chat: ChatParts, conv: gr.State, side: SideParts) -> list[Any]:
    """What opening a conversation sets, in saved.SavedChats._opened's order."""
    return [chat.chatbot, conv, chat.panel, side.listing, side.title, chat.chosen,
            side.remembered]  # fmt: skip


def _wire_chat(
    h: ChatHandlers,
    chat: ChatParts,
    conv: gr.State,
    workers: int,
    kept: tuple[SavedChats, SideParts],
) -> None:
    """Asking, by typing or by picking an example; clearing; showing the retrieved passages.
    With a writer configured the turn streams (h.write, reading the answer switch); without
    one it is h.respond, one message. After a turn the side list shows the saved conversation;
    clearing the chat starts a new one."""
    saved, side = kept
    chat_in = [chat.question, conv, chat.top_k, chat.show_hits]
    chat_out = [chat.question, chat.latest, conv, chat.panel]
    writes = h.assistant.settings.llm != "none"
    turn: Any = h.write if writes else h.respond
    chat_in += [chat.mode, chat.chosen] if writes else [chat.chosen]
    ask = {"concurrency_limit": workers, **PRIVATE}
    echo = {"fn": None, "inputs": [chat.chatbot, chat.question], "outputs": chat.chatbot,
            "js": assets.ECHO_QUESTION, **PRIVATE}  # fmt: skip
    # Two listeners per question: the browser shows it at once, the server answers it.
    chat.question.submit(**echo)
    typed = chat.question.submit(turn, chat_in, chat_out, **ask)
    picked = chat.chatbot.example_select(h.pick_example, None, chat.question, **PRIVATE)
    picked.then(**echo)
    chosen = picked.then(turn, chat_in, chat_out, **ask)
    for asked in (typed, chosen):
        asked.then(saved.listing, [side.search, conv], listed(side), **PRIVATE)
    # Runs in the browser only: puts the newest turn's messages into the chat.
    chat.latest.change(None, [chat.chatbot, chat.latest], chat.chatbot, js=assets.MERGE_TURN)
    # Clearing stops a written answer still streaming, which would put its turn back.
    cancels = [typed, chosen] if writes else None
    opened = _opened(chat, conv, side)
    chat.chatbot.clear(saved.new, side.search, opened, cancels=cancels, **PRIVATE)
    chat.show_hits.change(h.panel, [conv, chat.show_hits], chat.panel, **PRIVATE)
