"""Why and how questions: quote the sentence that states the cause or the manner.

A why question ("why", "how come", "for what reason", "what led to") wants a cause; a how
question ("how did / does / can ...", "in what way", not "how many") wants a manner. Whether to
answer at all is the fact path's decision, unchanged (fact.py). Then, among the same candidates
that hold what is asked, the lead is the best one once a sentence stating a cause ("because",
"owing to", "out of", "in order to", "led to"...) or a manner ("by ...ing", "through", "via")
gets MARKER_BONUS, provided it passes the answer checks on its own. The neighbouring sentence
carries the answer when the lead is itself a question (a reporter's or rhetorical question,
answered by the next sentence) or states no cause while the sentence beside it does; then that
neighbour is quoted too. It does not read the causal structure of a sentence.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering import fact
from assistant.answering.extractive import Scored, adjacent, compose
from assistant.answering.grouped import asked, heading, quotable
from assistant.answering.library import Library
from assistant.answering.question import Intent, Question
from assistant.core.types import Answer

MARKER_BONUS = 0.1
"""Added to the score of a candidate stating a cause (why) or a manner (how) when choosing the
lead quote. Dev accuracy over 0, 0.05, 0.1, 0.2: see docs/intents.md."""

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
    t = library.thresholds
    marker = MARKERS[q.intent.name]

    def states(s: Scored) -> bool:
        return bool(marker.search(s.sentence.text))

    pool = [s for s in choice.scored[: t.candidates] if choice.accept(s)]
    ranked = sorted(pool, key=lambda s: -(s.score + MARKER_BONUS * states(s)))
    lead = next((s for s in ranked if choice.answers_alone(s, t)), choice.decision.chosen[0])
    before, after = _neighbours(choice.scored, lead)
    if not quotable(lead.sentence) and after is not None and quotable(after.sentence):
        stated = not (heading(lead.sentence) or asked(lead.sentence))
        return [lead, after] if stated else [after]  # a question or heading states nothing
    beside = [n for n in (after, before) if n is not None and quotable(n.sentence)]
    carrier = next((n for n in beside if states(n)), None)
    if not states(lead) and carrier is not None:
        return sorted([lead, carrier], key=lambda s: s.sentence.start)
    second = [s for s in choice.decision.chosen if s is not lead and choice.answers_alone(s, t)]
    chosen = [lead, *second[: t.max_quotes - 1]]
    return sorted(
        chosen, key=lambda s: (s.sentence.source != lead.sentence.source, s.sentence.start)
    )


def _neighbours(scored: list[Scored], lead: Scored) -> tuple[Scored | None, Scored | None]:
    """The sentences right before and after lead among those retrieved, if any."""
    before = after = None
    for s in scored:
        if adjacent(s.sentence, lead.sentence):
            before = s
        elif adjacent(lead.sentence, s.sentence):
            after = s
    return before, after
