"""Saved conversations in the web chat, driven over raw HTTP as the page drives them.

A module-scoped app over a copy of the sources (owner cookie on, as `serve` has it) and another
with two logins. The page's events are found by their component and trigger in the app's config
and called through Gradio's queue (benchmarks/pageclient.py), each client keeping its own cookies:
a browser. Checked: a turn is saved and a reload (a new session, the same cookie) reopens it with
its history; another login's conversation id opens, lists and exports nothing; 32 users writing at
once see only their own; a conversation asks within its chosen sources; the source viewer; the
Sources table's details.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from assistant.api import Assistant
from assistant.web.owner import COOKIE
from assistant.web.table import sources_table
from assistant.web.viewer import WINDOW, SourceViewer
from tests.conftest import Server, indexed_copy, running_app

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")

GENERAL = "Which Pakistani general went to Kabul for talks with the TTP?"
FOLLOW_UP = "Who facilitated those talks?"
PESHAWAR = "How many people were killed in the attack on the army school in Peshawar?"
NOTES = (
    "School notes\n\nA local paper wrote that the attack on the army school in Peshawar killed "
    "145 people, most of them children.\n\nThe school reopened a month later.\n"
)
LOGINS = [("ann", "ann-secret"), ("bob", "bob-secret")]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return indexed_copy(tmp_path_factory.mktemp("conversations"), {"school-notes.txt": NOTES})


@pytest.fixture(scope="module")
def server(assistant: Assistant) -> Iterator[Server]:
    with running_app(assistant) as server:
        yield server


@dataclass
class Tab:
    """One page load over HTTP: the browser's client (its cookies) and a fresh session."""

    client: httpx.AsyncClient
    config: dict[str, Any]
    session: Any  # benchmarks.pageclient.PageSession

    def fn(self, elem_id: str | None, trigger: str) -> int:
        """The index of the page's event fired by `trigger` on the component `elem_id` (None:
        the page's load that opens a conversation)."""
        ids = {c["props"].get("elem_id"): c["id"] for c in self.config["components"]}
        for i, dep in enumerate(self.config["dependencies"]):
            for target, kind in dep["targets"]:
                if kind != trigger:
                    continue
                if elem_id is None and ids["chat"] in dep["outputs"]:
                    return i
                if elem_id is not None and target == ids[elem_id]:
                    return i
        raise LookupError((elem_id, trigger))

    async def call(self, elem_id: str | None, trigger: str, *data: Any) -> list[Any]:
        call = await self.attempt(elem_id, trigger, *data)
        assert call.ok, call.error
        return list(call.outputs)

    async def attempt(self, elem_id: str | None, trigger: str, *data: Any) -> Any:
        return await self.session.call(self.fn(elem_id, trigger), list(data))

    async def ask(self, question: str) -> Any:
        call = await self.session.ask(question)
        assert call.ok, call.error
        return call

    async def listing(self, search: str = "") -> tuple[list[tuple[str, str]], str]:
        """The side list (title, id) and the open conversation's id, as the page shows them."""
        listing, _title, open_id = await self.call("conv-search", "change", search, None)
        return [(c[0], c[1]) for c in listing["choices"]], open_id

    async def reload(self) -> Tab:
        """The same browser loading the page again: its cookies, a new session."""
        return await tab(self.client)


async def tab(client: httpx.AsyncClient) -> Tab:
    from benchmarks.pageclient import PageEvents, PageSession

    (await client.get("")).raise_for_status()  # the page: its response sets the owner cookie
    config = (await client.get("config")).json()
    kinds = {c["id"]: c.get("type", "") for c in config["components"]}
    ids = {c["props"].get("elem_id"): c["id"] for c in config["components"]}
    asked = [ids["question"], "submit"]
    chat = next(i for i, d in enumerate(config["dependencies"])
                if d.get("backend_fn") and asked in map(list, d["targets"]))  # fmt: skip
    inputs = [kinds[c] for c in config["dependencies"][chat]["inputs"]]
    # Built here, not read: a read-only page has no rebuild button for PageEvents.read to find.
    return Tab(client, config, PageSession(client, PageEvents(chat, inputs, -1)))


async def browser(url: str, login: tuple[str, str] | None = None) -> Tab:
    client = httpx.AsyncClient(base_url=url, timeout=180)
    if login:
        user, password = login
        logged = await client.post("login", data={"username": user, "password": password})
        logged.raise_for_status()
    return await tab(client)


def _reply(call: Any) -> str:
    latest = next(v for v in call.outputs if isinstance(v, dict) and "turn" in v)
    return str(latest["messages"][1]["content"][0]["text"])


def _chat_texts(opened: list[Any]) -> list[str]:
    return [str(m["content"][0]["text"] if isinstance(m["content"], list) else m["content"])
            for m in opened[0]]  # fmt: skip


