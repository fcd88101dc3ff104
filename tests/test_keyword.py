"""The BM25 keyword index: ranking, updates, persistence, corruption and phrase lookup."""

from __future__ import annotations

import math
import random
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from assistant.core.errors import IndexFailure
from assistant.core.text import terms
from assistant.core.types import Chunk
from assistant.index.keyword import FILENAME, KeywordIndex
from assistant.ingest.chunking import chunk_document
from assistant.ingest.readers import read_documents
from tests.conftest import SOURCES

TEXTS = {
    "border": ("Border", "The Durand Line border between Afghanistan and Pakistan dates to 1893."),
    "school": (
        "Attacks",
        "The TTP attacked an army school in Peshawar in 2014, killing 145 people.",
    ),
    "talks": (
        "Talks",
        "Talks between Pakistan and the TTP were facilitated by the Afghan Taliban.",
    ),
    "economy": ("Economy", "Pakistan’s economy is in distress; inflation and debt keep rising."),
    "clashes": (
        "Border",
        "Border clashes: Pakistani forces and the Taliban exchanged fire at the border.",
    ),
    "kabul": ("Kabul", "In Kabul, the Taliban's rulers met Pakistani envoys twice in 2022."),
}


def make(cid: str, page: int | None = None) -> Chunk:
    title, text = TEXTS[cid]
    return Chunk(cid, f"{cid}.txt", title, text, 10, 10 + len(text), page)


CHUNKS = [make(cid) for cid in TEXTS]


def reference(
    chunks: list[Chunk], query: str, k1: float = 1.5, b: float = 0.75
) -> list[tuple[str, float]]:
    """Textbook BM25, written out plainly, as the index scored before it was rewritten."""
    counts = [Counter(terms(f"{c.title}\n{c.text}")) for c in chunks]
    average = sum(sum(c.values()) for c in counts) / len(counts)
    scores: dict[int, float] = {}
    for term in set(terms(query)):
        df = sum(1 for c in counts if term in c)
        idf = math.log(1 + (len(chunks) - df + 0.5) / (df + 0.5))
        for i, c in enumerate(counts):
            if term in c:
                norm = k1 * (1 - b + b * sum(c.values()) / average)
                scores[i] = scores.get(i, 0.0) + idf * c[term] * (k1 + 1) / (c[term] + norm)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [(chunks[i].id, score) for i, score in ranked]


def every(index: KeywordIndex) -> list[Chunk]:
    """The live chunks in the order added: every text contains the empty string."""
    return index.containing("")


def ranking(index: KeywordIndex, query: str, k: int = 10) -> list[tuple[str, float]]:
    return [(chunk.id, score) for chunk, score in index.search(query, k)]


def same(got: list[tuple[str, float]], expected: list[tuple[str, float]]) -> bool:
    return [i for i, _ in got] == [i for i, _ in expected] and all(
        s == pytest.approx(e, rel=1e-12) for (_, s), (_, e) in zip(got, expected, strict=True)
    )


