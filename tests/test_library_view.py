"""The Library over one index generation: which sources a search reads when answers keep to some,
and substring search kept to them while term statistics stay the whole index's."""

from __future__ import annotations

import pytest

from assistant.api import Assistant
from assistant.library_view import ChosenTerms, kept_to
from tests.test_intents import FOES, REAPS

A, B, C = "a.txt", "b.txt", "c.txt"


@pytest.mark.parametrize(
    ("sources", "within", "expected"),
    [
        (None, None, None),  # every source
        ([A], None, {A}),
        ([], None, set()),  # asked for none: none
        (None, frozenset({A, B}), {A, B}),  # the choice
        ([A], frozenset({A, B}), {A}),
        ([A, C], frozenset({A, B}), {A}),  # never beyond the choice
        ([C], frozenset({A, B}), set()),
    ],
)
def test_kept_to(
    sources: list[str] | None, within: frozenset[str] | None, expected: set[str] | None
) -> None:
    assert kept_to(sources, within) == (None if expected is None else frozenset(expected))


def test_a_search_for_a_source_outside_the_choice_finds_nothing(built: Assistant) -> None:
    library = built.library(sources=[FOES])
    assert library.search("Peshawar school attack", ["Peshawar"], [REAPS]).hits == []
    found = library.search("Peshawar school attack", ["Peshawar"])
    assert found.hits and {h.chunk.source for h in found.hits} == {FOES}
    assert [e.source for e in library.catalogue()] == [FOES]
    assert library.document(REAPS, 10) == [] and library.document(FOES, 10)


def test_chosen_terms_search_the_choice_and_weigh_by_the_whole_index(built: Assistant) -> None:
    whole = built.library().keyword
    chosen = built.library(sources=[FOES]).keyword
    assert isinstance(chosen, ChosenTerms)
    assert {c.source for c in whole.containing("Peshawar")} == {REAPS}
    assert chosen.containing("Peshawar") == [] and chosen.containing("Durand Line", limit=1)
    for term in ("peshawar", "taliban", "zebra"):
        assert chosen.idf(term) == whole.idf(term) and chosen.df(term) == whole.df(term)
        assert chosen.knows(term) == whole.knows(term)
    assert len(chosen) == len(whole)
