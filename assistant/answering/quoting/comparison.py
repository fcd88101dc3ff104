"""Comparisons: what each named source says on a topic, grouped under its title.

A question is a comparison when it names at least two sources (naming.py: by title, file name or
position) or all of them ("both articles", "the two sources", "the articles", "each article"),
and either asks to compare ("differ", "compare", "contrast", "agree", "in common", "both"...) or
names them all at once ("what do the articles say about India?"). Its topic is what is left once
the words naming sources, the comparing words and the question words go ("the role of India").

Each source is searched for the topic on its own and its sentences scored as a fact answer's are
(extractive.score_sentences; headings and questions left out). A source says something on the
topic when its passages hold every name in the topic ("Peshawar") and its best sentences hold a
word of it (words about how a source speaks, "explanation", "tone", "view", aside); those are
quoted, else it says it has nothing on it instead of quoting a near miss. (The answer-or-abstain
model is fitted on questions against answer sentences; a bare topic against a sentence is
another thing, so it is not consulted here.)
With no topic left ("compare the two articles") each source gets its most central sentences
(grouped.central). When the answer keeps to one chosen source, a question that asks to compare
sources it names among every indexed one gets ONE_CHOSEN, quoting nothing ("what do the articles
say about India?" asks no comparison: it is answered from that source); in an index of one source
no question is a comparison. It does not say how the sources differ in its own words:
the quotes, side by side, do.
"""

from __future__ import annotations

import re

from assistant.answering.library import Library, SourceEntry
from assistant.answering.quoting.extractive import score_sentences
from assistant.answering.quoting.grouped import (
    DOCUMENT_CHUNKS,
    Group,
    central,
    compose_groups,
    quotable,
)
from assistant.answering.reading.naming import name_sources
from assistant.answering.reading.question import Intent, Question
from assistant.answering.reading.topic import plain, topic_of
from assistant.core.text import QUESTION_WORDS, STOPWORDS, terms
from assistant.core.types import Answer, Hit
from assistant.retrieve.hybrid import exact_terms

CENTRAL_SENTENCES = 3  # per source when no topic is left ("compare the two articles")
ONE_CHOSEN = (
    "Only one source is chosen (“{title}”), so there is nothing to compare it with. Choose two "
    "or more sources to compare them, or ask about this one alone."
)

_CUE = re.compile(
    r"\b(compar\w*|contrast\w*|differ\w*|distinguish\w*|versus|vs|similar\w*|alike"
    r"|in common|agree\w*|disagree\w*|both|each|either|same|opposite)\b"
)
_FACT = re.compile(
    r"^\W*(who|whom|whose|when|where|how\s+(many|much|long|old)"
    r"|which\s+(?!(of|one|articles?|sources?|texts?|pieces?|documents?|essays?|papers?|reports?"
    r"|authors?|files?)\b))"
)  # asks for one fact, which "in the articles" only locates ("which faction do they name?");
# "which of the two ..." and "which article ..." ask about the sources themselves
_NOUNS = re.compile(
    r"\b(articles?|sources?|texts?|pieces?|documents?|essays?|papers?|reports?|authors?|files?)\b"
    r"|\b(the|these)\s+(two|three|four|five)\b"
)  # or "which of the two is more critical?", with no noun
_WORDS = frozenset(
    """compare compares compared comparing comparison contrast contrasts contrasted contrasting
    differ differs differed different difference differences distinguish versus vs similar
    similarly similarity similarities alike common agree agrees agreement disagree disagrees
    disagreement both each either same opposite view views take treat treats perspective
    perspectives stand position positions approach regard regarding concerning terms respect
    comes come explanation explanations explain explains account accounts portray portrays
    portrayal describe describes description depict depicts treatment emphasis emphasise
    emphasize focus focuses tone opinion opinions assessment assessments conclusion conclusions
    argument arguments stance attitude characterise characterize think thinks discuss discusses
    discussion cover covers coverage handle handles""".split()  # noqa: SIM905
)
DROP = STOPWORDS | QUESTION_WORDS | _WORDS
_META = frozenset(terms(" ".join(_WORDS)))  # how a source speaks, never what about


