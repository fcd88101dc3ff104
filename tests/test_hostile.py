"""Hostile sources (issue 9): one very long line, one huge "sentence", a huge first line.

Each test reproduced a reported failure before the caps existed: spaCy's [E088] on a 1.5 MB line,
a 300 KB sentence quoted whole after tens of seconds, a title as long as the line, a Sources table
as tall as the file. The big figures (a 20 MB line, 200,000 sentences) are
benchmarks/hostile.py's, too slow for the suite. Real model, real index, real `assistant serve`.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.core.errors import BadSource
from assistant.ingest.readers import read_document
from assistant.web import files, render
from assistant.web.table import sources_table
from tests.conftest import copy_sources
from tests.test_security import _free_port, _serving

CAP = 800  # the default max_sentence_chars
LINE_PHRASE = "the zorvath survey station logged meltwater readings beside the glacier and "
LINE_QUESTION = "What did the Zorvath survey station log?"
SENTENCE_PHRASE = "the quarry near veltmoor shipped granite blocks to the harbour and "
SENTENCE_QUESTION = "What did the quarry near Veltmoor ship?"
NORMAL_QUESTION = "Who replaced Imran Khan?"


def repeated(phrase: str, chars: int) -> str:
    """phrase over and over, with no sentence end: one line, one "sentence"."""
    return (phrase * (chars // len(phrase) + 1))[:chars].rstrip() + "."


@dataclass
class Hostile:
    assistant: Assistant
    sources: Path
    index: Path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    """The bundled sources plus a 1.5 MB one-line file and a 300 KB sentence, indexed."""
    base = tmp_path_factory.mktemp("hostile")
    sources = copy_sources(base / "sources")
    (sources / "long-line.txt").write_text(repeated(LINE_PHRASE, 1_500_000), encoding="utf-8")
    sentence = "Quarry records.\n" + repeated(SENTENCE_PHRASE.capitalize(), 300_000)
    (sources / "huge-sentence.txt").write_text(sentence, encoding="utf-8")
    assistant = Assistant(sources=sources, index=base / "index")
    assistant.index()
    return Hostile(assistant, sources, base / "index")


def _check_quotes(h: Hostile, question: str, source: str) -> None:
    answer = h.assistant.answer(question)
    assert not answer.abstained, answer.text
    assert source in {c.source for c in answer.citations}
    for c in answer.citations:
        assert len(c.excerpt) <= CAP
        assert h.assistant.source_text(c.source)[c.start : c.end] == c.excerpt


def test_a_long_line_is_answered_with_a_bounded_quote(hostile: Hostile) -> None:
    """Before: spaCy's [E088] Text of length 1500000 exceeds maximum, on every such question."""
    _check_quotes(hostile, LINE_QUESTION, "long-line.txt")


def test_a_huge_sentence_is_quoted_within_the_cap(hostile: Hostile) -> None:
    """Before: ~40 s to answer and a quote of the whole 300,000 characters."""
    _check_quotes(hostile, SENTENCE_QUESTION, "huge-sentence.txt")


def test_titles_are_capped(hostile: Hostile) -> None:
    """Before: the long line's first line, 1.5 MB, was its title; a line that long is no
    heading, so the file's name is."""
    titles = {s.source: s.title for s in hostile.assistant.sources()}
    assert titles["long-line.txt"] == "Long line"
    assert all(0 < len(title) <= 200 for title in titles.values())


def test_the_sources_table_stays_small(hostile: Hostile) -> None:
    """Before: the table held the 1.5 MB title (208,000 px tall)."""
    table = sources_table(hostile.assistant.sources(), [], hostile.sources)
    assert len(table) < 20_000


