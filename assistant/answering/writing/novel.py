"""Words a written sentence adds: a noun or adjective that no word of the cited excerpt is near.

align.added finds runs of words the excerpt lacks ("…, killing several commanders"); a single
added detail slips past it ("an independent Pashtunistan", "in a televised address", "support,
including new loans"). Here every noun and adjective of the sentence (spaCy's tags) that the
excerpt does not hold by stem must be near some content word of the excerpt in meaning: the
MiniLM cosine of the two words, each embedded alone, at least `NEAR` ("backer" / "supporter",
"benefit" / "boon"). Fitted on the fit side of the claims set (docs/llm.md). What it leaves out:
verbs (a paraphrase's verbs are its own too often to tell) and names (verify.missing_fact); and
it refuses a true synonym that MiniLM, reading one word alone, does not place near ("outcast" for
"pariah"): the price of catching one-word additions, measured in recall.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np

from assistant.answering.reading.entities import tag
from assistant.answering.writing.align import holds, tokens, words_of

NEAR = 0.40  # chosen on the fit side: 5 of 7 added details left caught, 7 of 166 true lost
_MAX_WORDS = 20_000  # word vectors kept per embedder before the cache starts again
_KINDS = ("NN", "JJ")  # Penn tags: nouns, adjectives (and their plural, comparative…)


def novel(text: str, spans: list[str], embed: Callable[[str], np.ndarray]) -> str:
    """The first noun or adjective of text that no word of the spans is near, or ""."""
    theirs = [w for span in spans for w in words_of(tokens(span)) if w.term]
    terms = {w.term for w in theirs}
    kinds = {t.text.lower(): t.tag for t in tag(text).tokens}
    for w in words_of(tokens(text)):
        if not w.term or (w.capital and w.start > 0) or holds(terms, w.term):
            continue
        if not kinds.get(w.text, "").startswith(_KINDS):
            continue
        mine = _vector(embed, w.text)
        if max((float(mine @ _vector(embed, t.text)) for t in theirs), default=0.0) < NEAR:
            return f"“{text[w.start : w.end]}” is not in the cited excerpt"
    return ""


# Word vectors by embedder, held weakly: an Assistant's cache goes with it.
_VECTORS: weakref.WeakKeyDictionary[object, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def _vector(embed: Callable[[str], np.ndarray], word: str) -> np.ndarray:
    cache = _VECTORS.setdefault(getattr(embed, "__self__", embed), {})
    if word not in cache:
        if len(cache) >= _MAX_WORDS:
            cache.clear()
        cache[word] = embed(word)
    return cache[word]
