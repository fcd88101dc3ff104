"""SQuAD 2.0 articles as sources and questions: the split, the conversion, the gold matching.

Pure functions over the shipped JSON (SQuAD 2.0 dev, 8 articles, CC BY-SA 4.0; README.md here):
an article becomes one source file ("title line, blank line, then the paragraphs separated by blank
lines"), and each of its questions an item of the project's question-set format (id, kind "squad",
question, history [], answers = the gold strings or [] when unanswerable, evidence = the paragraph).
The split is fixed: FIT articles are for fitting, REPORT articles the only ones figures are
reported on. Gold answers match with SQuAD's own normalisation, then whole-word containment.
Writing files, indexing and asking live in `assistant.evaluation.squad.run`.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.errors import AssistantError

DATA = Path(__file__).parent / "squad2-dev-8-articles.json"

FIT = ("Normans", "Huguenot", "1973_oil_crisis", "Packet_switching")
"""The first four articles in the file's order: anything may be fitted or tuned on them."""
REPORT = ("Yuan_dynasty", "Scottish_Parliament", "Imperialism", "French_and_Indian_War")
"""The last four: figures are reported on these only, and nothing is ever fitted on them."""
SPLITS = {"report": REPORT, "fit": FIT, "all": FIT + REPORT}


@dataclass(frozen=True)
class Article:
    title: str  # SQuAD's title, e.g. "1973_oil_crisis"; also the file's stem
    paragraphs: tuple[dict[str, Any], ...]  # SQuAD's paragraphs: context and qas

    @property
    def source(self) -> str:
        return f"{self.title}.txt"

    @property
    def heading(self) -> str:
        return self.title.replace("_", " ")


def load_articles(
    titles: tuple[str, ...], limit: int | None = None, path: Path = DATA
) -> list[Article]:
    """The named articles in the file's order, each cut to its first `limit` paragraphs."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    known = [a["title"] for a in data]
    missing = [t for t in titles if t not in known]
    if missing:
        raise AssistantError(f"no SQuAD article named {', '.join(missing)} (known: {known})")
    return [
        Article(a["title"], tuple(a["paragraphs"][:limit])) for a in data if a["title"] in titles
    ]


def data_hash(path: Path = DATA) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def context(paragraph: dict[str, Any]) -> str:
    """The paragraph as written to the source file (some contexts end in stray spaces)."""
    return str(paragraph["context"]).strip()


def source_text(article: Article) -> str:
    """Title line, blank line, then the paragraphs separated by blank lines."""
    return "\n\n".join([article.heading, *(context(p) for p in article.paragraphs)]) + "\n"


def items(article: Article) -> list[dict[str, Any]]:
    """Every question of the article in the question-set format, in the file's order."""
    return [
        {
            "id": qa["id"],
            "kind": "squad",
            "question": qa["question"],
            "history": [],
            "answers": [] if qa.get("is_impossible") else _unique(a["text"] for a in qa["answers"]),
            "evidence": [{"source": article.source, "quote": context(p)}],
        }
        for p in article.paragraphs
        for qa in p["qas"]
    ]


def _unique(texts: Any) -> list[str]:
    return list(dict.fromkeys(str(t) for t in texts))


_ARTICLES = re.compile(r"\b(a|an|the)\b")


def _is_punctuation(ch: str) -> bool:
    return ch in string.punctuation or unicodedata.category(ch).startswith("P")


def normalise(text: str) -> str:
    """SQuAD's evaluation normalisation (normalize_answer in the official script: lower case,
    punctuation removed, the articles a, an and the removed, whitespace collapsed), except that
    punctuation, Unicode's dashes and quotes included, becomes a space instead of vanishing, so
    "Rollo's" still holds the word "rollo" and "1115–1234" the word "1115"."""
    spaced = "".join(" " if _is_punctuation(ch) else ch for ch in text.lower())
    return " ".join(_ARTICLES.sub(" ", spaced).split())


def squad_contains(text: str, item: dict[str, Any]) -> bool:
    """Whether a gold answer, normalised, occurs in the normalised text as whole words (so the
    gold "1" is not found in "1973"). A gold that normalises to nothing never matches."""
    padded = f" {normalise(text)} "
    golds = (normalise(g) for g in item["answers"])
    return any(g and f" {g} " in padded for g in golds)
