"""A browser's side of the web chat, spoken over HTTP: for the load benchmark and the payload test.

The page calls its private events (a chat turn, a rebuild) through Gradio's queue: POST
`gradio_api/queue/join` with the event's index and the session's hash, then read the session's
server-sent events from `gradio_api/queue/data` until the event completes; the index status
line's poll (web/status.py) goes outside the queue, one POST to `gradio_api/run/predict`.
`PageSession` does the same with httpx, so a test or a benchmark drives exactly what a browser
drives, session state included (gr.State lives on the server, keyed by the session hash). It
records bytes and times per call. What it leaves out: the browser-only events (the chat's merge
step, chip clicks) and files.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from gradio_client.utils import apply_diff


@dataclass(frozen=True)
class PageEvents:
    """The fn indexes of the page's own events, read from the app's config."""

    chat: int
    chat_inputs: list[str]  # component types, in the order the event takes them
    rebuild: int
    status: int = -1  # the status line's poll, a timer's tick

    @classmethod
    def read(cls, config: dict[str, Any]) -> PageEvents:
        kinds = {c["id"]: c.get("type", "") for c in config["components"]}
        ids = {c["props"].get("elem_id"): c["id"] for c in config["components"]}
        chat = rebuild = status = -1
        inputs: list[str] = []
        for i, dep in enumerate(config["dependencies"]):
            if not dep.get("backend_fn"):
                continue
            targets = [tuple(t) for t in dep["targets"]]
            if (ids["question"], "submit") in targets:
                chat, inputs = i, [kinds[c] for c in dep["inputs"]]
            if (ids.get("rebuild"), "click") in targets:
                rebuild = i
            if any(kinds.get(t[0]) == "timer" for t in targets):
                status = i
        if chat < 0:
            raise RuntimeError("the page has no chat event")
        return cls(chat, inputs, rebuild, status)


@dataclass
class Call:
    """One event as the browser saw it: final outputs, bytes each way, seconds to first/last."""

    outputs: list[Any]
    seen: list[Any]  # every full value any output took while the event streamed, in order
    ok: bool
    error: str
    sent: int
    received: int
    first: float
    total: float
    payload: int = 0  # bytes of the outputs themselves, without the queue's own messages
    shape: int = 0  # the same with every number written as 0: what does not grow by counting


@dataclass
class PageSession:
    """One browser tab: its own session hash, so its own conversation on the server."""

    client: httpx.AsyncClient
    events: PageEvents
    session: str = field(default_factory=lambda: secrets.token_hex(6))

    async def ask(self, question: str, top_k: int = 6, mode: str | None = None) -> Call:
        """A chat turn, with the inputs the page sends (state components travel as null);
        `mode` is the answer switch's choice where a writer is configured (None: its default)."""
        # The sources box ("dropdown") travels as null: the conversation's choice stays as kept.
        values = {"textbox": question, "state": None, "slider": top_k, "checkbox": False,
                  "radio": mode, "dropdown": None}  # fmt: skip
        data = [values.get(kind) for kind in self.events.chat_inputs]
        return await self.call(self.events.chat, data)

    async def rebuild(self) -> Call:
        return await self.call(self.events.rebuild, [])

    async def status(self) -> list[Any]:
        """The status poll's outputs: the line's HTML and the count of finished builds."""
        body = {"fn_index": self.events.status, "data": [], "session_hash": self.session}
        reply = await self.client.post("gradio_api/run/predict", json=body)
        reply.raise_for_status()
        return list(reply.json()["data"])

    async def call(self, fn_index: int, data: list[Any]) -> Call:
        body = json.dumps({"data": data, "fn_index": fn_index, "session_hash": self.session,
                           "event_data": None, "trigger_id": None}).encode()  # fmt: skip
        start = time.perf_counter()
        joined = await self.client.post("gradio_api/queue/join", content=body,
                                        headers={"Content-Type": "application/json"})  # fmt: skip
        joined.raise_for_status()
        event_id = joined.json()["event_id"]
        received, first = len(joined.content), 0.0
        payload = shape = 0
        current: list[Any] = []
        seen: list[Any] = []
        async with self.client.stream(
            "GET", "gradio_api/queue/data", params={"session_hash": self.session}
        ) as stream:
            async for line in stream.aiter_lines():
                received += len(line.encode()) + 1
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") != event_id:
                    continue
                if "output" in msg:
                    output = json.dumps(msg["output"].get("data"))
                    payload, shape = payload + len(output), shape + len(_NUMBER.sub("0", output))
                if msg["msg"] == "process_generating":
                    first = first or time.perf_counter() - start
                    current = _apply(current, msg["output"]["data"])
                    seen += current
                if msg["msg"] == "process_completed":
                    out = msg.get("output", {})
                    total = time.perf_counter() - start
                    ok = bool(msg.get("success"))
                    error = "" if ok else str(out.get("error") or out)
                    return Call(out.get("data", []), [*seen, *out.get("data", [])], ok, error,
                                len(body), received, first or total, total,
                                payload, shape)  # fmt: skip
        total = time.perf_counter() - start
        return Call([], seen, False, "stream closed early", len(body), received, total, total)


_NUMBER = re.compile(r"\d+")


def _apply(current: list[Any], data: list[Any]) -> list[Any]:
    """Outputs after one streamed message: the first carries values, later ones diffs."""
    if not current:
        return list(data)
    return [apply_diff(old, diff) for old, diff in zip(current, data, strict=True)]


async def open_page(base: str, **client_args: Any) -> tuple[httpx.AsyncClient, PageEvents]:
    """An HTTP client on the app at base (ending in /) and the page's event indexes."""
    client = httpx.AsyncClient(base_url=base, timeout=120, **client_args)
    config = (await client.get("config")).json()
    return client, PageEvents.read(config)
