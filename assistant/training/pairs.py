"""SQuAD questions -> (question, sentence, label) pairs for the answer model, and their splits.

A paragraph is cut into sentences by the same splitter the index uses (core.text), so the model
sees at training time the sentences it will score at answer time. The sentence holding the
answer's first occurrence is the positive; the paragraph's other sentences are negatives, the
most word-overlapping first (the hard ones). An unanswerable SQuAD 2.0 question makes every
sentence of its paragraph a negative. A near miss (issue 21's optional kind) is a SQuAD 1.1
question whose name or number, found in its answer sentence, is swapped for another of the same
kind from the same article that the paragraph does not hold: its old answer sentence no longer
answers it. Left out: answer spans inside sentences (the model scores whole sentences).
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assistant.core.text import STOPWORDS, sentence_spans, terms
from assistant.training.pages import Item

_NAME = re.compile(r"\b[A-Z][a-z]+(?: (?:of |de |von )?[A-Z][a-z]+)*\b")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")


@dataclass(frozen=True)
class Pair:
    question: str
    sentence: str
    label: int  # 1: the sentence answers the question
    group: str  # the question's id: pairs of one question share it
    kind: str  # "squad1", "squad2", "unanswerable", "near_miss"
    context: str = ""  # the sentence before it in its paragraph ("" for a paragraph's first)


def sentences(context: str) -> list[tuple[int, int]]:
    return sentence_spans(context)


def answer_sentence(item: Item, spans: list[tuple[int, int]]) -> int | None:
    """The index of the sentence where the first answer text first occurs."""
    if not item.answers:
        return None
    at = item.context.find(item.answers[0])
    if at < 0:
        return None
    for i, (a, b) in enumerate(spans):
        if a <= at < b or (i + 1 < len(spans) and b <= at < spans[i + 1][0]):
            return i
    return None


def _overlap(question: str, sentence: str) -> float:
    q = set(terms(question))
    return len(q & set(terms(sentence))) / (len(q) or 1)


def look_alikes(texts: list[str], question: str, skip: int | None) -> list[int]:
    """Indexes of texts other than skip, those sharing most words with question first."""
    rest = (i for i in range(len(texts)) if i != skip)
    return sorted(rest, key=lambda i: -_overlap(question, texts[i]))


def question_pairs(item: Item, negatives: int, kind: str) -> list[Pair]:
    """The positive (if any) and up to `negatives` hardest negatives of one question."""
    spans = sentences(item.context)
    texts = [item.context[a:b] for a, b in spans]
    gold = answer_sentence(item, spans)
    if item.answers and gold is None:
        return []
    others = look_alikes(texts, item.question, gold)

    def pair(i: int, label: int, kind: str) -> Pair:
        return Pair(item.question, texts[i], label, item.qid, kind, texts[i - 1] if i else "")

    out = [pair(gold, 1, kind)] if gold is not None else []
    negative_kind = kind if item.answers else "unanswerable"
    out += [pair(i, 0, negative_kind) for i in others[:negatives]]
    return out


def near_miss(item: Item, article_terms: dict[str, list[str]], rng: random.Random) -> Pair | None:
    """item's question with one name or number of its answer sentence swapped for another of the
    article's that the paragraph lacks, paired with that (now wrong) sentence."""
    spans = sentences(item.context)
    gold = answer_sentence(item, spans)
    if gold is None:
        return None
    sentence = item.context[spans[gold][0] : spans[gold][1]]
    previous = item.context[spans[gold - 1][0] : spans[gold - 1][1]] if gold else ""
    for pattern, kind in ((_NAME, "name"), (_NUMBER, "number")):
        found = [
            m.group(0)
            for m in pattern.finditer(item.question)
            if m.start() > 0
            and m.group(0) in sentence
            and (kind == "number" or _is_name(m.group(0)))
        ]
        pool = [t for t in article_terms[kind] if t not in item.context]
        if found and pool:
            old = rng.choice(found)
            new = rng.choice(pool)
            question = item.question.replace(old, new, 1)
            return Pair(question, sentence, 0, item.qid + "-near", "near_miss", previous)
    return None


def _is_name(text: str) -> bool:
    """A capitalised run that is a name, not a sentence's first word ("In June", "The ...")."""
    return text.split()[0].lower() not in STOPWORDS


def article_terms(items: Iterable[Item]) -> dict[str, dict[str, list[str]]]:
    """Per article, the distinct names and numbers of its paragraphs."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"name": set(), "number": set()})
    for item in items:
        bag = found[item.article]
        bag["name"].update(n for n in _NAME.findall(item.context) if _is_name(n))
        bag["number"].update(_NUMBER.findall(item.context))
    return {a: {k: sorted(v) for k, v in kinds.items()} for a, kinds in found.items()}


def build(
    items: list[Item], negatives: int, near_share: float, kind: str, seed: int, cross: int = 0
) -> Iterator[Pair]:
    """Every question's pairs, plus near misses for a near_share of the answerable ones, plus
    `cross` negatives from the article's other paragraphs (the most word-overlapping: at answer
    time the candidates come from several passages, not only the answer's own)."""
    rng = random.Random(seed)
    names = article_terms(items)
    elsewhere = article_sentences(items) if cross else {}
    for item in items:
        yield from question_pairs(item, negatives, kind)
        if item.answers and rng.random() < near_share:
            miss = near_miss(item, names[item.article], rng)
            if miss is not None:
                yield miss
        if cross and item.answers:
            yield from _cross(item, elsewhere[item.article], cross)


# A sentence of an article: its paragraph, text, terms, and the sentence before it.
ArticleSentence = tuple[int, str, frozenset[str], str]


def article_sentences(items: Iterable[Item]) -> dict[str, list[ArticleSentence]]:
    """Per article, every sentence with its paragraph, terms and predecessor."""
    found: dict[str, dict[int, list[ArticleSentence]]] = defaultdict(dict)
    for item in items:
        if item.paragraph not in found[item.article]:
            texts = [item.context[a:b] for a, b in sentences(item.context)]
            found[item.article][item.paragraph] = [
                (item.paragraph, t, frozenset(terms(t)), texts[i - 1] if i else "")
                for i, t in enumerate(texts)
            ]
    return {a: [s for p in paras.values() for s in p] for a, paras in found.items()}


def elsewhere(
    item: Item, question: str, article: list[ArticleSentence], n: int
) -> list[tuple[str, str]]:
    """The n sentences of item's article outside its paragraph that share most words with
    question, each with the sentence before it."""
    q = frozenset(terms(question))
    others = [(len(q & t), s, b) for p, s, t, b in article if p != item.paragraph]
    others.sort(key=lambda o: -o[0])
    return [(s, b) for _, s, b in others[:n]]


def _cross(item: Item, article: list[ArticleSentence], n: int) -> list[Pair]:
    found = elsewhere(item, item.question, article, n)
    return [Pair(item.question, s, 0, item.qid, "cross", b) for s, b in found]
