"""The verifier's WordNet tables: built from WordNet's own file format (training/wordnet.py, on a
few constructed synsets) and read by stem at answer time (answering/writing/wordnet.py, the
shipped tables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.writing.wordnet import opposites, synonyms
from assistant.core.text import stem
from assistant.training.wordnet import write

# Four adjective synsets in data.adj's format: "harmful" and "harmless" are antonyms (pointer
# "!", word 1 to word 1), "detrimental" is a satellite of "harmful" (pointer "&"); antonyms are
# word to word, so "miss" (word 2 of "lose") has none.
ADJ = """\
  1 This software and database is being provided to you, the LICENSEE, by Princeton University
00000100 00 a 01 harmful 0 002 ! 00000200 a 0101 & 00000300 a 0000 | causing harm
00000200 00 a 02 harmless 0 innocuous 0 001 ! 00000100 a 0101 | not causing harm
00000300 00 s 02 detrimental 0 deleterious 0 001 & 00000100 a 0000 | harmful
00000400 00 a 01 galore(ip) 0 000 | in abundance
"""
VERB = """\
00000500 00 v 02 lose 0 miss 0 001 ! 00000600 v 0101 | fail to keep
00000600 00 v 01 win 0 001 ! 00000500 v 0101 | be the winner
"""


@pytest.fixture
def built(tmp_path: Path) -> Path:
    wordnet = tmp_path / "wordnet"
    wordnet.mkdir()
    (wordnet / "data.adj").write_text(ADJ, encoding="utf-8")
    (wordnet / "data.verb").write_text(VERB, encoding="utf-8")
    for part in ("adv", "noun"):
        (wordnet / f"data.{part}").write_text("", encoding="utf-8")
    (wordnet / "verb.exc").write_text("lost lose\nwon win\n", encoding="utf-8")
    (wordnet / "adj.exc").write_text("", encoding="utf-8")
    (wordnet / "LICENSE").write_text("WordNet Release 3.0\n", encoding="utf-8")
    assert write(wordnet, tmp_path) == (4, 3)
    return tmp_path


def _rows(path: Path) -> list[str]:
    return [r for r in path.read_text(encoding="utf-8").splitlines() if not r.startswith("#")]


def test_the_tables_hold_antonyms_indirect_ones_forms_and_synsets(built: Path) -> None:
    assert _rows(built / "antonyms.txt") == [
        "deleterious harmless", "detrimental harmless", "harmful harmless", "lose win",
        "= lost lose", "= won win",
    ]  # fmt: skip
    assert _rows(built / "synonyms.txt") == [
        "deleterious detrimental", "harmless innocuous", "lose miss",
    ]  # fmt: skip
    assert "# WordNet Release 3.0" in (built / "antonyms.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("word", "opposite"),
    [("indirectly", "directly"), ("detrimental", "harmless"), ("lost", "win"), ("won", "lost"),
     ("weakened", "strengthen")],
)  # fmt: skip
def test_opposites_are_read_by_stem(word: str, opposite: str) -> None:
    assert stem(opposite) in opposites(stem(word))


@pytest.mark.parametrize(
    ("word", "other", "same"),
    [("backing", "support", True), ("ties", "bond", True), ("support", "oppose", False)],
)
def test_synonyms_are_read_by_stem(word: str, other: str, same: bool) -> None:
    assert (stem(other) in synonyms(stem(word))) is same
