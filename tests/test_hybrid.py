import pytest

from assistant.core.types import Chunk
from assistant.retrieve.hybrid import exact_terms, fuse


def chunk(cid: str) -> Chunk:
    return Chunk(cid, "a.txt", "T", cid, 0, len(cid))


def test_fuse_rewards_agreement_and_keeps_ranks() -> None:
    a, b, c = chunk("a"), chunk("b"), chunk("c")
    hits = fuse([[a, b], [b, c]], rrf_k=60)
    assert [h.chunk.id for h in hits] == ["b", "a", "c"]
    assert hits[0].score == pytest.approx(1 / 62 + 1 / 61)
    assert (hits[0].dense_rank, hits[0].keyword_rank) == (2, 1)
    assert (hits[2].dense_rank, hits[2].keyword_rank) == (None, 2)


def test_fuse_of_nothing_is_nothing() -> None:
    assert fuse([[], []], rrf_k=60) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("How many people died in 2014?", ["2014"]),
        ("What did Mullah Yaqub offer India?", ["Mullah Yaqub", "India"]),
        ("Who said “bad consequences”?", ["bad consequences"]),
        ("Imran Khan said what?", ["Imran Khan"]),
        ("what happened next?", []),
    ],
)
def test_exact_terms(query: str, expected: list[str]) -> None:
    assert exact_terms(query) == expected
