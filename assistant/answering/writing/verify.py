"""Check one written sentence against the excerpts it cites, before it may be shown as supported.

Rules, in order; the first that fails is the reason (Gao et al. 2023, ALCE: a sentence counts only
if its citations support it):
1. it cites at least one excerpt, and only excerpts that were given ([9] of eight is refused);
2. its content is in them: for each cited excerpt, the share of the sentence's content terms it
   holds (`coverage`) and the MiniLM cosine of sentence and excerpt (`cosine`) both reach the
   thresholds fitted on the dev set (`python -m assistant.evaluation.fit_verifier`);
3. every number, date and name in it (digits, spaCy's entities, capitalised words after the
   first; an acronym matches the initials of capitalised words, "U.S." is "US"; a name may take
   another form, "Pakistani" for "Pakistan") occurs in the excerpts it is held to;
4. word by word, those excerpts say what it says (align.py: negation, quantity words, added
   content; stance.py: a hedge made certain, a negation or a word swapped for its opposite;
   order.py: cause and effect, swapped names; doers.py: who did it, and a name put where the
   excerpt says only "they"): `disagreement` and `unnamed`;
5. it adds no noun or adjective that no word of those excerpts is near in meaning (novel.py).
The citations of a supported sentence are the cited excerpts that pass 2 on their own; when none
does but together they do (two halves of one claim), all that share a term with it; and another
cited excerpt that holds a name the passing ones leave to a pronoun ("It hoped…"). Rules 3
to 5 are checked against exactly those. Measured on the labelled claims set (`assistant eval
--claims`, docs/llm.md). What it leaves out: paraphrase beyond what MiniLM and the word checks
catch, antonyms without a negation or quantity word, and number words written as digits (or the
reverse): such a sentence is refused, never passed. The LLM judge (written.py) is an extra check
on top.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering.reading.entities import tag
from assistant.answering.writing.align import added, negation, quantity
from assistant.answering.writing.doers import doer, unnamed
from assistant.answering.writing.novel import novel
from assistant.answering.writing.order import cause, roles
from assistant.answering.writing.prompt import Excerpt
from assistant.answering.writing.stance import denial, hedge, instead, opposite
from assistant.core.text import STOPWORDS, terms, words

Embed = Callable[[str], np.ndarray]
MARKER = re.compile(r"\s*\[\s*(?:excerpts?\s*)?(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\s*\]", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:s\b)?")  # "1980s" is a decade, not 1980
_CAPITAL = re.compile(r"\b[A-Z][\w’'-]*")
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")  # "U.S.", read as the acronym "us"
# A name's other forms: "Pakistan" / "Pakistani", "Afghan" / "Afghanistan" / "Afghans".
_FORMS = ("i", "n", "an", "ian", "istan", "s", "ns", "ans", "ese")
_PART = re.compile(r"[A-Za-z]+|[^\sA-Za-z-]")  # words, hyphenated parts apart, and punctuation
_FACTS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT",
          "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}  # fmt: skip


@dataclass(frozen=True)
class Checks:
    """Content thresholds, fitted on dev.jsonl by assistant/evaluation/fit_verifier.py
    (2026-12-06: 189 claim-sentence pairs; 0.818 of supporting pairs pass, 0.067 of others)."""

    coverage: float = 0.5
    cosine: float = 0.2


@dataclass(frozen=True)
class Verdict:
    text: str  # the sentence without its [n] markers
    cited: tuple[int, ...]  # the excerpt numbers the model wrote
    supporting: tuple[int, ...]  # those that support it (empty when unsupported)
    reason: str = ""  # why it is unsupported; "" when supported

    @property
    def supported(self) -> bool:
        return bool(self.supporting)


def split_markers(sentence: str) -> tuple[str, tuple[int, ...]]:
    """The sentence without [n] markers, and the numbers they hold, in order, once each."""
    cited: list[int] = []
    for match in MARKER.finditer(sentence):
        cited += [int(n) for n in re.split(r"[,;]", match[1])]
    text = " ".join(MARKER.sub("", sentence).split())
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)  # "in 2014 [1]." -> "in 2014."
    return text, tuple(dict.fromkeys(cited))


def facts(text: str) -> list[str]:
    """The numbers, dates and names a sentence states, each as the words that must be found."""
    text = _DOTTED.sub(lambda m: m[0].replace(".", ""), text)
    found = [m[0].rstrip(".,") for m in _NUMBER.finditer(text)]
    found += [e.text for e in tag(text).entities if e.label in _FACTS]
    first = re.match(r"\W*\w+", text)
    skip = first.end() if first else 0  # a sentence's first word is capitalised anyway
    found += [m[0] for m in _CAPITAL.finditer(text) if m.start() >= skip]
    return list(dict.fromkeys(f for f in found if _fact_words(f)))


def _fact_words(fact: str) -> list[str]:
    if _NUMBER.fullmatch(fact):
        return [fact.replace(",", "")]
    if fact.isupper() and fact.isalpha():
        return [fact.lower()]  # an acronym, even one that spells a stopword ("US")
    return [w for w in words(fact) if w not in STOPWORDS]


_ALIASES = [("us", "united states", "america", "american", "americans")]


def missing_fact(text: str, spans: Sequence[str]) -> str:
    """The first fact of text that the spans do not hold, or ""."""
    held = {w for span in spans for w in words(span)}
    held |= {m[0].replace(",", "").rstrip(".") for span in spans for m in _NUMBER.finditer(span)}
    held |= {a for span in spans for a in acronyms(span)}
    held |= {m[0].replace(".", "").lower() for span in spans for m in _DOTTED.finditer(span)}
    for names in _ALIASES:  # "America" for "the U.S.", "the United States" for "American"
        if any(set(n.split()) <= held for n in names):
            held |= {w for n in names for w in n.split()}
    for fact in facts(text):
        name = fact[:1].isupper()
        if not all(w in held or (name and _another_form(w, held)) for w in _fact_words(fact)):
            return fact
    return ""


def _another_form(word: str, held: set[str]) -> bool:
    """Another form of the same name is held ("pakistani" for "pakistan", either way)."""
    if not word.isalpha():
        return False
    bases = {word} | {
        word[: -len(e)] for e in _FORMS if word.endswith(e) and len(word) > len(e) + 3
    }
    return bool((bases | {b + e for b in bases for e in _FORMS}) & held)


def acronyms(span: str) -> set[str]:
    """The initials of every run of capitalised words ("Inter-Services Intelligence": "isi",
    "Tehrik-e-Taliban Pakistan": "ttp"), lower-cased, at least two letters."""
    found: set[str] = set()
    run: list[str] = []
    for word in [*_PART.findall(span), "."]:
        if word[0].isupper():
            run.append(word[0].lower())
            continue
        if len(word) <= 3 and word.isalpha() and run:
            continue  # "e" in Tehrik-e-Taliban, "of" in Institute of Peace
        found |= {"".join(run[i:j]) for i in range(len(run)) for j in range(i + 2, len(run) + 1)}
        run = []
    return found


# align.py, stance.py, order.py, doers.py
ALIGNED = (negation, denial, opposite, instead, quantity, hedge, cause, roles, doer, added)


def disagreement(text: str, spans: Sequence[str]) -> str:
    """The first word-aligned check the spans fail, as its one-line reason, or ""."""
    joined = " ".join(spans)
    return next((why for check in ALIGNED if (why := check(text, joined))), "")


def coverage(text: str, span: str) -> float:
    """Share of the sentence's content terms that the span holds."""
    mine = set(terms(text))
    return len(mine & set(terms(span))) / len(mine) if mine else 0.0


