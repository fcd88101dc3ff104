"""Summaries: the most central sentences of the named source, in document order, each cited.

A question asks for a summary when it says so ("summarize", "sum up", "overview", "gist"), or
asks for the main points or what a source is about ("the key takeaways", "What is the first
article about?", "What does Pakistan Reaps What It Sowed argue?") naming a source or no topic:
"what is the Durand Line about?" and "the main point of contention between X and Y" are not.
The sources are those it names (naming.py), or all of them when it names none.

Each source gets SUMMARY_SENTENCES sentences when it is the only one, SHARED_SENTENCES each when
several are summarised together (grouped under their titles), chosen by MMR around the source's
centroid from the stored sentence vectors (grouped.central): central, and spread over different
parts of it. Headings, questions and stubs are never chosen. A summary with a topic left over
("summarize what the articles say about India") takes that topic's best sentences per source
instead (comparison.on_topic). With more than MAX_GROUPS sources, SHARED_SENTENCES * MAX_GROUPS
sentences are chosen among all of them. It writes no sentence of its own.
"""

from __future__ import annotations

import re

from assistant.answering.library import Library, SourceEntry
from assistant.answering.quoting.comparison import on_topic
from assistant.answering.quoting.extractive import Sentence
from assistant.answering.quoting.grouped import (
    DOCUMENT_CHUNKS,
    Group,
    central,
    compose_groups,
    quotable,
)
from assistant.answering.reading.naming import name_sources
from assistant.answering.reading.question import Intent, Question
from assistant.answering.reading.topic import described, plain, topic_of
from assistant.core.text import QUESTION_WORDS, STOPWORDS
from assistant.core.types import Answer, Hit

SUMMARY_SENTENCES = 5  # of one source: the issue asks for 3 to 6
SHARED_SENTENCES = 3  # of each source when several are summarised together
MAX_GROUPS = 3  # beyond this many sources, one pool of sentences for all of them
TOPIC_SENTENCES = 3  # of each source on a topic

_ASKED = re.compile(
    r"\b(summ?[ae]ri[sz]\w*|summ?[ae]r(y|ies)|sum (it |them |this |that |these |those )?up|recap"
    r"|overview"
    r"|gist|synopsis|tl;? ?dr|rundown|nutshell|outline)\b"
)  # a summary, whatever else the question says
_POINTS = re.compile(
    r"\b((main|key|central|core|big|overall) (points?|ideas?|arguments?|takeaways?|themes?"
    r"|messages?|claims?|findings?|conclusions?|thrust|thesis)|thesis|takeaways?|conclusions?"
    r"|arguments?|findings?|messages?|themes?|ideas?|upshot|(?<=what )(claims|points))\b"
)  # a summary, unless it has a topic and names no source ("the main point of contention"); a
# bare "claim" and "point" are verbs as often ("what does the essay point to?"): not cues
_ABOUT = re.compile(
    r"\bwhat(’s|'s|\s+is|\s+are|\s+was|\s+were)\s+(.+?)\s+(all\s+)?about\W*$"
    r"|\bwhat\s+(.+?)\s+(is|are|was|were)\s+(all\s+)?about\W*$"
    r"|\bwhat\s+(does|do|did)\s+(.+?)\s+(argue|say|claim|conclude|contend|cover|discuss|propose"
    r"|recommend)\W*$"
    r"|\bwhat\s+(.+?)\s+(says|argues|claims|concludes|contends|covers|discusses|proposes"
    r"|recommends|is\s+saying|is\s+arguing)\W*$"
)
_ARGUES = re.compile(
    r"\b(argu(e|es|ing)|recommend(s|ing)?|conclud(e|es|ing)|claim(s|ing)?)"
    r"(?=\s*(\W*$|[,;.?!]|and\b|about\b|on\b|overall\b|in\s+the\s+end\b|at\s+the\s+end\b))"
)  # what a source argues, said of a source: a summary; "what does it claim X did?" is a fact
_TOPICAL = re.compile(r"\b(about|on|regarding|concerning|re)\b", re.IGNORECASE)
# a summary of a source has a topic only when it is "about" or "on" something
_WORDS = frozenset(
    """summarize summarise summarized summarised summarizing summarising summary summaries sum up
    summery summeries sumary summarys
    recap overview gist synopsis tl dr main key central core big point points idea ideas argument
    arguments takeaway takeaways theme themes message messages claim claims finding findings
    conclusion conclusions give me brief briefly short quick quickly please provide write short
    argue argues say says said conclude concludes contend contends cover covers discuss discusses
    propose proposes recommend recommends tell rundown nutshell outline overall thrust thesis
    describe explain reach reaches draw draws make makes upshot arguing recommending concluding
    claiming""".split()  # noqa: SIM905
)
DROP = STOPWORDS | QUESTION_WORDS | _WORDS


def recognise(q: Question, library: Library) -> Intent | None:
    request = plain(q.text)
    text = request.lower()
    asked = _ASKED.search(text)
    cued = asked or _POINTS.search(text) or _ABOUT.search(text)
    if not (cued or _ARGUES.search(text)):
        return None
    naming = name_sources(request, library.catalogue(), library.keyword.idf)
    sourced = naming.sources or naming.every or naming.nouns
    if not (cued or sourced):
        return None  # "what did Khan claim?" is a fact question
    if naming.nouns and not (naming.sources or naming.every):
        found = described(request, library)  # "the article that says ...": that one, whole
        if found is not None:
            return Intent("summary", (found[0],), "")
    # Words before "summarize" / "an overview" frame the request ("For a class I need ..."):
    # the topic is looked for after it.
    after = asked.start() if asked else 0
    # Of a source, a topic is "about"/"on" something: the rest is the request.
    topical = not sourced or _TOPICAL.search(naming.rest(frozenset(), after))
    topic = topic_of(naming, DROP, after) if topical else ""
    if not (asked or sourced or not topic):
        return None  # "what is the Durand Line about?" asks about a thing, not a source
    return Intent("summary", naming.sources, topic)


def compose_summary(q: Question, library: Library) -> Answer:
    entries = library.catalogue()
    named = [e for e in entries if e.source in q.intent.sources] or entries
    hits: list[Hit] = []
    if q.intent.topic:
        groups = []
        for entry in named:
            group, found = on_topic(library, entry, q.intent.topic, TOPIC_SENTENCES)
            groups.append(group)
            hits += found
        if not any(g.quotes for g in groups):
            groups = []
    elif len(named) <= MAX_GROUPS:
        each = SUMMARY_SENTENCES if len(named) == 1 else SHARED_SENTENCES
        groups = [Group(e.source, e.title, central(_quotable(library, e), each)) for e in named]
    else:
        pool = [s for e in named for s in central(_quotable(library, e), SHARED_SENTENCES)]
        picked = central(pool, SHARED_SENTENCES * MAX_GROUPS)
        groups = [
            Group(e.source, e.title, [s for s in picked if s.source == e.source]) for e in named
        ]
        groups = [g for g in groups if g.quotes]
    query = q.intent.topic or q.query
    return compose_groups(q.text, query, groups, hits, "summary", library.quote_chars)


def _quotable(library: Library, entry: SourceEntry) -> list[Sentence]:
    return [s for s in library.document(entry.source, DOCUMENT_CHUNKS) if quotable(s)]
