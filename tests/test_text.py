import pytest

from assistant.core.text import (
    has_number,
    paragraph_spans,
    sentence_spans,
    shorten,
    stem,
    terms,
    word_count,
    words,
)


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
    ("text", "cap", "pieces"),
    [
        ("aaa bbb ccc ddd.", 8, ["aaa bbb", "ccc ddd."]),  # near-equal parts, cut at spaces
        ("aaa bbb ccc ddd.", 16, ["aaa bbb ccc ddd."]),
        ("abcdefghij", 4, ["abcd", "efg", "hij"]),  # no space: cut anywhere
        ("aa\u00a0bb\tcc dd", 6, ["aa\u00a0bb", "cc dd"]),  # any whitespace is a place to cut
        ("one two   three four", 10, ["one two", "three four"]),  # runs of spaces stay outside
        ("Short one. Then a much longer second one.", 20,
         ["Short one.", "Then a much", "longer second one."]),
    ],
)  # fmt: skip
def test_long_sentences_are_cut_at_spaces(text: str, cap: int, pieces: list[str]) -> None:
    spans = sentence_spans(text, max_chars=cap)
    assert [text[a:b] for a, b in spans] == pieces
    assert all(b - a <= cap for a, b in spans)


def test_an_endless_line_is_cut_into_exact_bounded_spans() -> None:
    text = "Head.\n" + "word " * 200_001 + "\nTail."
    spans = sentence_spans(text, max_chars=800)
    assert all(0 < b - a <= 800 for a, b in spans)
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "").replace(
        "\n", ""
    )  # every character but whitespace is in exactly one span, in order
    assert text[spans[-1][0] : spans[-1][1]] == "Tail."


def test_counting_and_paragraphs_take_a_window() -> None:
    text = "a b\n  c d e \nf"
    assert word_count(text, 4, 12) == 3 and word_count(text) == 6
    assert paragraph_spans(text, 4) == [(6, 11), (13, 14)]


@pytest.mark.parametrize(
    ("text", "cap", "short"),
    [("A title", 200, "A title"), ("one two three four", 12, "one two…"),
     ("x" * 50, 10, "x" * 9 + "…"), ("a\n b", 10, "a b")],
)  # fmt: skip
def test_shorten(text: str, cap: int, short: str) -> None:
    assert shorten(text, cap) == short and len(shorten(text, cap)) <= cap


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