def recognise(q: Question, library: Library) -> Intent | None:
    asked = plain(q.text)
    text = asked.lower()
    if not (_CUE.search(text) or _NOUNS.search(text)):
        return None  # naming sources costs a pass over the catalogue: only when it can matter
    catalogue = library.catalogue()
    if len(catalogue) < 2:
        return _within_one(asked, library)
    naming = name_sources(asked, catalogue, library.keyword.idf)
    if not (naming.every or len(naming.sources) >= 2):
        return None
    if not _CUE.search(text) and (not naming.every or _FACT.search(text)):
        return None
    sources = tuple(e.source for e in catalogue) if naming.every else naming.sources
    return Intent("comparison", sources, topic_of(naming, DROP))


def _within_one(asked: str, library: Library) -> Intent | None:
    """An answer kept to one source of several: a question that asks to compare sources it names
    among all of them ("how do the two articles differ on India?") is a comparison, to be told
    there is nothing to compare; one that names them all at once on a topic ("what do the
    articles say about India?") asks what the chosen source says on it: a summary of that topic
    (summary.py), which, like a comparison, does not put a bare topic to the answer model. In an
    index of one source, neither is."""
    indexed = library.indexed()
    text = asked.lower()
    if len(indexed) < 2:
        return None
    naming = name_sources(asked, indexed, library.keyword.idf)
    if not (naming.every or len(naming.sources) >= 2):
        return None
    chosen = tuple(e.source for e in library.catalogue())
    topic = topic_of(naming, DROP)
    if _CUE.search(text):
        return Intent("comparison", chosen, topic)
    if naming.every and topic and not _FACT.search(text):
        return Intent("summary", chosen, topic)
    return None


def compose_comparison(q: Question, library: Library) -> Answer:
    entries = {e.source: e for e in library.catalogue()}
    if len(entries) < 2:
        return one_chosen(q, [*entries.values()])
    named = [entries[s] for s in q.intent.sources if s in entries]
    topic = q.intent.topic
    groups: list[Group] = []
    hits: list[Hit] = []
    for entry in named:
        if topic:
            group, found = on_topic(library, entry, topic, library.thresholds.max_quotes)
            hits += found
        else:
            document = [s for s in library.document(entry.source, DOCUMENT_CHUNKS) if quotable(s)]
            group = Group(entry.source, entry.title, central(document, CENTRAL_SENTENCES))
        groups.append(group)
    if not any(g.quotes for g in groups):
        groups = []  # nothing anywhere: the calm answer, not a list of empty sources
    query = topic or q.query
    return compose_groups(q.text, query, groups, hits, "comparison", library.quote_chars)


def one_chosen(q: Question, chosen: list[SourceEntry]) -> Answer:
    """A comparison asked within one chosen source: says so plainly, quoting nothing."""
    title = " ".join((chosen[0].title or chosen[0].source).split()) if chosen else "none"
    text = ONE_CHOSEN.format(title=title)
    return Answer(text, [], True, q.intent.topic or q.query, q.text, [], "comparison")


def on_topic(library: Library, entry: SourceEntry, topic: str, n: int) -> tuple[Group, list[Hit]]:
    """At most n sentences of one source on topic: the best-scored sentence holding a word of the
    topic, then others by MMR around the topic among those scored nearly as well; or a note that
    it says nothing on it, when its passages lack a name of the topic or all of its words."""
    t = library.thresholds
    found = library.search(topic, exact_terms(topic), [entry.source])
    sentences = [s for s in library.sentences(found.hits) if quotable(s)]
    scored = score_sentences(topic, found.vector, sentences, library.keyword.idf, t)
    held = " ".join(h.chunk.text for h in found.hits)  # retrieval brings a name it holds
    held_terms = set(terms(held))  # "Pakistan's Taliban policy": each word of a name, not the run
    named = all(set(terms(e)) <= held_terms for e in exact_terms(topic))
    content = (set(terms(topic)) - _META) or set(terms(topic))
    on = [s for s in scored if s.covered & content] if named else []
    if not on:
        note = f"This source says nothing about “{topic}”."
        return Group(entry.source, entry.title, [], note=note), found.hits
    lead = on[0]
    near = [s for s in on[1:] if s.score >= t.second_quote * lead.score]
    others = central([s.sentence for s in near], n - 1, found.vector) if n > 1 else []
    quotes = sorted([lead.sentence, *others], key=lambda s: s.start)
    score = {s.sentence.start: s.score for s in scored}
    return Group(
        entry.source, entry.title, quotes, scores=tuple(score[s.start] for s in quotes)
    ), found.hits