def verify(sentence: str, excerpts: Mapping[int, Excerpt], embed: Embed, checks: Checks) -> Verdict:
    text, cited = split_markers(sentence)
    if not cited:
        return Verdict(text, cited, (), "cites no excerpt")
    unknown = [n for n in cited if n not in excerpts]
    if unknown:
        return Verdict(text, cited, (), f"cites [{unknown[0]}], which was not given")
    given = {n: excerpts[n].sentence for n in cited}  # cited numbers are distinct, in order
    vector = embed(text)
    passing = [
        n for n, s in given.items()
        if coverage(text, s.text) >= checks.coverage
        and float(vector @ s.vector) >= checks.cosine
    ]  # fmt: skip
    if not passing:
        joined = " ".join(s.text for s in given.values())
        close = max(float(vector @ s.vector) for s in given.values()) >= checks.cosine
        if len(given) > 1 and close and coverage(text, joined) >= checks.coverage:
            mine = set(terms(text))
            passing = [n for n, s in given.items() if mine & set(terms(s.text))]
    if not passing:
        lacking = missing_fact(text, [s.text for s in given.values()])
        if lacking:
            return Verdict(text, cited, (), f"“{lacking}” is not in the cited excerpt")
        return Verdict(text, cited, (), "the cited excerpt says something else")
    passing += [  # a cited excerpt that names what the passing ones call "it", "he"
        n for n in given if n not in passing
        and missing_fact(text, [given[m].text for m in passing])
        and not missing_fact(text, [given[m].text for m in [*passing, n]])
    ]  # fmt: skip
    lacking = missing_fact(text, [given[n].text for n in passing])
    if lacking:
        return Verdict(text, cited, (), f"“{lacking}” is not in the cited excerpt")
    held_to = [given[n].text for n in passing]
    everything = " ".join(s.text for s in given.values())  # an earlier excerpt may name "They"
    why = disagreement(text, held_to) or unnamed(text, everything) or novel(text, held_to, embed)
    if why:
        return Verdict(text, cited, (), why)
    return Verdict(text, cited, tuple(passing))