def test_the_evidence_panel_reads_a_window_of_a_huge_source(hostile: Hostile) -> None:
    answer = hostile.assistant.answer(LINE_QUESTION)
    asked: list[int] = []

    def window(source: str, start: int, stop: int) -> str:
        asked.append(stop - start)
        return hostile.assistant.source_window(source, start, stop)

    cards = render.evidence_turn(0, answer, window)
    assert asked and max(asked) <= CAP + 2 * render.CONTEXT_CHARS + 2
    assert "The file changed since indexing" not in cards
    c = answer.citations[0]
    assert html.escape(c.excerpt[:40]) in html.unescape(cards)  # the highlighted quote is shown


def test_a_source_over_the_size_limit_is_skipped_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 300_000, encoding="utf-8")  # 1.5 MB
    with pytest.raises(BadSource) as caught:
        read_document(tmp_path, tmp_path / "big.txt", max_bytes=2**20)
    assert str(caught.value) == "big.txt: larger than the 1 MB limit (ASSISTANT_MAX_SOURCE_MB)"
    outcome = files.add(tmp_path / "sources", [tmp_path / "big.txt"], max_bytes=2**20)
    assert outcome.rejected == ["big.txt: larger than the 1 MB limit (ASSISTANT_MAX_SOURCE_MB)"]


def _evidence(call: Any) -> tuple[int, int, str]:
    """The first quote's offsets and text, as the page's evidence panel shows them."""
    panel = next(v for v in reversed(call.outputs) if isinstance(v, str) and "ev-card" in v)
    start, end = map(int, re.search(r"characters (\d+)–(\d+)", panel).groups())  # type: ignore[union-attr]
    mark = re.search(r"<mark>(.*?)</mark>", panel, re.S).group(1)  # type: ignore[union-attr]
    return start, end, html.unescape(mark.replace("<br>", "\n"))


def test_a_second_user_is_answered_while_a_hostile_question_runs(hostile: Hostile) -> None:
    """A real `assistant serve` over the hostile folder; two sessions ask at once. Before: the
    hostile question failed (or held the worker for ~40 s) and its quote was the whole line."""
    from benchmarks.pageclient import PageSession, open_page

    port = _free_port()
    args = ["--sources", str(hostile.sources), "--index", str(hostile.index)]
    root = hostile.index.parent

    async def both() -> list[Any]:
        client, events = await open_page(f"http://127.0.0.1:{port}/")
        try:
            asks = [PageSession(client, events).ask(q) for q in (LINE_QUESTION, NORMAL_QUESTION)]
            asks.append(PageSession(client, events).ask(SENTENCE_QUESTION))
            return list(await asyncio.gather(*asks))
        finally:
            await client.aclose()

    with _serving([*args, "--port", str(port)], dict(os.environ), root):
        line, normal, sentence = asyncio.run(both())
    assert normal.ok and line.ok and sentence.ok, (normal.error, line.error, sentence.error)
    assert any("Shehbaz Sharif" in str(v) for v in normal.seen)
    for call, name in ((line, "long-line.txt"), (sentence, "huge-sentence.txt")):
        start, end, quote = _evidence(call)
        assert 0 < len(quote) <= CAP
        assert (hostile.sources / name).read_text(encoding="utf-8")[start:end] == quote


def test_offsets_hold_in_a_file_with_crlf_line_ends(tmp_path: Path) -> None:
    """The stored text is read back as written: reading it with newline translation moved every
    offset after the first CRLF, and the evidence panel called the file changed."""
    (tmp_path / "s").mkdir()
    lines = ["Station log", "The Zorvath station recorded 41 avalanches in March.", "Other news."]
    (tmp_path / "s" / "log.txt").write_bytes("\r\n".join(lines).encode())
    assistant = Assistant(sources=tmp_path / "s", index=tmp_path / "i")
    assistant.index()
    [c, *_] = assistant.answer("How many avalanches did the Zorvath station record?").citations
    assert assistant.source_text(c.source)[c.start : c.end] == c.excerpt
    assert assistant.source_window(c.source, c.start, c.end) == c.excerpt
    assert render.context_of(assistant.source_window, c).verified
