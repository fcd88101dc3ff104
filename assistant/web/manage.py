"""The Sources tab's handlers: list, add, remove, restore and re-index sources, refused in
read-only mode.

Adding, removing or restoring a source re-indexes by itself (the `auto_index` setting, on by
default), so a removed source stops being cited as soon as the event ends, and an uploaded one can
be asked about. Builds run in the server's one build thread (building.py) and the event waits for
its own; while another runs (serve's start-up refresh, another session's), Rebuild is told so at
once, and a change is taken in by one more build right after it. Removing takes two clicks
(`ask_remove`, then `remove`) and never deletes: the file goes to the trash (ingest/trash.py), and
`restore` brings it back. With `read_only` the page has none of these events (app.py) and the
handlers refuse anyway, so a hand-made call cannot change the folder either. Messages name files,
never server paths. An upload is moved out of Gradio's upload cache into the folder, and what is
refused is deleted from it (uploads.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api import Assistant
from assistant.core.errors import AssistantError
from assistant.ingest import trash
from assistant.web import files, uploads
from assistant.web.building import Building, BuildState
from assistant.web.handlers import Public
from assistant.web.table import sources_table

log = logging.getLogger(__name__)
READ_ONLY = "Sources cannot be changed here: this chat is read-only (ASSISTANT_READ_ONLY)."
Progress = Callable[..., Any]


class SourceHandlers:
    """The Sources tab of one web chat over `assistant`."""

    def __init__(self, assistant: Assistant, building: Building | None = None) -> None:
        self.assistant = assistant
        self.folder = assistant.settings.sources
        self.read_only = assistant.settings.read_only
        self.auto_index = assistant.settings.auto_index
        self.max_source_bytes = assistant.settings.max_source_bytes
        self.max_upload = files.upload_limit(self.max_source_bytes)
        self.public = Public(assistant.settings.sources, assistant.settings.index)
        self.building = building or Building(assistant, self.public)

    def view(self, keep_picks: bool = False) -> tuple[str, Any, Any]:
        """The sources table, the remove dropdown's choices and the trash's, from the folder and
        the index; links the index does not read are listed with their reason, and can be
        removed. After the user's own change the picks are cleared; a refresh the user did not
        ask for (the tab shown, someone's build ended) keeps them, since it can land just after
        the user picked a file."""
        found = files.listing(self.folder)
        listed = found.names(self.folder)
        try:
            indexed = self.assistant.sources()
        except (AssistantError, OSError, ValueError) as exc:
            # A missing or broken index must not hide the files: show them as not indexed.
            log.warning("cannot read the index manifest: %s", type(exc).__name__)
            indexed = []
        building = self.building.state().running
        table = sources_table(indexed, listed, self.folder, found.links, building)
        cleared: dict[str, Any] = {} if keep_picks else {"value": None}
        removable = gr.update(choices=sorted([*listed, *found.links]), **cleared)
        return table, removable, gr.update(choices=self._trashed(), **cleared)

    def _trashed(self) -> list[tuple[str, str]]:
        """The trash as (label, item) choices, the latest removal first."""
        try:
            removed = trash.items(self.folder)
        except OSError as exc:
            log.warning("stage=trash error=%s", type(exc).__name__)
            return []
        return [(f"{r.source} · removed {_when(r.removed_at)}", r.item) for r in removed]

    def upload(
        self,
        paths: list[str] | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        # The trailing None empties the uploader: its files are now in the folder or rejected,
        # and nothing of them is left in the upload cache.
        received = [Path(p) for p in paths or []]
        try:
            if self.read_only:
                return (READ_ONLY, *self.view(), None)
            outcome = files.add(self.folder, received, self.max_source_bytes)
        except OSError as exc:
            log.warning("stage=upload error=%s", type(exc).__name__)
            return (f"Not added: {exc.strerror or type(exc).__name__}", *self.view(), None)
        finally:
            uploads.discard(received)
        lines = [f"Added {', '.join(outcome.added)}."] if outcome.added else []
        lines += [f"Renamed {line}" for line in outcome.renamed]
        lines += [f"Not added: {reason}" for reason in outcome.rejected]
        if outcome.added:
            lines.append(
                self._after_change(progress, "upload", "Rebuild the index to answer from it.")
            )
        return ("\n".join(lines), *self.view(), None)

    def ask_remove(self, name: str | None) -> tuple[str, Any, str | None]:
        """The first click: what Remove would do, and the button that does it (the status line,
        the confirm button, the name waiting for it); nothing moves yet."""
        hidden = gr.update(visible=False)
        if self.read_only:
            return READ_ONLY, hidden, None
        if not name:
            return "Choose a source to remove.", hidden, None
        if name not in files.removable(self.folder):
            return f"Not removed: {name} is not a source file.", hidden, None
        return (
            f"Remove {name}? It moves to the trash, and Restore brings it back. "
            "Press “Yes, move it to the trash” to go on.",
            gr.update(visible=True),
            name,
        )

    def remove(
        self,
        name: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        """The second click: move the source to the trash and re-index."""
        if self.read_only:
            return (READ_ONLY, *self.view())
        if not name:
            return ("Choose a source to remove.", *self.view())
        try:
            removed = files.remove(self.folder, name)
        except OSError as exc:
            log.warning("stage=remove source=%s error=%s", name, type(exc).__name__)
            return (f"Not removed: {exc.strerror or type(exc).__name__}", *self.view())
        if not removed:
            return (f"Not removed: {name} is not a source file.", *self.view())
        after = self._after_change(progress, "remove", "Rebuild the index to drop its passages.")
        return (f"Removed {name}: it is in the trash until restored.\n{after}", *self.view())

    def restore(
        self,
        item: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        """Move a removed source back from the trash and re-index."""
        if self.read_only:
            return (READ_ONLY, *self.view())
        if not item:
            return ("Choose a removed source to restore.", *self.view())
        try:
            name = trash.restore(self.folder, item)
        except (AssistantError, OSError) as exc:
            log.warning("stage=restore error=%s", type(exc).__name__)
            why = str(exc) if isinstance(exc, AssistantError) else exc.strerror
            return (f"Not restored: {self.public(why or type(exc).__name__)}", *self.view())
        after = self._after_change(progress, "restore", "Rebuild the index to answer from it.")
        old = item.split("/", 1)[-1]
        renamed = f" as {name} ({old} is taken)" if name != old else ""
        return (f"Restored {old}{renamed}.\n{after}", *self.view())

    def rebuild(self, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        # Gradio sees this default and passes in a live tracker, shown over the status box.
        if self.read_only:
            return READ_ONLY
        return self._index(progress, "rebuild")

    def _after_change(self, progress: Progress, reason: str, otherwise: str) -> str:
        return self._index(progress, reason, follow=True) if self.auto_index else otherwise

    def _index(self, progress: Progress, reason: str, follow: bool = False) -> str:
        """Build in the server's one build thread and wait for it, showing its progress; while
        another build runs, say so at once (a change to the folder is then taken in by one more
        build right after it: `follow`)."""
        number = self.building.start(reason, follow)
        if number is None:
            busy = self.building.state().busy()
            return f"{busy} This change is indexed right after it." if follow else busy

        def report(s: BuildState) -> None:
            if s.total:
                progress((s.done, s.total), desc="Embedding passages", unit="passages")

        progress(0, desc="Reading sources")
        return self.building.wait(number, report).detail


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))
