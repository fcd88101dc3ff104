"""The question read once, over the real index of the bundled sources."""

import pytest

from assistant.answering.reading.understand import understand
from assistant.api import Assistant

PREVIOUS = "Which Pakistani general went to Kabul for talks with the TTP?"
HISTORY = [{"role": "user", "content": PREVIOUS}, {"role": "assistant", "content": "…"}]


@pytest.mark.parametrize(
    ("text", "unknown", "kind", "tagged"),
    [
        ("Who won the 2022 World Cup?", ("2022",), "agent", True),
        ("How many people did the attack in Peshawar kill?", (), "number", True),
        ("In what year did Mullah Omar die?", (), "year", True),
        ("Tell me about the Durand Line", (), "", False),  # no wh-word: spaCy need not run
    ],
)
def test_understand_reads_terms_asks_and_unknown_names(
    built: Assistant, text: str, unknown: tuple[str, ...], kind: str, tagged: bool
) -> None:
    q = understand(text, None, built.library())
    assert q.text == q.query == text and not q.leans
    assert q.unknown == unknown
    assert q.asks.kind == kind
    assert (q.tagged is not None) is tagged
    assert q.terms and set(q.exact) >= set(unknown)


def test_unknown_words_weigh_in_the_oov_share(built: Assistant) -> None:
    library = built.library()
    inside = understand("What did the Taliban warn Pakistan of?", None, library)
    outside = understand("What did the zorblaxian quaffle warn Pakistan of?", None, library)
    assert inside.oov_share == 0.0 < outside.oov_share < 1.0


def test_a_follow_up_searches_with_the_earlier_subject(built: Assistant) -> None:
    q = understand("Who facilitated those talks?", HISTORY, built.library())
    assert q.leans and q.query.startswith(q.text) and "TTP" in q.exact


def test_symbols_only_cannot_be_searched(built: Assistant) -> None:
    assert not understand("?!", None, built.library()).searchable
