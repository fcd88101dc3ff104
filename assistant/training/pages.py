"""Reads the SQuAD explorer's article pages (github:rajpurkar/SQuAD-explorer) into plain records.

Each page under explore/1.1/train/ or explore/v2.0/dev/ holds an article's paragraphs (`<pre>`)
each followed by its questions (`strong.question`) and their answer texts (`span.answer`); a SQuAD
2.0 question with no answer span is unanswerable. The pages give answer texts but no offsets: the
answer is taken at its first occurrence in the paragraph (where the real offsets are known this
agrees about 96% of the time). Left out: the pages' predictions and everything else on them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_PARAGRAPH = re.compile(r'<div class="para-wrap">(.*?)(?=<div class="para-wrap">|\Z)', re.S)
_CONTEXT = re.compile(r"<pre>(.*?)</pre>", re.S)
_QA = re.compile(r'<div class="qa-wrap"(.*?)(?=<div class="qa-wrap"|\Z)', re.S)
_QUESTION = re.compile(r'<strong class="question">(.*?)</strong>', re.S)
_ANSWER = re.compile(r'<span class="answer">(.*?)</span>', re.S)
_ID = re.compile(r'data-id="([^"]+)"')

HELD_BACK = frozenset(
    """Normans Computational_complexity_theory Huguenot Steam_engine 1973_oil_crisis
    European_Union_law Packet_switching Harvard_University Yuan_dynasty Immune_system
    Scottish_Parliament Islamism Imperialism Warsaw French_and_Indian_War Force""".split()  # noqa: SIM905
)
"""SQuAD 2.0 dev articles never trained or calibrated on: the project's 8 evaluation articles
and 8 more kept back by issue 21. Their pages are not even read."""


@dataclass(frozen=True)
class Item:
    """One question of one paragraph."""

    article: str
    paragraph: int
    context: str
    qid: str
    question: str
    answers: tuple[str, ...]  # empty: unanswerable


def read_page(title: str, text: str) -> Iterator[Item]:
    """The questions of one article page."""
    for p, block in enumerate(_PARAGRAPH.findall(text)):
        found = _CONTEXT.search(block)
        if found is None:
            continue
        context = html.unescape(found.group(1))
        for q, qa in enumerate(_QA.findall(block)):
            question = _QUESTION.search(qa)
            if question is None:
                continue
            qid = _ID.search(qa)
            answers = tuple(dict.fromkeys(html.unescape(a) for a in _ANSWER.findall(qa)))
            yield Item(
                article=title,
                paragraph=p,
                context=context,
                qid=qid.group(1) if qid else f"{title}-{p}-{q}",
                question=html.unescape(question.group(1)).strip(),
                answers=answers,
            )


def read_folder(folder: Path) -> Iterator[Item]:
    """Every question of every article page in folder, held-back articles skipped."""
    for page in sorted(folder.glob("*.html")):
        if page.stem == "index" or page.stem in HELD_BACK:
            continue
        yield from read_page(page.stem, page.read_text(encoding="utf-8"))
