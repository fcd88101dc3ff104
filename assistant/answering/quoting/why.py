"""Why and how questions: quote the sentence that states the cause or the manner.

A why question ("why", "how come", "for what reason", "what led to") wants a cause; a how
question ("how did / does / can ...", "in what way", not "how many") wants a manner. Whether to
answer at all, and the quotes, are the fact path's (fact.py); this part only adds and orders.
When no quote states a cause ("because", "owing to", "out of", "in order to", "led to"...) or a
manner ("by ...ing", "through", "via") and there is room for another, the best candidate that
holds what is asked, states one and passes the answer checks on its own is quoted too, the
sentence beside the lead first (a cause often follows its fact). A quote that states one leads.
When the lead is itself a question (a reporter's or rhetorical question) or a heading, the
sentence after it, which answers it, takes its place. It does not read the causal structure of
a sentence.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering.library import Library
from assistant.answering.quoting import fact
from assistant.answering.quoting.extractive import Scored, adjacent, compose
from assistant.answering.quoting.grouped import asked, heading, quotable
from assistant.answering.reading.question import Intent, Question
from assistant.core.types import Answer

_WHY = re.compile(
    r"\b(why|how come|for what reasons?|what (is|was|are|were) the (reasons?|causes?|motives?)"
    r"|what (led|leads|caused|causes|drove|drives|prompted|prompts|motivated|motivates|made))\b"
)
_HOW = re.compile(
    r"\b(how (did|does|do|can|could|would|will|should|has|have|had|is|was|are|were|might|may)"
    r"|in what ways?|by what means)\b"
)
_CAUSE = re.compile(
    r"\b(because|owing to|due to|as a result|results? (of|from)|resulted (in|from)|in order to"
    r"|so that|for fear|out of|driven by|rooted in|stem(s|med)? from|(led|leads|lead) to"
    r"|caus(e|es|ed)|reasons?|motivat\w+|prompted|thanks to|given that|in the hope|aimed at"
    r"|in response to|the need for|insurance against|fear(s|ed)? (of|that))\b",
    re.IGNORECASE,
)
_MANNER = re.compile(
    r"\b(by \w+ing|through|via|using|with the help of|by means of)\b",
    re.IGNORECASE,
)
MARKERS = {"why": _CAUSE, "how": _MANNER}


def recognise_why(q: Question, library: Library) -> Intent | None:
    return Intent("why") if _WHY.search(q.text.lower()) else None


def recognise_how(q: Question, library: Library) -> Intent | None:
    return Intent("how") if _HOW.search(q.text.lower()) else None


def compose_answer(q: Question, library: Library) -> Answer:
    choice = fact.choosing(q, library)
    decision = choice.decision
    if decision.chosen:
        decision = replace(decision, chosen=_pick(q, choice, library))
    answer = compose(q.text, q.query, decision, choice.hits, library.quote_chars)
    return replace(answer, intent=q.intent.name)


def _pick(q: Question, choice: fact.Choice, library: Library) -> list[Scored]:
    """The fact answer's quotes, led by one that states a cause (or manner), adding the best
    candidate that states one when none does and there is room; a question or heading as the
    lead gives way to the sentence after it."""
    t = library.thresholds
    marker = MARKERS[q.intent.name]

    def states(s: Scored) -> bool:
        return bool(marker.search(s.sentence.text))

    chosen = list(choice.decision.chosen)
    lead = chosen[0]
    before, after = _neighbours(choice.scored, lead)
    if not quotable(lead.sentence) and after is not None and quotable(after.sentence):
        stated = not (heading(lead.sentence) or asked(lead.sentence))
        chosen = [lead, after] if stated else [after]  # a question or heading states nothing
    if not any(states(s) for s in chosen) and len(chosen) < t.max_quotes:
        pool = [s for s in choice.scored[: t.candidates] if choice.accept(s) and states(s)]
        beside = [n for n in (after, before) if n in pool]  # the neighbour first: it follows on
        extra = [s for s in beside + pool if quotable(s.sentence) and s not in chosen]
        found = next((s for s in extra if choice.answers_alone(s, t)), None)
        chosen += [found] if found is not None else []
    first = next((s for s in chosen if states(s)), chosen[0])
    return sorted(chosen, key=lambda s: (s is not first, s.sentence.source, s.sentence.start))


def _neighbours(scored: list[Scored], lead: Scored) -> tuple[Scored | None, Scored | None]:
    """The sentences right before and after lead among those retrieved, if any."""
    before = after = None
    for s in scored:
        if adjacent(s.sentence, lead.sentence):
            before = s
        elif adjacent(lead.sentence, s.sentence):
            after = s
    return before, after