def test_a_reload_reopens_the_conversation_and_its_follow_ups(server: Server) -> None:
    async def run() -> tuple[list[Any], str, list[tuple[str, str]], str]:
        first = await browser(server.url)
        assert first.client.cookies.get(COOKIE)
        fresh = await httpx.AsyncClient(base_url=server.url).get("")
        cookie = fresh.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        await first.ask(GENERAL)
        await first.ask("Who replaced Imran Khan?")
        listed, open_id = await first.listing()
        again = await first.reload()
        opened = await again.call(None, "load", open_id, "")
        follow = _reply(await again.ask(FOLLOW_UP))
        after, _ = await again.listing()
        await first.client.aclose()
        return opened, follow, listed, open_id if after == listed else "changed"

    opened, follow, listed, open_id = asyncio.run(run())
    assert listed == [(GENERAL, open_id)]
    texts = _chat_texts(opened)
    assert len(texts) == 4 and "Shehbaz Sharif" in texts[3] and 'class="cite-chip"' in texts[1]
    assert opened[-1] == open_id  # the browser keeps remembering it
    panel = opened[2]
    assert 'id="ev-0"' in panel and 'id="ev-1"' in panel  # every turn's chips find their cards
    assert "facilitated by the Afghan Taliban" in follow  # the history came from the database


def test_another_login_cannot_open_list_or_export_a_conversation(assistant: Assistant) -> None:
    """Auth on: bob sends ann's conversation id by hand to every event that takes one."""

    async def run() -> dict[str, Any]:
        ann = await browser(app.url, LOGINS[0])
        await ann.ask(GENERAL)
        [(_, cid)], _ = await ann.listing()
        bob = await browser(app.url, LOGINS[1])
        seen = {
            "load": await bob.call(None, "load", cid, ""),
            "open": await bob.attempt("conversations", "input", cid, ""),
            "list": await bob.listing(),
            "search": await bob.listing("Kabul"),
            "export": await bob.call("export-md", "click", None),
        }
        seen["ann"] = await (await ann.reload()).call(None, "load", cid, "")
        for t in (ann, bob):
            await t.client.aclose()
        return seen

    with running_app(assistant, auth=LOGINS) as app:
        with httpx.Client(base_url=app.url) as anonymous:
            assert anonymous.get("config").status_code == 401
        seen = asyncio.run(run())
    assert seen["load"][0] == [] and seen["load"][-1] == ""  # nothing opened
    assert "Kabul" not in json.dumps(seen["load"])
    opened = seen["open"]  # refused: the id is not among bob's (Gradio checks the list's choices)
    assert not opened.ok and "Kabul" not in json.dumps(opened.outputs) + opened.error
    assert seen["list"] == ([], "") and seen["search"] == ([], "")
    assert seen["export"] == [None]
    assert len(seen["ann"][0]) == 2  # ann's own is intact and opens


def test_32_users_writing_at_once_see_only_their_own(server: Server) -> None:
    users = 32

    async def user(n: int) -> tuple[int, list[tuple[str, str]], list[Any], bool]:
        me = await browser(server.url)
        calls = [await me.ask(f"Who replaced Imran Khan? Reader {n} asks"),
                 await me.ask("For how long did Imran Khan rule Pakistan?")]  # fmt: skip
        listed, open_id = await me.listing()
        opened = await (await me.reload()).call(None, "load", open_id, "")
        await me.client.aclose()
        return n, listed, opened, all(c.ok for c in calls)

    async def run() -> list[Any]:
        return list(await asyncio.gather(*(user(n) for n in range(users))))

    results = asyncio.run(run())
    assert all(ok for *_, ok in results)  # 0 errors
    for n, listed, opened, _ in results:
        assert [title for title, _ in listed] == [f"Who replaced Imran Khan? Reader {n} asks"]
        texts = _chat_texts(opened)
        assert len(texts) == 4 and f"Reader {n} asks" in html.unescape(texts[0])
    ids = {listed[0][1] for _, listed, *_ in results}
    assert len(ids) == users


def test_a_conversation_asks_within_its_chosen_sources(server: Server) -> None:
    names = [s.source for s in server.assistant.sources()]
    chosen = ["school-notes.txt", *(n for n in names if "taliban" in n)]
    assert len(chosen) == 2 and len(names) == 3
    unchosen = {c.source for c in server.assistant.answer(PESHAWAR).citations} - set(chosen)
    assert unchosen  # asked within every source, the third one is cited

    async def run() -> tuple[list[Any], list[Any]]:
        me = await browser(server.url)
        await me.call(None, "load", "", "")  # the page's load gives the choice its sources
        await me.call("source-choice", "input", None, chosen)
        call = await me.ask(PESHAWAR)
        _, open_id = await me.listing()
        opened = await (await me.reload()).call(None, "load", open_id, "")
        await me.client.aclose()
        return call.outputs, opened

    outputs, opened = asyncio.run(run())
    panel = next(v for v in outputs if isinstance(v, str) and "ev-card" in v)
    found = re.findall(r'class="ev-file">([^<·]+?)(?: · page \d+)? · characters', panel)
    cited = {html.unescape(name) for name in found}
    assert cited and cited <= set(chosen)
    assert opened[5]["value"] == chosen  # kept with the conversation


