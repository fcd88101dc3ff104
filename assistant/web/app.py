"""The Gradio Blocks app: chat with streamed, cited answers, an evidence panel and a Sources tab.

`build_app` wires the UI to one `Assistant`; `serve` launches it (127.0.0.1 by default) and blocks.
Public API endpoints, for `gradio_client`: `/ask` (question -> answer with citations and offsets)
and `/sources` (the indexed sources). Every other event is private to the page.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.events import api

from assistant.api import Assistant
from assistant.core.errors import AssistantError
from assistant.ingest.readers import SUFFIXES
from assistant.web import assets, files, render

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
STREAM_STEP_SECONDS = 0.02  # pause between streamed pieces of three words
HEADER = (
    "<h1>Ask your sources</h1><p>Every answer quotes the sources word for word. "
    "Click a numbered chip to see the quote highlighted in its paragraph.</p>"
)
Messages = list[dict[str, Any]]


def _message(role: str, content: str) -> dict[str, Any]:
    return {"role": role, "content": content}


def build_app(assistant: Assistant) -> gr.Blocks:
    """The web chat over `assistant`; call `.launch()` on the result, or use `serve`."""
    folder = assistant.settings.sources
    present = set(files.listed(folder))
    examples = [q for name, qs in EXAMPLES.items() if name in present for q in qs]

    def respond(
        question: str,
        chat: Messages,
        history: Messages,
        turns: list[dict[str, str]],
        top_k: float,
        show_hits: bool,
    ) -> Iterator[tuple[Any, ...]]:
        q = (question or "").strip()
        if not q:
            yield gr.skip(), chat, history, turns, gr.skip()
            return
        chat = [*chat, _message("user", render.user_message(q))]
        yield (
            "",
            [*chat, _message("assistant", render.pending_message())],
            history,
            turns,
            gr.skip(),
        )
        try:
            answer = assistant.answer(q, history, int(top_k))
        except AssistantError as exc:
            chat.append(_message("assistant", render.error_message(str(exc))))
            yield gr.skip(), chat, history, turns, gr.skip()
            return
        except Exception as exc:  # a bug, not the user's doing: log it, show one line
            log.exception("answer failed")
            chat.append(_message("assistant", render.error_message(f"Something went wrong: {exc}")))
            yield gr.skip(), chat, history, turns, gr.skip()
            return
        turn = len(turns)
        evidence = render.evidence_turn(turn, answer, assistant.source_text)
        turns = [*turns, {"evidence": evidence, "hits": render.hits_turn(answer.hits)}]
        history = [*history, _message("user", q), _message("assistant", answer.text)]
        searched = answer.query if answer.query.strip().lower() != q.lower() else ""
        panel = render.evidence_panel(turns, show_hits)
        for i, prefix in enumerate(render.stream_prefixes(answer.text)):
            if i:
                time.sleep(STREAM_STEP_SECONDS)
            content = render.answer_message(
                prefix, turn, len(answer.citations), answer.abstained, searched
            )
            yield (
                gr.skip(),
                [*chat, _message("assistant", content)],
                history,
                turns,
                (panel if i == 0 else gr.skip()),
            )

    def reset() -> tuple[Messages, list[dict[str, str]], str]:
        return [], [], render.evidence_panel([], False)

    def pick_example(event: gr.SelectData) -> str:
        value = event.value
        return str(value.get("text", "")) if isinstance(value, dict) else str(value)

    def sources_view() -> tuple[str, Any]:
        listed = files.listed(folder)
        try:
            indexed = assistant.sources()
        except (AssistantError, OSError, ValueError) as exc:
            log.warning("cannot read the index manifest: %s", exc)
            indexed = []
        table = render.sources_table(indexed, listed, folder)
        return table, gr.update(choices=listed, value=None)

    def upload(paths: list[str] | None) -> tuple[Any, ...]:
        try:
            outcome = files.add(folder, [Path(p) for p in paths or []])
        except OSError as exc:
            return (f"Not added: {exc.strerror or exc}", *sources_view(), None)
        lines = []
        if outcome.added:
            lines.append(f"Added {', '.join(outcome.added)}. Rebuild the index to answer from it.")
        lines += [f"Not added: {reason}" for reason in outcome.rejected]
        return ("\n".join(lines), *sources_view(), None)

    def remove(name: str | None) -> tuple[Any, ...]:
        if not name:
            return ("Choose a source to remove.", *sources_view())
        try:
            removed = files.remove(folder, name)
        except OSError as exc:
            return (f"Not removed: {exc.strerror or exc}", *sources_view())
        if not removed:
            return (f"Not removed: {name} is not a source file.", *sources_view())
        return (f"Removed {name}. Rebuild the index to drop its passages.", *sources_view())

    def rebuild(progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        def report(done: int, total: int) -> None:
            progress((done, max(total, 1)), desc="Embedding passages", unit="passages")

        progress(0, desc="Reading sources")
        try:
            line = assistant.index(progress=report).line()
        except AssistantError as exc:
            line = f"Index not rebuilt: {exc}"
        return line

    def ask(question: str, top_k: int = 0) -> dict[str, Any]:
        """Answer a question: text, citations with offsets, abstained, query, retrieved passages."""
        try:
            answer = assistant.answer(question, None, top_k or None)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        data = answer.to_dict()
        data["hits"] = [
            {"source": h.chunk.source, "title": h.chunk.title, "start": h.chunk.start,
             "end": h.chunk.end, "score": h.score, "dense_rank": h.dense_rank,
             "keyword_rank": h.keyword_rank}
            for h in answer.hits
        ]  # fmt: skip
        return data

    def list_sources() -> list[dict[str, Any]]:
        """The indexed sources: file, title, number of passages, indexing time (unix seconds)."""
        return [
            {"source": s.source, "title": s.title, "chunks": s.chunks, "indexed_at": s.indexed_at}
            for s in assistant.sources()
        ]

    app = gr.Blocks(title="Ask your sources", analytics_enabled=False)
    with app:
        gr.HTML(HEADER, head=assets.HEAD, elem_classes="app-header")
        history = gr.State([])
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=7):
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
                    with gr.Accordion("Settings", open=False, elem_id="settings"):
                        top_k = gr.Slider(
                            1,
                            12,
                            value=assistant.settings.top_k,
                            step=1,
                            label="Passages to retrieve",
                        )
                        show_hits = gr.Checkbox(False, label="Show retrieved passages with scores")
                with gr.Column(scale=5):
                    panel = gr.HTML(render.evidence_panel([], False), elem_id="evidence-panel")
            with gr.Tab("Sources", id="sources") as sources_tab:
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
                        to_remove = gr.Dropdown(
                            label="Remove a source", choices=[], elem_id="remove"
                        )
                        remove_button = gr.Button("Remove source", variant="secondary")
                with gr.Row(equal_height=True):
                    rebuild_button = gr.Button(
                        "Rebuild index",
                        variant="primary",
                        scale=0,
                        min_width=180,
                        elem_id="rebuild",
                    )
                    status = gr.Textbox(
                        show_label=False, interactive=False, container=False, scale=1, max_lines=4,
                        placeholder="Rebuild the index after adding or removing sources.",
                        elem_id="status",
                    )  # fmt: skip

        private: dict[str, Any] = {"api_visibility": "private"}
        chat_in = [question, chatbot, history, turns, top_k, show_hits]
        chat_out = [question, chatbot, history, turns, panel]
        question.submit(respond, chat_in, chat_out, **private)
        chatbot.example_select(pick_example, None, question, **private).then(
            respond, chat_in, chat_out, **private
        )
        chatbot.clear(reset, None, [history, turns, panel], **private)
        show_hits.change(render.evidence_panel, [turns, show_hits], panel, **private)
        app.load(sources_view, None, [table, to_remove], **private)
        sources_tab.select(sources_view, None, [table, to_remove], **private)
        uploader.upload(upload, uploader, [status, table, to_remove, uploader], **private)
        remove_button.click(remove, to_remove, [status, table, to_remove], **private)
        rebuild_button.click(rebuild, None, status, **private).then(
            sources_view, None, [table, to_remove], show_progress="hidden", **private
        )
        api(ask, api_name="ask")
        api(list_sources, api_name="sources")
    return app


def warm_up(assistant: Assistant) -> None:
    """Load the model and the index before the first question, so it is answered quickly."""
    try:
        assistant.answer("warm up")
    except AssistantError as exc:
        log.warning("warm-up: %s", exc)


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Start the web chat on host:port and block until interrupted."""
    app = build_app(assistant)
    threading.Thread(target=warm_up, args=(assistant,), name="warm-up", daemon=True).start()
    print(f"Web chat on http://{host}:{port} (Ctrl+C to stop)", flush=True)
    app.queue().launch(
        server_name=host,
        server_port=port,
        max_file_size=files.MAX_UPLOAD_BYTES,
        quiet=True,
        footer_links=["api", "settings"],
    )
