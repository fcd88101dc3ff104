"""What a summary or a comparison is about, once the way it is asked for is set aside.

People wrap a request for a summary in words about its form ("in a few bullet points", "briefly",
"in simple terms, like I'm a high school student", "pls"). `plain` strips those, so they neither
end a pattern early nor become a topic. `topic_of` is what remains once the sources are named and
the request's own words go ("How do the two articles differ on India?" -> "India"), kept only when
it holds a name or a word beyond form and manner ("separately", "3 sentence", "subtitled" are no
topic; "banana exports", which no source holds, is one: each source then says it has nothing).
`described` reads "the article about X", "the piece that says X" as naming the source X best
describes, when one source clearly wins a search for X. It does not paraphrase a topic or split
"A and B" into two.
"""

from __future__ import annotations

import re

from assistant.answering.library import Library
from assistant.answering.reading.naming import Naming, is_source_noun
from assistant.core.text import terms, word_set
from assistant.retrieve.hybrid import exact_terms

FORMAT_WORDS = word_set(
    "sentence sentences line lines paragraph paragraphs bullet bullets point points word words "
    "simple plain english layman terms short brief briefly quick quickly separately overall "
    "actually really exactly please pls plz thanks story tell detail details section sections part "
    "parts one ones subtitled titled entitled called named headlined everything here all"
)  # how an answer should look or how a source is named, never what it is about
_FORMAT = re.compile(
    r"\b(in|as|using|with)\s+(a|an|one|two|three|four|five|six|some|a\s+few|few|\d+)?\s*"
    r"(short\s+|brief\s+|quick\s+|simple\s+|single\s+)?(sentences?|lines?|paragraphs?|words?"
    r"|bullet(\s+points?)?s?|points?|list)\b"
    r"|\bin\s+(simple|plain|layman'?s?|everyday)\s+(terms|english|words|language)\b"
    r"|\blike\s+i'?m\s+[^,.?!]*"
    r"|\b(please|pls|plz|briefly|quickly|separately|for\s+me|thanks|in\s+short|in\s+brief"
    r"|section\s+by\s+section|point\s+by\s+point)\b"
    r"|\b(\w+|\d+)-(sentence|line|paragraph|word|point)s?\b|\b[\w]+-style\b"
    r"|\(?\b(around|about|roughly|under|at\s+most|max(imum)?|no\s+more\s+than)\s+\d+\s+words\)?",
    re.IGNORECASE,
)
DESCRIBED_SHARE = 0.6
"""Share of the reciprocal-rank mass of the top DESCRIBED_HITS passages one source must hold for a
description to name it; else the description is read as a topic of every source. Chosen on the
intents tuning set (assistant/evaluation/intents.jsonl) by reasoning, not a sweep."""
DESCRIBED_HITS = 5
_DESCRIBED = re.compile(
    r"\b(the|that|this)\s+(?P<noun>[\w-]+)\s+(?P<how>about|on|that|which|where|arguing|saying"
    r"|claiming|describing|covering)\s+(?P<what>[^.?!]+)",
    re.IGNORECASE,
)  # "what is the article saying about X?" asks about X: a participle must not lead to "about"


_QUOTED = re.compile(r"[\"“‘']([^\"”’']{3,}?)[\"”’']")  # 'The Way Ahead', “Reasons for ...”


def plain(text: str) -> str:
    """The question without the words that say how the answer should look."""
    spaced = re.sub(r"\s{2,}", " ", _FORMAT.sub(" ", text))
    return re.sub(r"[\s,;:]+([.?!]|$)", r"\1", spaced).strip(" ,;:-–—")


def topic_of(naming: Naming, drop: frozenset[str], after: int = 0) -> str:
    """What the question asks about once naming, intent and question words go; "" for none, or
    when nothing left is a name or a word beyond form and manner (a number, an adverb)."""
    rest = naming.rest(drop | FORMAT_WORDS, after)
    if any(not name[0].isdigit() for name in exact_terms(rest)):
        return rest
    content = [t for t in terms(rest) if t not in drop and t not in FORMAT_WORDS]
    return rest if any(not t.isdigit() and not t.endswith("ly") for t in content) else ""


def described(text: str, library: Library) -> tuple[str, str] | None:
    """(source, description) when the question names a source by what it says: a quoted phrase
    only one source holds ("the article with the section 'The Way Ahead'"), or "the article about
    X" where a search for X finds mostly that source."""
    for phrase in _QUOTED.findall(text):
        holders = {c.source for c in library.keyword.containing(phrase.strip(), limit=50)}
        if len(holders) == 1 and len(phrase.split()) >= 2:
            return holders.pop(), phrase
    match = next(
        (m for m in _DESCRIBED.finditer(text) if is_source_noun(m.group("noun").lower())), None
    )
    if match is None:
        return None
    what = match.group("what").strip(" ,;:")
    if match.group("how").endswith("ing") and what.lower().startswith(("about ", "on ")):
        return None
    return _searched(what, library)


def _searched(what: str, library: Library) -> tuple[str, str] | None:
    if not terms(what):
        return None
    hits = library.search(what, exact_terms(what)).hits[:DESCRIBED_HITS]
    mass: dict[str, float] = {}
    for rank, hit in enumerate(hits, start=1):
        mass[hit.chunk.source] = mass.get(hit.chunk.source, 0.0) + 1 / rank
    if not mass:
        return None
    best = max(mass, key=lambda s: mass[s])
    return (best, what) if mass[best] >= DESCRIBED_SHARE * sum(mass.values()) else None
