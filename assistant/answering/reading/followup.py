"""Rewrite a follow-up question into a self-contained retrieval query, without an LLM.

A question is rewritten only when it leans on the conversation; one that stands on its own is
searched as it is. It leans when one of a table of cues fires, each read from spaCy's tags:
an ellipsis ("And in 2014?", "What about India?"), a fragment with no verb ("Under which law?") or
no content word ("Why?"), a personal pronoun with no noun before it to refer to ("What did he
say?", but not "What did Khan say after he was ousted?", nor the "it" of "is it true that"), a
demonstrative ("those talks", "respond to that", but not "this year"), or an adverb pointing back
("what happened there", "then", "the same"). Then the salient terms of the previous user turn (and
the names quoted in the answer to it) are appended. It does not resolve which noun a pronoun
means; it only makes sure the earlier subject reaches retrieval.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

from assistant.answering.reading.asks import PERSON_NOUNS
from assistant.answering.reading.entities import Tagged, Token, tag
from assistant.core.text import STOPWORDS, terms

Message = dict[str, Any]
Cue = Callable[[Tagged], bool]

_CONNECTIVES = ("and", "but", "also", "so", "then", "or", "plus")  # first word of an ellipsis
_WHAT_ABOUT = re.compile(r"^\W*(what|how)\s+about\b", re.IGNORECASE)
_PERSONAL = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person",
             "hers": "person", "it": "thing", "its": "thing", "they": "any", "them": "any",
             "their": "any", "theirs": "any"}  # fmt: skip
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
_NOW = frozenset(
    "year week month day time century decade morning summer winter spring".split()  # noqa: SIM905
)
_POINTING = frozenset({"there", "then", "same", "latter"})


def _ellipsis(q: Tagged) -> bool:
    """ "And in 2014?", "So who controls it?", "What about India?" """
    first = q.tokens[0].text.lower() if q.tokens else ""
    text = " ".join(t.text for t in q.tokens)
    return first in _CONNECTIVES or bool(_WHAT_ABOUT.match(text))


def _fragment(q: Tagged) -> bool:
    """No verb ("Under which law?", "The ISI?") or no content word at all ("Why?", "How so?")."""
    verb = any(t.tag.startswith("VB") or t.tag == "MD" for t in q.tokens)
    return not verb or not terms(" ".join(t.text for t in q.tokens))


def _pronoun(q: Tagged) -> bool:
    """A personal pronoun with no noun before it that it could stand for."""
    for i, token in enumerate(q.tokens):
        kind = _PERSONAL.get(token.text.lower(), "")
        referring = bool(kind) and token.tag.startswith("PRP") and not _expletive(q.tokens, i)
        if referring and not any(_agrees(t, kind) for t in q.tokens[:i]):
            return True
    return False


def _agrees(token: Token, kind: str) -> bool:
    if not token.tag.startswith("NN"):
        return False
    if kind == "person":
        return token.tag.startswith("NNP") or token.text.lower() in PERSON_NOUNS
    return kind == "any" or token.tag in {"NN", "NNP"}


def _expletive(tokens: tuple[Token, ...], i: int) -> bool:
    """The "it" of "is it true that ...", "how long did it take them to ...": no referent."""
    if tokens[i].text.lower() != "it":
        return False
    after = tokens[i + 1 :]
    that = any(t.text.lower() == "that" and t.tag == "IN" for t in after)
    to_verb = any(a.tag == "TO" and b.tag == "VB" for a, b in pairwise(after))
    return that or to_verb


def _demonstrative(q: Tagged) -> bool:
    """ "those talks", "respond to that"; "this year" points at the present, not the chat."""
    tokens = q.tokens
    for i, token in enumerate(tokens):
        if token.text.lower() in _DEMONSTRATIVES and token.tag == "DT":
            following = tokens[i + 1].text.lower() if i + 1 < len(tokens) else ""
            if not (token.text.lower() == "this" and following in _NOW):
                return True
    return False


def _pointing(q: Tagged) -> bool:
    """ "What happened there?", "Who ruled then?", "the same attack"; not "is there"."""
    return any(t.text.lower() in _POINTING and t.tag not in {"EX"} for t in q.tokens)


CUES: tuple[tuple[str, Cue], ...] = (
    ("ellipsis", _ellipsis),
    ("fragment", _fragment),
    ("pronoun", _pronoun),
    ("demonstrative", _demonstrative),
    ("pointing", _pointing),
)


def leaning(tagged: Tagged) -> str:
    """The name of the first cue by which the question leans on the conversation, or ""."""
    return next((name for name, cue in CUES if cue(tagged)), "")


def leans_on_history(question: str) -> bool:
    return bool(leaning(tag(question)))


def rewrite(
    question: str,
    history: Sequence[Message] | None,
    is_rare: Callable[[str], bool] = lambda _: True,
    max_terms: int = 8,
) -> str:
    """The query to retrieve with: the question itself, or it plus earlier turns' key words."""
    if not history or not leans_on_history(question):
        return question
    own = set(terms(question))
    carried: list[str] = []
    for text in _previous_turns(history):
        for word in _salient_words(text):
            seen = own | {c.lower() for c in carried}
            if word.lower() not in seen and is_rare(word):
                carried.append(word)
        if len(carried) >= max_terms // 2:
            break
    return f"{question} {' '.join(carried[:max_terms])}".strip() if carried else question


def _previous_turns(history: Sequence[Message]) -> list[str]:
    """Earlier user questions, newest first, each followed by the answer it got."""
    turns: list[str] = []
    messages = list(history)
    for i in range(len(messages) - 1, -1, -1):
        message = messages[i]
        if message.get("role") != "user":
            continue
        turns.append(_content(message))
        reply = messages[i + 1] if i + 1 < len(messages) else None
        if reply and reply.get("role") == "assistant":
            turns.append(" ".join(_names(_content(reply))))
    return turns


def _salient_words(text: str) -> list[str]:
    return [
        w
        for w in re.findall(r"[A-Za-z0-9][\w’'-]*", text)
        if w.lower() not in STOPWORDS and len(w) > 2 and not w.lower().startswith(("what", "who"))
    ]


def _names(text: str) -> list[str]:
    """Capitalised words inside an answer, minus each sentence's first word."""
    return re.findall(r"(?<=[a-z,;] )[A-Z][\w’'-]+", text)


def _content(message: Message) -> str:
    content = message.get("content", "")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # Gradio may send a list of parts
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)
