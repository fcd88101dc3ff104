"""A written answer from a chat model, streamed, every sentence verified as it completes.

`Writer.write` sends the prompt (prompt.py), reads the model's stream under the answer's time
limit, splits the text into sentences and checks each one the moment it is complete (verify.py).
It yields Answer snapshots: completed sentences with their verdicts, the unfinished tail as one
`PENDING` sentence, then the final answer. A supported sentence cites the exact source sentences
that support it (offsets and all); an unsupported one is marked "not found in the sources", or
left out when `unsupported` is "drop". The answer falls back to the extractive one, with a `note`
saying why, when the model errs or runs out of time, says NOT_FOUND, or has no supported sentence;
when the quotes abstain, the model is not asked at all.
The backend is anything with `name` and `stream(messages)`; this module never imports one.
What it leaves out: the prompt's wording and the verification rules themselves.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from assistant.answering.writing.prompt import NOT_FOUND, Excerpt, judge_messages, messages
from assistant.answering.writing.verify import Checks, Embed, Verdict, split_markers, verify
from assistant.core.errors import LLMFailure, LLMTimeout
from assistant.core.text import MAX_SCAN_BACK, ends_with_abbreviation
from assistant.core.types import PENDING, Answer, AnswerSentence, Citation

if TYPE_CHECKING:
    from assistant.llm.base import Backend

UNSUPPORTED = "not found in the sources"
Timed = Callable[[Iterator[str], float], Iterator[str]]  # llm.base.timed: a stream with a deadline

# A sentence ends at . ! or ? (closing quotes and [n] markers stay with it), before whitespace and
# something that starts a sentence; a line break ends one too. List bullets are not sentences.
_END = re.compile(r"[.!?]+[\"”’')]*(?:\s*\[[^\]\n]{1,20}\])*\s+(?=[\"“‘'(]?[A-Z0-9])")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class Writing:
    """How answers are written and checked: the llm_* settings, as plain values."""

    timeout: float = 120.0
    unsupported: str = "mark"  # or "drop"
    judge: bool = False
    checks: Checks = field(default_factory=Checks)


def split_sentences(text: str, finished: bool) -> tuple[list[str], str]:
    """Complete sentences of the text so far, and the unfinished tail ("" once finished)."""
    lines = text.split("\n")
    done: list[str] = []
    tail = ""
    for i, line in enumerate(lines):
        line = _BULLET.sub("", line)
        cursor = 0
        for match in _END.finditer(line):
            # Only the sentence's end, as core.text reads it: the check needs the last word alone.
            if ends_with_abbreviation(
                line[max(cursor, match.start() - MAX_SCAN_BACK) : match.start() + 1]
            ):
                continue
            done.append(line[cursor : match.end()].strip())
            cursor = match.end()
        rest = line[cursor:].strip()
        if i == len(lines) - 1 and not finished:
            tail = rest  # the line the model is still writing
        elif rest:
            done.append(rest)
    return done, tail


def is_not_found(sentence: str) -> bool:
    return NOT_FOUND.lower() in " ".join(sentence.lower().split())


class Writer:
    """Writes answers with one backend; `embed` gives a sentence's vector in the space of the
    stored sentence vectors it is checked against (the index model's)."""

    def __init__(self, backend: Backend, embed: Embed, timed: Timed, writing: Writing):
        self.backend = backend
        self.embed = embed
        self.timed = timed
        self.writing = writing

    def write(
        self, question: str, query: str, history: Sequence[dict[str, str]],
        quotes: Answer, excerpts: Sequence[Excerpt],
    ) -> Iterator[Answer]:  # fmt: skip
        """Snapshots of the written answer, the last one final (or quotes with a note)."""
        if quotes.abstained or not excerpts:
            # The verifier checks that a sentence is supported, not that it answers: when the
            # answer-or-abstain model (fitted on dev) finds no answer, a supported sentence
            # would only dress up an abstention. The model is not asked.
            why = "the sources do not answer this, so no answer was written"
            yield self._fallback(quotes, why, {})
            return
        given = {e.number: e for e in excerpts}
        started = time.monotonic()
        deadline = started + self.writing.timeout
        stats: dict[str, float] = {"pieces": 0.0}
        text, verdicts = "", list[Verdict]()
        try:
            stream = self.backend.stream(messages(question, query, history, excerpts))
            for piece in self.timed(stream, deadline):
                stats.setdefault("first_token_s", time.monotonic() - started)
                stats["pieces"] += 1
                text += piece
                done, tail = split_sentences(text, finished=False)
                verdicts += [self._check(s, given) for s in done[len(verdicts) :]]
                yield self._assemble(quotes, verdicts, given, tail, stats)
            done, _ = split_sentences(text, finished=True)
            verdicts += [self._check(s, given) for s in done[len(verdicts) :]]
            if self.writing.judge:
                verdicts = [self._judged(v, given, deadline) for v in verdicts]
        except LLMTimeout:
            why = f"the model did not finish within {self.writing.timeout:g} s"
            yield self._fallback(quotes, why, self._timing(stats, started))
            return
        except LLMFailure as exc:
            yield self._fallback(quotes, f"the model failed: {exc}", self._timing(stats, started))
            return
        yield self._final(quotes, verdicts, given, self._timing(stats, started))

    def _check(self, sentence: str, given: dict[int, Excerpt]) -> Verdict:
        if is_not_found(sentence):
            return Verdict(NOT_FOUND, (), (), NOT_FOUND)
        return verify(sentence, given, self.embed, self.writing.checks)

    def _judged(self, verdict: Verdict, given: dict[int, Excerpt], deadline: float) -> Verdict:
        """The same model, asked yes or no per supporting excerpt; a "no" removes it."""
        if not verdict.supported:
            return verdict
        kept = [
            n for n in verdict.supporting
            if self.judges(verdict.text, given[n].sentence.text, deadline)
        ]  # fmt: skip
        reason = "" if kept else "the model, asked, says the cited excerpt does not state it"
        return replace(verdict, supporting=tuple(kept), reason=reason)

    def judges(self, sentence: str, excerpt: str, deadline: float) -> bool:
        """Whether the model, asked yes or no, says the excerpt states the sentence."""
        asked = judge_messages(sentence, excerpt)
        reply = "".join(self.timed(self.backend.stream(asked, free=True), deadline))
        return reply.strip().lower().startswith("yes")

    def _final(
        self, quotes: Answer, verdicts: list[Verdict], given: dict[int, Excerpt],
        stats: dict[str, float],
    ) -> Answer:  # fmt: skip
        written = [v for v in verdicts if v.reason != NOT_FOUND]
        stats.update(_counts(written))
        if not any(v.supported for v in written):
            why = (
                "the model found no answer in the excerpts"
                if len(written) < len(verdicts)
                else "no written sentence was supported by the excerpt it cites"
            )
            return self._fallback(quotes, why, stats)
        return self._assemble(quotes, written, given, "", stats)

    def _fallback(self, quotes: Answer, why: str, stats: dict[str, float]) -> Answer:
        note = f"Showing quotes: {why.rstrip('.')}."
        return replace(quotes, model=self.backend.name, note=note, stats={**stats, "fallback": 1})

    def _assemble(
        self, quotes: Answer, verdicts: list[Verdict], given: dict[int, Excerpt], tail: str,
        stats: dict[str, float],
    ) -> Answer:  # fmt: skip
        citations: list[Citation] = []
        index: dict[int, int] = {}
        sentences, parts = [], []
        for v in verdicts:
            if v.reason == NOT_FOUND or (not v.supported and self.writing.unsupported == "drop"):
                continue
            for n in v.supporting:
                if n not in index:
                    index[n] = len(citations)
                    citations.append(_citation(given[n]))
            mine = [index[n] for n in v.supporting]
            sentences.append(AnswerSentence(v.text, mine, v.supported, v.reason))
            marks = "".join(f" [{i + 1}]" for i in mine) if v.supported else f" *({UNSUPPORTED})*"
            parts.append(v.text + marks)
        if tail and not is_not_found(tail):
            sentences.append(AnswerSentence(split_markers(tail)[0], [], False, PENDING))
            parts.append(split_markers(tail)[0])
        return Answer(
            " ".join(parts), citations, False, quotes.query, quotes.question, quotes.hits,
            intent=quotes.intent, mode="llm", model=self.backend.name, sentences=sentences,
            stats=dict(stats),
        )  # fmt: skip

    @staticmethod
    def _timing(stats: dict[str, float], started: float) -> dict[str, float]:
        seconds = time.monotonic() - started
        after_first = seconds - stats.get("first_token_s", seconds)
        rate = (stats["pieces"] - 1) / after_first if after_first > 0 else 0.0
        return {**stats, "seconds": seconds, "tokens_per_s": rate}


def _citation(e: Excerpt) -> Citation:
    s = e.sentence
    return Citation(s.source, s.title, s.text, s.start, s.end, e.score, s.page)


def _counts(verdicts: list[Verdict]) -> dict[str, float]:
    """Before the verifier acts: sentences written and supported, citations written and right."""
    return {
        "sentences": len(verdicts),
        "supported": sum(v.supported for v in verdicts),
        "cited": sum(len(v.cited) for v in verdicts),
        "cited_supporting": sum(len(v.supporting) for v in verdicts),
    }
