"""Opposite and synonymous words from WordNet 3.0, by the verifier's stems.

antonyms.txt and synonyms.txt are built by assistant/training/wordnet.py (WordNet's licence
heads both). `opposites(stem)`: the stems of words opposite to it, directly ("indirectly" /
"directly") or through an adjective's near-synonym ("detrimental" / "harmless"); irregular forms
count as their lemma ("lost" as "lose"). `synonyms(stem)`: the stems of words sharing a synset
with it ("backing" / "support"). Both are matched by align's light stem, so "weakened" meets
"weaken". Left out: senses (words related in any sense are related here) and phrases ("draw
closer"). The tables load once, on first use.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path

from assistant.core.text import stem

HERE = Path(__file__).resolve().parent


def _lines(name: str) -> list[str]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def _opposites() -> dict[str, frozenset[str]]:
    pairs: dict[str, set[str]] = defaultdict(set)
    forms = []
    for line in _lines("antonyms.txt"):
        if line.startswith("= "):
            forms.append(tuple(stem(w) for w in line.split()[1:]))
            continue
        a, b = (stem(w) for w in line.split())
        pairs[a].add(b)
        pairs[b].add(a)
    for form, lemma in forms:  # "lost" is opposite to what "lose" is, and that to "lost"
        pairs[form] |= pairs[lemma]
        for other in pairs[lemma]:
            pairs[other].add(form)
    return {s: frozenset(o - {s}) for s, o in pairs.items()}


@functools.cache
def _synonyms() -> dict[str, frozenset[str]]:
    same: dict[str, set[str]] = defaultdict(set)
    for line in _lines("synonyms.txt"):
        stems = {stem(w) for w in line.split()}
        for s in stems:
            same[s] |= stems
    return {s: frozenset(o - {s}) for s, o in same.items()}


def opposites(word_stem: str) -> frozenset[str]:
    return _opposites().get(word_stem, frozenset())


def synonyms(word_stem: str) -> frozenset[str]:
    return _synonyms().get(word_stem, frozenset())
