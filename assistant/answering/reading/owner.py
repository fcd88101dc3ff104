"""Whose role a question asks about, and whether a sentence's role belongs to the same owner.

"Who is the president of Pakistan?" is not answered by "Hamid Karzai and Ashraf Ghani, the Afghan
presidents", nor "the name of the Haqqani network's leader" by "al-Qaida leader Ayman
al-Zawahiri": the role matches, its owner does not. `owner_of` reads the owner of the role noun
phrase a question asks about (the words before its "'s", or the names after its "of"); `owned`
looks at every mention of the role noun in a sentence and the names around it (a name or
capitalised adjective just before it, "X's" before that, "of X" after it). It refuses
only when every mention has such names and none of them is the question's owner; a mention with
none says nothing either way. Names match when they share a prefix of PREFIX letters ("Pakistan"
and "Pakistani", "Afghan" and "Afghanistan"). It does not resolve pronouns or synonyms.
"""

from __future__ import annotations

from assistant.answering.reading.entities import Tagged, Token
from assistant.core.text import stem

PREFIX = 5  # letters two names must share to be one owner ("pakis", "afgha", "india")
_NAME = {"NNP", "NNPS"}
_PHRASE = {"NN", "NNS", "NNP", "NNPS", "JJ", "DT", "HYPH"}
_WITH_POS = _PHRASE | {"POS"}  # a phrase may hold an owner's "'s"


def owner_of(question: Tagged, start: int) -> tuple[str, ...]:
    """The owner words of the noun phrase at `start`: "the Taliban's foreign minister" ->
    (taliban,); "the president of Pakistan" -> (pakistan,). A name inside the phrase is not
    taken for one: in "the first Huguenot church" it says what kind, not whose."""
    tokens = question.tokens
    inside: list[Token] = []
    i = start
    while i < len(tokens) and tokens[i].tag in _WITH_POS:
        if tokens[i].tag == "POS":
            return tuple(t.text.lower() for t in inside if t.tag.startswith("NN"))
        inside.append(tokens[i])
        i += 1
    if i < len(tokens) and tokens[i].text.lower() == "of":
        return tuple(_names_from(tokens, i + 1))
    return ()


def owned(sentence: Tagged, role: str, owner: tuple[str, ...]) -> bool:
    """False when every mention of the role noun (a stem) is someone else's; True otherwise."""
    if not (role and owner):
        return True
    tokens = sentence.tokens
    mentions = [k for k, t in enumerate(tokens) if stem(t.text.lower()) == role]
    for k in mentions:
        around = _before(tokens, k)
        if k + 1 < len(tokens) and tokens[k + 1].text.lower() == "of":
            around += _names_from(tokens, k + 2)
        if not around or any(_same(a, o) for a in around for o in owner):
            return True
    return not mentions


def _named(token: Token) -> bool:
    return token.tag in _NAME or (token.tag == "JJ" and token.text[:1].isupper())


def _names_from(tokens: tuple[Token, ...], i: int) -> list[str]:
    names = []
    while i < len(tokens) and (tokens[i].tag == "DT" or _named(tokens[i])):
        if tokens[i].tag != "DT":
            names.append(tokens[i].text.lower())
        i += 1
    return names


def _before(tokens: tuple[Token, ...], k: int) -> list[str]:
    """Names in the modifiers before the role noun, and the owner before their "'s"."""
    names = []
    i = k - 1
    while i >= 0 and tokens[i].tag in _WITH_POS:
        if _named(tokens[i]):
            names.append(tokens[i].text.lower())
        i -= 1
    return names


def _same(a: str, b: str) -> bool:
    return a == b or (len(a) >= PREFIX and len(b) >= PREFIX and a[:PREFIX] == b[:PREFIX])
