import pytest

from assistant.core.text import has_number, sentence_spans, stem, terms, words


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("The U.S. invasion came. Then more.", ["The U.S. invasion came.", "Then more."]),
        ("Title\n\nBody one. Body two.", ["Title", "Body one.", "Body two."]),
        ("He said “stop.” They left.", ["He said “stop.”", "They left."]),
        ("Ends in 2014. 145 died.", ["Ends in 2014.", "145 died."]),
        ("Was it? Yes! Fine.", ["Was it?", "Yes!", "Fine."]),
        ("lower. case stays", ["lower. case stays"]),
        ("Mr. Khan spoke.", ["Mr. Khan spoke."]),
        ("", []),
    ],
)
def test_sentence_spans(text: str, sentences: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences


def test_sentence_spans_inside_a_window_keep_absolute_offsets() -> None:
    text = "Skip this. Keep one. Keep two."
    spans = sentence_spans(text, 11, len(text))
    assert [text[a:b] for a, b in spans] == ["Keep one.", "Keep two."]


@pytest.mark.parametrize(
    ("word", "expected"),
    [("talks", "talk"), ("attacked", "attack"), ("facilitated", "facilitat"),
     ("facilitate", "facilitat"), ("countries", "country"), ("class", "class"), ("is", "is")],
)  # fmt: skip
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_words_drop_possessives_and_terms_drop_stopwords() -> None:
    assert words("Pakistan’s army") == ["pakistan", "army"]
    assert terms("What did the Taliban warn of?") == ["taliban", "warn"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("killed 145 people", True), ("two decades", True), ("no figure", False)],
)
def test_has_number(text: str, expected: bool) -> None:
    assert has_number(text) is expected
