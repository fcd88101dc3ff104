import pytest

from assistant.answering.library import SourceEntry
from assistant.answering.quoting.comparison import DROP
from assistant.answering.reading.naming import is_source_noun, name_sources, names

CATALOGUE = [
    SourceEntry(
        "glaciers-of-the-karakoram.txt",
        "Glaciers of the Karakoram",
        "Glaciers of the Karakoram\n\nHow the Ice Holds On in a Warming World\n\nThe Baltoro "
        "Glacier is about 63 kilometres long.",
    ),
    SourceEntry("monsoon-notes.md", "Monsoon Notes from Lahore"),
    SourceEntry("river-report.txt", "The Indus River Report"),
]
COMMON = {"glacier": 0.2, "ice": 0.3, "river": 0.4}  # words most passages hold weigh little


def idf(term: str) -> float:
    return COMMON.get(term, 3.0)


@pytest.mark.parametrize(
    ("question", "sources", "every"),
    [
        ("Summarize Glaciers of the Karakoram", [0], False),  # by title
        ("What is the Karakoram piece about?", [0], False),  # by its distinctive word
        ("Summarize monsoon-notes.md", [1], False),  # by file name
        ("Can you sum up monsoon-notes?", [1], False),  # without its extension
        ("What is the second source about?", [1], False),  # by position, as the list shows them
        ("What does source 3 say?", [2], False),
        ("What does the last article argue?", [2], False),
        ("Summarize the piece on ice holding on in a warming world", [0], False),  # subtitle
        ("Compare all the sources on floods", [], True),
        ("How do the three texts differ on floods?", [], True),
        ("Which article is more hopeful?", [], True),
        ("What does each report say about silt?", [], True),
        ("Compare the monsoon notes with the Indus river report", [1, 2], False),
        ("Compare the first and second article", [0, 1], False),  # ordinals sharing a noun
        ("Contrast the first article with the last", [0, 2], False),  # an ordinal alone
        ("tl;dr of the second one", [1], False),
        ("Why did the first glacier melt in the second week?", [], False),  # other things
        ("Summarize the warming-world piece", [0], False),  # a hyphenated subtitle
        ("What is the scond artcle about?", [], False),  # a mistyped noun, a mistyped ordinal
        ("What does the third artcle argue?", [2], False),
        ("How fast do glaciers melt?", [], False),  # a common title word names nothing
        ("Why do rivers flood?", [], False),
    ],
)
def test_name_sources(question: str, sources: list[int], every: bool) -> None:
    naming = name_sources(question, CATALOGUE, idf)
    assert list(naming.sources) == [CATALOGUE[i].source for i in sources]
    assert naming.every is every


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How do the three texts differ on the melting of ice?", "melting of ice"),
        ("What do all the sources say about silt?", "silt"),
        ("Compare the monsoon notes with the Indus river report", ""),
    ],
)
def test_what_is_left_once_the_sources_are_named_is_the_topic(question: str, topic: str) -> None:
    assert name_sources(question, CATALOGUE, idf).rest(DROP) == topic


@pytest.mark.parametrize(
    ("question", "every"),
    [
        ("What do both say about silt?", True),  # "both" as the subject of a saying verb
        ("Compare both", True),
        ("Did both Lahore and the Karakoram flood?", False),  # both of two things
        ("How do the two differ?", True),
        ("Where did the two rivers meet?", False),  # two things, not the two sources
        ("Why did both rivers flood?", False),
    ],
)
def test_both_alone_means_both_sources_when_there_are_two(question: str, every: bool) -> None:
    assert name_sources(question, CATALOGUE[:2], idf).every is every


@pytest.mark.parametrize(
    ("question", "sources"),
    [
        ("Compare the Karakoram piece with the other one", [0, 1]),
        ("Not the Karakoram piece, the other one: summarize it", [1]),
        ("Summarize the Karakoram piece, not the other one", [0]),
    ],
)
def test_the_other_one_of_two(question: str, sources: list[int]) -> None:
    naming = name_sources(question, CATALOGUE[:2], idf)
    assert list(naming.sources) == [CATALOGUE[i].source for i in sources]


def test_words_inside_a_paraphrased_name_are_no_topic() -> None:
    naming = name_sources("What does the Glaciers piece of the Karakoram say?", CATALOGUE, idf)
    assert naming.rest(DROP) == ""


@pytest.mark.parametrize(
    ("word", "noun"),
    [("article", True), ("docs", True), ("artcle", True), ("articels", False), ("sourced", False),
     ("text", True), ("test", False), ("paper", True), ("papers", True), ("reporter", False)],
)  # fmt: skip
def test_is_source_noun(word: str, noun: bool) -> None:
    assert is_source_noun(word) is noun


def test_names_are_the_title_and_the_headings_of_the_opening() -> None:
    assert names(CATALOGUE[0]) == [
        "Glaciers of the Karakoram",
        "How the Ice Holds On in a Warming World",  # prose lines ("The Baltoro ...") are not
    ]
    assert names(CATALOGUE[1]) == ["Monsoon Notes from Lahore"]