def test_the_viewer_shows_the_whole_source_with_the_span_marked(assistant: Assistant) -> None:
    answer = assistant.answer(GENERAL)
    c = answer.citations[0]
    shown = SourceViewer(assistant).show(json.dumps({"source": c.source, "start": c.start,
                                                     "end": c.end}))  # fmt: skip
    text = assistant.source_text(c.source)
    mark = re.search(r'<mark id="viewer-mark">(.*?)</mark>', shown, re.S)
    assert mark and html.unescape(mark.group(1).replace("<br>", "\n")) == text[c.start : c.end]
    assert "the whole stored text" in shown and str(assistant.settings.sources) not in shown
    plain = html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", shown)))
    assert text[:200] in plain and text[-200:] in plain
    for bad in ("{}", "not json", json.dumps({"source": "../../etc/passwd", "start": 0, "end": 4}),
                json.dumps({"source": c.source, "start": 9, "end": 3})):  # fmt: skip
        assert "not in the index" in SourceViewer(assistant).show(bad)


def test_a_long_source_is_shown_as_a_window_around_the_span(tmp_path: Any) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    words = " ".join(f"word{i}" for i in range(40_000))
    (folder / "long.txt").write_text(f"Long notes\n\n{words}\n\nThe beacon is green.\n\n{words}\n")
    assistant = Assistant(sources=folder, index=tmp_path / "index")
    assistant.index()
    text = assistant.source_text("long.txt")
    start = text.index("The beacon is green.")
    end = start + len("The beacon is green.")
    asked: list[int] = []
    viewer = SourceViewer(assistant)
    window = assistant.source_window
    assistant.source_window = lambda s, a, b: asked.append(b - a) or window(s, a, b)  # type: ignore[method-assign]
    shown = viewer.show(json.dumps({"source": "long.txt", "start": start, "end": end}))
    assert len(text) > 2 * WINDOW and max(asked) <= WINDOW + 1
    assert '<mark id="viewer-mark">The beacon is green.</mark>' in shown
    assert "around the quote" in shown


def test_the_sources_table_gives_size_date_passages_and_whether_indexed(
    assistant: Assistant, tmp_path: Any
) -> None:
    folder = assistant.settings.sources
    (folder / "waiting.txt").write_text("Not indexed yet.", encoding="utf-8")
    try:
        files = sorted(p.name for p in folder.iterdir())
        table = sources_table(assistant.sources(), files, folder)
    finally:
        (folder / "waiting.txt").unlink()
    assert '<th class="num">Size</th><th>Modified</th>' in table
    row = next(r for r in table.split("<tr>") if "<code>waiting.txt</code>" in r)
    assert '<td class="num">16 B</td>' in row and "<td>no</td></tr>" in row
    indexed = assistant.sources()[0]
    assert f'<td class="num">{indexed.chunks}</td>' in table and " KB</td>" in table


def test_read_only_still_keeps_ones_own_conversations(assistant: Assistant) -> None:
    from dataclasses import replace

    async def run() -> tuple[list[tuple[str, str]], list[Any]]:
        me = await browser(app.url)
        await me.ask(GENERAL)
        listed, open_id = await me.listing()
        opened = await (await me.reload()).call(None, "load", open_id, "")
        await me.client.aclose()
        return listed, opened

    with running_app(Assistant(replace(assistant.settings, read_only=True))) as app:
        listed, opened = asyncio.run(run())
    assert [title for title, _ in listed] == [GENERAL] and len(opened[0]) == 2


def test_a_restarted_server_lists_every_answered_conversation(assistant: Assistant) -> None:
    """A second server (a new Assistant over the same files) shows the same browser its
    conversations: they live in the database, not in the first server's memory."""

    async def first(url: str) -> tuple[list[tuple[str, str]], str]:
        b = await browser(url)
        await b.ask(PESHAWAR)
        listed, _ = await b.listing()
        await b.client.aclose()
        return listed, str(b.client.cookies.get(COOKIE))

    async def second(url: str, cookie: str) -> list[tuple[str, str]]:
        client = httpx.AsyncClient(base_url=url, timeout=180, cookies={COOKIE: cookie})
        listed, _ = await (await tab(client)).listing()
        await client.aclose()
        return listed

    with running_app(assistant) as one:
        before, cookie = asyncio.run(first(one.url))
    with running_app(Assistant(assistant.settings)) as two:
        after = asyncio.run(second(two.url, cookie))
    assert before and before[0][0] == PESHAWAR and after == before


def test_a_turn_asks_within_the_sources_its_box_shows(assistant: Assistant) -> None:
    """A pick made just before Enter counts although its own event has not reached the state."""
    from assistant.web.handlers import Conversation, Handlers

    def cited(panel: str) -> set[str]:
        return {html.unescape(n) for n in re.findall(r'class="ev-file">([^<·]+?) · char', panel)}

    everywhere = Handlers(assistant).respond(PESHAWAR, Conversation(), 6, False)
    within = Handlers(assistant).respond(PESHAWAR, Conversation(), 6, False, ["school-notes.txt"])
    assert cited(everywhere[3]) - {"school-notes.txt"}  # unlimited, another source is cited
    assert cited(within[3]) == {"school-notes.txt"}
    assert within[2].sources == ("school-notes.txt",)
