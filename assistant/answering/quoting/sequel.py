"""A summary asked as a follow-up of a summary or a comparison.

After "What is the first article about?", people go on with "And the second?", "What about the
other one?" or "What does it say about India?". Each stands on the answer before it: the sources
that answer was grouped under (its "### title" lines, read back by `grouped_sources`). `recognise`
reads such a question as a summary: of the sources it names when it is short or opens as an
ellipsis ("and", "what about"); of the source not shown before when it asks for "the other one";
of the one source shown before when it points at it ("it", "this article") with a saying word,
on the topic after "about" or "on". Any other question is left to the rest of the table. It does
not carry a comparison on, nor guess what "it" means after a fact answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.answering.library import Library, SourceEntry
from assistant.answering.reading.naming import name_sources
from assistant.answering.reading.question import Intent, Question
from assistant.answering.reading.topic import plain

SHORT = 5  # words: "and the second one?" names a source and asks nothing else
_HEADING = re.compile(r"^### (.+)$", re.MULTILINE)
_ELLIPSIS = re.compile(r"^\W*(and|also|then|(what|how)\s+about)\b", re.IGNORECASE)
_OTHER = re.compile(r"\b(the\s+)?other\s+(one|article|source|piece|text|document)\b", re.I)
_POINTED = re.compile(
    r"\b(it|this\s+(one|article|piece|source|text)|that\s+(one|article|piece|source|text))\s+"
    r"(say|says|said|argue|argues|claim|claims|mention|mentions|cover|covers|discuss|discusses"
    r"|think|thinks|conclude|concludes|recommend|recommends)\b"
    r"|\b(does|did|do)\s+(it|this\s+one|that\s+one)\s+(say|argue|claim|mention|cover|discuss"
    r"|think|conclude|recommend)\b",
    re.IGNORECASE,
)
_BARE_ORDINAL = re.compile(
    r"\b(first|second|third|fourth|fifth|last|former|latter)\b(?!\s+[a-z])", re.IGNORECASE
)
_TOPIC = re.compile(r"\b(about|on|regarding|concerning)\s+(?P<topic>[^?.!]+)", re.IGNORECASE)


def grouped_sources(
    history: Sequence[dict[str, Any]] | None, catalogue: Sequence[SourceEntry]
) -> tuple[str, ...]:
    """The sources the last answer in history was grouped under, in catalogue order."""
    last = next((m for m in reversed(history or []) if m.get("role") == "assistant"), None)
    content = last.get("content") if last else None
    if not isinstance(content, str):
        return ()
    titles = {" ".join(t.split()) for t in _HEADING.findall(content)}
    return tuple(e.source for e in catalogue if " ".join(e.title.split()) in titles)


def recognise(q: Question, library: Library) -> Intent | None:
    if not q.previous:
        return None
    # After a summary, a bare ordinal means a source: "and the second?" is "the second one"
    request = _BARE_ORDINAL.sub(r"\1 one", plain(q.text))
    catalogue = library.catalogue()
    naming = name_sources(request, catalogue, library.keyword.idf)
    short = len(request.split()) <= SHORT or bool(_ELLIPSIS.search(request))
    if naming.sources and short and not _TOPIC.search(request):
        return Intent("summary", naming.sources, "")
    if _OTHER.search(request) and short and len(q.previous) < len(catalogue):
        rest = tuple(e.source for e in catalogue if e.source not in q.previous)
        return Intent("summary", rest, "")
    if len(q.previous) == 1 and _POINTED.search(request):
        about = _TOPIC.search(request)
        return Intent("summary", q.previous, about.group("topic").strip() if about else "")
    return None
