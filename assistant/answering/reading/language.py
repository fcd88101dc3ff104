"""Which language a question is written in, as far as answering needs to know: English or not.

The sources here are English, and every later step (terms, spaCy's English tags, the answer-type
rules, the abstain model) reads English. `language_of` returns "en", the name of another script
when at least half of the question's letters are outside the Latin alphabet ("cjk", "cyrillic",
"arabic"; a character of a script written without spaces counts as SPACELESS_WEIGHT letters, a
word's worth, so "Imran Khan什么时候被Shehbaz Sharif取代" is Chinese with English names),
or the code of a Latin-script language whose distinctive function words outnumber English ones
("es", "fr", "de", "pt", "it", "nl"; the table below), a lower-case word with a diacritic
counting for the leading one ("latin" when none leads). Capitalised words after the first are
names, written alike in every language, so they count for no script. A question of names and
numbers alone counts as English. It does not detect languages beyond the table, nor weigh
mixed-language text beyond its share of letters and of function words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from assistant.core.text import word_set

_WORD = re.compile(r"[^\W\d_]+")
SPACELESS = frozenset({"cjk", "hiragana", "katakana", "thai", "lao", "khmer", "myanmar"})
_MARKED = re.compile(r"[\u00c0-\u024f]")  # é, ñ, ü, ß...: rare in English outside names
SPACELESS_WEIGHT = 3  # letters per character: an English word has ~5 letters, a Chinese one ~2


ENGLISH = word_set(
    "the a an of and to in is are was were be been what who whom whose which when where why how "
    "did does do has have had for on with by from that this these those it its they their he she "
    "his her many much not or but about after before did can could would should will"
)
# Function words frequent in questions and rare as English words or names in English text.
OTHERS = {
    "es": word_set(
        "el la los las del que qué quién quiénes cómo cuándo dónde cuál cuáles cuántos cuántas "
        "por para con una uno es son fue fueron como pero más su sus se al lo le y muy según"
    ),
    "fr": word_set(
        "le la les des du de une est sont était qui que quoi quel quelle quels quelles comment "
        "quand où pourquoi combien avec pour dans sur par pas ont ce cette ces et au aux il elle"
    ),
    "de": word_set(
        "der die das den dem des ein eine einen ist sind war waren wer wie was wann wo warum "
        "welche welcher welches wieviel viele mit für von zu und nicht hat haben auf im"
    ),
    "pt": word_set(
        "o os as do da dos das que quem como quando onde porque qual quais quantos quantas com "
        "para um uma é são foi foram pelo pela no na nos não seu sua e"
    ),
    "it": word_set(
        "il lo gli del della dei delle che chi come quando dove perché quale quali quanti quante "
        "con per un una è sono fu era nel nella non suo sua e ha hanno"
    ),
    "nl": word_set(
        "de het een van wie wat waar waarom wanneer hoe welke hoeveel met voor zijn was waren "
        "heeft hebben niet en op door"
    ),
}
_OWN = {code: words - ENGLISH for code, words in OTHERS.items()}  # what no English word shares


def language_of(text: str) -> str:
    """ "en", another script's name, or another Latin-script language's code (see above)."""
    scripts: Counter[str] = Counter()
    for i, word in enumerate(_WORD.findall(text)):
        for char in word:
            script = _script(char)
            if script == "latin" and i > 0 and word[0].isupper():
                continue  # a name is written alike in every language: it says nothing
            scripts[script] += SPACELESS_WEIGHT if script in SPACELESS else 1
    others = [(n, script) for script, n in scripts.items() if script != "latin"]
    if others and sum(n for n, _ in others) * 2 >= sum(scripts.values()):
        return max(others)[1]
    tokens = [w.lower() for w in _WORD.findall(text)]
    english = sum(t in ENGLISH for t in tokens)
    found = {code: sum(t in own for t in tokens) for code, own in _OWN.items()}
    code, hits = max(found.items(), key=lambda item: item[1])
    hits += sum(1 for w in _WORD.findall(text) if w.islower() and _MARKED.search(w))
    return (code if found[code] else "latin") if hits >= 2 and hits > english else "en"


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0].lower() if name else "unknown"
