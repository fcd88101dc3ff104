"""SQuAD questions -> candidate groups for listwise training: pick the answer among look-alikes.

At answer time the model ranks about 16 sentences from several passages and the best is quoted,
or none. A group is that choice in small: one question, the sentence that answers it (or none)
and the sentences most like it, from its own paragraph and from the article's other paragraphs
(most word-overlapping first). An unanswerable SQuAD 2.0 question's group has no answer; so has a
near miss's (pairs.near_miss: the question's name or number swapped for one the paragraph lacks),
whose group keeps to its own paragraph, since another paragraph may answer the changed question.
Left out: the loss (train.py) and pointwise pairs (pairs.py).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.training.pages import Item
from assistant.training.pairs import (
    answer_sentence,
    article_sentences,
    article_terms,
    elsewhere,
    look_alikes,
    near_miss,
    sentences,
)

OWN = 3  # other sentences of the question's paragraph
CROSS = 4  # sentences of the article's other paragraphs


@dataclass(frozen=True)
class Group:
    question: str
    sentences: list[str]
    previous: list[str]  # the sentence before each ("" for a paragraph's first)
    answer: int  # index of the answering sentence; -1: none of them answers
    kind: str  # "squad1", "squad2", "unanswerable", "near_miss"
    group: str  # the question's id


def _own(texts: list[str], question: str, skip: int | None, n: int) -> list[tuple[str, str]]:
    """The n sentences of a paragraph (its texts) other than skip most like question."""
    return [(texts[i], texts[i - 1] if i else "") for i in look_alikes(texts, question, skip)[:n]]


def _group(question: str, found: list[tuple[str, str]], answer: int, kind: str, gid: str) -> Group:
    return Group(question, [s for s, _ in found], [b for _, b in found], answer, kind, gid)


def build(items: list[Item], kind: str, near_share: float, seed: int) -> Iterator[Group]:
    """Every question's group, and a near miss's for a near_share of the answerable ones."""
    rng = random.Random(seed)
    names = article_terms(items)
    article = article_sentences(items)
    for item in items:
        spans = sentences(item.context)
        gold = answer_sentence(item, spans)
        if item.answers and gold is None:
            continue
        texts = [item.context[a:b] for a, b in spans]
        found = _own(texts, item.question, gold, OWN)
        found += elsewhere(item, item.question, article[item.article], CROSS)
        if gold is None:
            yield _group(item.question, found, -1, "unanswerable", item.qid)
            continue
        answer = (texts[gold], texts[gold - 1] if gold else "")
        yield _group(item.question, [answer, *found], 0, kind, item.qid)
        if near_share and rng.random() < near_share:
            miss = near_miss(item, names[item.article], rng)
            if miss is not None:
                own = _own(texts, miss.question, gold, OWN)
                yield _group(miss.question, [(miss.sentence, miss.context), *own], -1,
                             "near_miss", miss.group)  # fmt: skip


def write(path: Path, groups: Iterable[Group]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    with path.open("w", encoding="utf-8") as f:
        for g in groups:
            kinds[g.kind] = kinds.get(g.kind, 0) + 1
            f.write(json.dumps(asdict(g), ensure_ascii=False) + "\n")
    return kinds


def read(path: Path) -> list[Group]:
    with path.open(encoding="utf-8") as f:
        return [Group(**json.loads(line)) for line in f]