QUERIES = [
    ("When was the Durand Line drawn?", ["border"]),
    ("How many people did the army school attack kill?", ["school"]),
    ("border", ["clashes", "border"]),
    (
        "Who facilitated the talks between Pakistan and the TTP?",
        ["talks", "school", "border", "economy"],
    ),
    ("Taliban Pakistani", ["clashes", "kabul", "talks"]),
    ("2022", ["kabul"]),
    ("nothing matches this", []),
    ("", []),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_search_ranks_like_textbook_bm25(query: str, expected: list[str]) -> None:
    index = KeywordIndex(CHUNKS)
    got = ranking(index, query)
    assert [cid for cid, _ in got] == expected
    assert same(got, reference(CHUNKS, query))


def test_search_cuts_at_k_and_breaks_ties_by_insertion_order() -> None:
    twins = [Chunk(cid, "a.txt", "T", "identical words here", 0, 20) for cid in "bca"]
    index = KeywordIndex(twins)
    assert [c.id for c, _ in index.search("identical words", 2)] == ["b", "c"]
    assert index.search("identical", 0) == []


def test_search_can_keep_to_some_sources() -> None:
    mixed = [
        Chunk(cid, f"{cid[0]}.txt", "T", f"glacier melt {cid}", 0, 15) for cid in ("a1", "b1", "a2")
    ]
    index = KeywordIndex(mixed)
    assert [c.id for c, _ in index.search("glacier", 5, sources={"a.txt"})] == ["a1", "a2"]
    assert [c.id for c, _ in index.search("glacier", 5, sources={"b.txt", "z.txt"})] == ["b1"]
    assert index.search("glacier", 5, sources=set()) == []
    assert len(index.search("glacier", 5)) == 3


def test_statistics_and_lookups() -> None:
    index = KeywordIndex(CHUNKS)
    assert len(index) == len(CHUNKS)
    assert index.df("pakistan") == 3 and index.df("pakistani") == 2 and index.df("zebra") == 0
    assert index.knows("ttp") and not index.knows("zebra")
    assert index.idf("zebra") > index.idf("ttp") > index.idf("pakistan") > 0
    assert index.get("kabul") == CHUNKS[-1] and index.get("nope") is None
    assert every(index) == CHUNKS
    paged = KeywordIndex([make("border", page=3)])
    assert paged.get("border") == make("border", page=3)


def test_adding_in_steps_equals_building_at_once() -> None:
    index = KeywordIndex()
    for i in range(0, len(CHUNKS), 2):
        index.add(CHUNKS[i : i + 2])
        index.search("Pakistan", 3)  # merge some postings between additions
    whole = KeywordIndex(CHUNKS)
    for query, _ in QUERIES:
        assert same(ranking(index, query), ranking(whole, query))


def test_remove_then_add_back() -> None:
    index = KeywordIndex(CHUNKS)
    index.remove(["school", "talks", "not-there"])
    rest = [c for c in CHUNKS if c.id not in {"school", "talks"}]
    assert len(index) == 4 and index.get("school") is None
    assert index.df("ttp") == 0 and not index.knows("ttp")
    for query, _ in QUERIES:
        assert same(ranking(index, query), reference(rest, query) if rest else [])
    assert index.containing("TTP") == []
    index.add([make("school")])
    assert [c.id for c in index.containing("TTP")] == ["school"]
    assert same(ranking(index, "army school"), reference([*rest, make("school")], "army school"))


def test_adding_an_indexed_id_replaces_the_chunk() -> None:
    index = KeywordIndex(CHUNKS)
    changed = Chunk("border", "border.txt", "Border", "A new text about camels.", 0, 24)
    index.add([changed])
    assert len(index) == len(CHUNKS) and index.get("border") == changed
    assert index.df("durand") == 0 and [c.id for c, _ in index.search("camels", 5)] == ["border"]


def test_save_and_load_give_identical_results(tmp_path: Path) -> None:
    index = KeywordIndex(CHUNKS)
    index.save(tmp_path)
    loaded = KeywordIndex.load(tmp_path)
    assert len(loaded) == len(index) and every(loaded) == CHUNKS
    for query, _ in QUERIES:
        assert ranking(loaded, query) == ranking(index, query)
    for phrase in ["Pakistan", "the TTP", "2014", "’s economy"]:
        assert loaded.containing(phrase) == index.containing(phrase)
    assert not list(tmp_path.glob(".*tmp")), "the temporary file is renamed into place"


def test_saving_after_removals_writes_only_live_chunks(tmp_path: Path) -> None:
    index = KeywordIndex(CHUNKS)
    index.remove(["border", "talks"])
    index.add([make("talks")])
    index.save(tmp_path)
    loaded = KeywordIndex.load(tmp_path)
    expected = KeywordIndex(
        [c for c in CHUNKS if c.id not in {"border", "talks"}] + [make("talks")]
    )
    assert every(loaded) == every(expected)
    for query, _ in QUERIES:
        assert ranking(loaded, query) == ranking(expected, query)
    for phrase in ["Taliban", "pakistani forces", "Durand", "facilitated by"]:
        assert loaded.containing(phrase) == expected.containing(phrase)


def test_a_loaded_index_keeps_updating(tmp_path: Path) -> None:
    KeywordIndex(CHUNKS[:3]).save(tmp_path)
    index = KeywordIndex.load(tmp_path)
    index.add(CHUNKS[3:])
    index.remove(["school"])
    index.save(tmp_path)
    again = KeywordIndex.load(tmp_path)
    rest = [c for c in CHUNKS if c.id != "school"]
    assert every(again) == rest
    assert same(
        ranking(again, "Pakistani Taliban border"), reference(rest, "Pakistani Taliban border")
    )
    assert [c.id for c in again.containing("Taliban")] == ["talks", "clashes", "kabul"]


def test_an_empty_index_works_and_round_trips(tmp_path: Path) -> None:
    index = KeywordIndex()
    assert index.search("anything", 5) == [] and index.containing("x") == [] and len(index) == 0
    index.save(tmp_path)
    assert len(KeywordIndex.load(tmp_path)) == 0


def _flip_a_byte_of(path: Path, name: str) -> None:
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(f"{name}.npy")
    data = bytearray(path.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + info.file_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _damage(case: str, path: Path) -> None:
    if case == "missing":
        path.unlink()
    elif case == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif case == "garbage":
        path.write_bytes(b"not an index at all" * 100)
    elif case == "flipped byte":
        _flip_a_byte_of(path, "text")
    elif case == "array left out":
        with np.load(path) as data:
            arrays = {k: data[k] for k in data.files if k != "terms_ptr"}
        with path.open("wb") as f:
            np.savez(f, **arrays)
    elif case == "inconsistent":
        with np.load(path) as data:
            arrays = {k: data[k] for k in data.files}
        arrays["terms_0"] = arrays["terms_0"] + 1000
        with path.open("wb") as f:
            np.savez(f, **arrays)


@pytest.mark.parametrize(
    "case", ["missing", "truncated", "garbage", "flipped byte", "array left out", "inconsistent"]
)
def test_a_missing_or_corrupt_index_raises_one_line(tmp_path: Path, case: str) -> None:
    KeywordIndex(CHUNKS).save(tmp_path)
    _damage(case, tmp_path / FILENAME)
    with pytest.raises(IndexFailure) as caught:
        KeywordIndex.load(tmp_path)
    assert "\n" not in str(caught.value) and str(tmp_path) in str(caught.value)


def test_load_of_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(IndexFailure, match="no keyword index"):
        KeywordIndex.load(tmp_path / "nowhere")


def brute(chunks: list[Chunk], phrase: str) -> list[str]:
    return [c.id for c in chunks if phrase.lower() in c.text.lower()]


@pytest.mark.parametrize(
    "phrase",
    [
        "Pakistan",  # whole word, and inside "Pakistani"
        "pakistan’s economy",  # curly apostrophe as in the text
        "Pakistan's economy",  # straight apostrophe: not in the text
        "Afghan",  # inside "Afghanistan" too
        "fghani",  # inside a word at both ends
        "TTP attacked",
        "the taliban",
        "Taliban's rulers",
        "14",  # inside 2014
        "2014, killing",
        "the",  # a stopword, and inside many words
        "in",
        "debt keep rising.",
        "ban exch",  # ends and starts inside words
        "zebra",
        "Peshawar Kabul",  # both words occur, never together
        "",
    ],
)
def test_containing_is_a_case_insensitive_substring_test(phrase: str) -> None:
    index = KeywordIndex(CHUNKS)
    assert [c.id for c in index.containing(phrase)] == brute(CHUNKS, phrase)
    assert [c.id for c in index.containing(phrase, limit=1)] == brute(CHUNKS, phrase)[:1]


@pytest.mark.parametrize(
    ("phrase", "sources", "limit"),
    [
        ("Taliban", {"kabul.txt"}, None),  # the last of three holding it
        ("Taliban", {"kabul.txt", "talks.txt"}, 1),  # the first of them, not the index's first
        ("Taliban", {"school.txt"}, None),  # a source without it: none
        ("Taliban", set(), None),  # no source at all: none
        ("Pakistan", {"border.txt", "economy.txt", "missing.txt"}, None),
    ],
)
def test_containing_keeps_to_the_sources_given(
    phrase: str, sources: set[str], limit: int | None
) -> None:
    index = KeywordIndex(CHUNKS)
    kept = [c for c in CHUNKS if c.source in sources]
    assert [c.id for c in index.containing(phrase, limit, sources)] == brute(kept, phrase)[:limit]


def test_containing_matches_substrings_of_real_sources(tmp_path: Path) -> None:
    chunks = [c for doc in read_documents(SOURCES) for c in chunk_document(doc, 160)]
    index = KeywordIndex(chunks[:20])
    index.save(tmp_path)
    index = KeywordIndex.load(tmp_path)
    index.add(chunks[20:])  # part loaded, part pending
    text = " ".join(c.text for c in chunks)
    rng = random.Random(7)
    phrases = [text[i : i + rng.randint(1, 30)] for i in rng.sample(range(len(text) - 30), 400)]
    phrases += [w[1:] for w in text.split()[:300]] + ["Imran Khan", "U", "Do Afghan"]
    for phrase in phrases:
        assert [c.id for c in index.containing(phrase)] == brute(chunks, phrase), phrase
