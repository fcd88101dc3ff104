"""The verifier on constructed answers: the issue's seven cases, with the real MiniLM and spaCy."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.quoting.extractive import Sentence
from assistant.answering.writing.doers import unnamed
from assistant.answering.writing.prompt import Excerpt
from assistant.answering.writing.verify import Checks, facts, missing_fact, split_markers, verify
from assistant.index.embeddings import LocalEmbeddings

SCHOOL = (
    "The TTP attacked the headquarters of the Pakistan military in 2009 and claimed "
    "responsibility for an attack on an army school in Peshawar that killed 145 people, mainly "
    "schoolchildren, in 2014."
)
SHARIF = (
    "He has been replaced by Shehbaz Sharif, who heads an uneasy coalition of rival parties that "
    "banded together to unseat Khan."
)
DRONE = (
    "Following the U.S. drone strike that killed al-Qaida leader Ayman al-Zawahiri in Kabul last "
    "year, the Taliban emphasized that Pakistan was allowing the use of its airspace for such "
    "strikes and was thus complicit."
)


@pytest.fixture(scope="module")
def embed() -> LocalEmbeddings:
    return LocalEmbeddings("", 1, 16, "onnx")


@pytest.fixture(scope="module")
def given(embed: LocalEmbeddings) -> dict[int, Excerpt]:
    texts = [SCHOOL, SHARIF, DRONE]
    return {
        i: Excerpt(i, Sentence(0, "a.txt", "A", 100 * i, 100 * i + len(t), t,
                               np.asarray(embed.embed_query(t), dtype=np.float32)), 1.0)
        for i, t in enumerate(texts, start=1)
    }  # fmt: skip


CASES = [
    # (sentence, supporting excerpts, words the reason must hold)
    ("The attack on an army school in Peshawar killed 145 people in 2014 [1].", (1,), ""),
    ("The attack on an army school in Peshawar killed 150 people in 2014 [1].", (), "150"),
    ("Imran Khan was replaced by Nawaz Sharif [2].", (), "Nawaz"),
    ("The attack on an army school in Peshawar killed 145 people [9].", (), "cites [9]"),
    ("The attack on an army school in Peshawar killed 145 people.", (), "cites no excerpt"),
    ("The school attack killed many children in the north [2].", (), "says something else"),
    ("The attack on an army school in Peshawar killed 145 people in 2014 [3][1].", (1,), ""),
]


@pytest.mark.parametrize(("sentence", "supporting", "reason"), CASES)
def test_constructed_answers(
    sentence: str, supporting: tuple[int, ...], reason: str, given: dict[int, Excerpt],
    embed: LocalEmbeddings,
) -> None:  # fmt: skip
    def vector(text: str) -> np.ndarray:
        return np.asarray(embed.embed_query(text), dtype=np.float32)

    verdict = verify(sentence, given, vector, Checks())
    assert verdict.supporting == supporting
    assert verdict.supported == bool(supporting)
    assert reason in verdict.reason
    assert verdict.reason or verdict.supported


@pytest.mark.parametrize(
    ("sentence", "text", "cited"),
    [
        ("Killed 145 people [1].", "Killed 145 people.", (1,)),
        ("Killed 145 people. [1]", "Killed 145 people.", (1,)),
        ("Two halves [1, 3] of one [Excerpt 3].", "Two halves of one.", (1, 3)),
        ("Nothing cited.", "Nothing cited.", ()),
        ("Both [2][1].", "Both.", (2, 1)),
    ],
)
def test_split_markers(sentence: str, text: str, cited: tuple[int, ...]) -> None:
    assert split_markers(sentence) == (text, cited)


@pytest.mark.parametrize(
    ("sentence", "span", "missing"),
    [
        ("In 2014 the TTP killed 145 people.", SCHOOL, ""),
        ("In 2015 the TTP killed 145 people.", SCHOOL, "2015"),
        ("Shehbaz Sharif replaced Khan.", SHARIF, ""),
        ("Shehbaz Sharif replaced Khan in Lahore.", SHARIF, "Lahore"),
        ("The strike killed Ayman al-Zawahiri in Kabul.", DRONE, ""),
        ("The strike killed 1,200 people.", "It killed 1200 people.", ""),
        # A name's other form is the same name; a number's or a common word's is not.
        ("Drones flew from Pakistani bases.", "Drones flew from bases in Pakistan.", ""),
        ("Afghans broke the shackles.", "The people in Afghanistan broke the shackles.", ""),
        ("Indian officials met.", "Officials of India met.", ""),
        ("Islamabad met the group.", "Islamist groups met.", "Islamabad"),
        ("Iran met the group.", "Iraq met the group.", "Iran"),
        ("Troops invaded in 1980.", "Troops invaded in the 1980s.", "1980"),
        ("It lasted the last decade.", "It lasted the last two decades.", "the last decade"),
        # "U.S." is the acronym of "United States", and of "U.S." written anywhere else.
        ("It backed the U.S. war.", "It backed the United States’ war.", ""),
        ("It backed the U.S. war.", "It backed the US war.", ""),
        ("It backed the U.K. war.", "It backed the United States’ war.", "UK"),
    ],
)
def test_every_number_and_name_must_be_in_the_span(sentence: str, span: str, missing: str) -> None:
    assert missing_fact(sentence, [span]) == missing


def test_facts_reads_numbers_dates_and_names() -> None:
    found = facts("In March 2023, Pakistan's army said 145 TTP fighters had crossed.")
    assert {"145", "TTP", "Pakistan's"} <= set(found) or {"145", "TTP"} <= set(found)
    assert any("2023" in f for f in found)


# Issue 20: every kind of edit, on pairs constructed here (none is in evaluation/claims.jsonl).
# (kind, cited sentence, written sentence citing it as [1], supported, words the reason holds)
A11 = (
    "Pakistan, over the years, was deemed the Taliban’s principal supporter, notwithstanding the "
    "presence of international forces in Afghanistan for two decades following 9/11."
)
A26 = "The Taliban do not want to operate as Pakistan’s proxies."
A45 = (
    "The Taliban, like all preceding Afghan governments, remain unwilling to recognize the Durand "
    "Line as the border between the two countries."
)
A46 = (
    "In fact, there has been a series of skirmishes along the border between the Pakistani "
    "military and Taliban forces – a development that has astonished many."
)
A61 = (
    "Any sustained economic growth in Afghanistan will also require close cooperation with "
    "Pakistan."
)
B5 = "Pakistan has become less safe, not safer, after the Taliban’s victorious march into Kabul."
B7 = (
    "This group has launched more than 124 terrorist attacks since the Taliban returned to power "
    "in Pakistan (including suicide attacks) from bases in Afghanistan."
)
B10 = (
    "Taliban border security guards have challenged Pakistani efforts to fence the "
    "Pakistan-Afghanistan border."
)
B16 = "Under Taliban rule, Afghanistan is a pariah state."
B31 = (
    "Pakistan’s own Pashtun nationalists called for the unity of Pashtuns, exacerbating Pakistani "
    "fears about Afghan irredentism."
)
B47 = (
    "Pakistan’s powerful intelligence agency, the Inter-Services Intelligence, holds sway over the "
    "Taliban through material support and personal ties with the leadership."
)
B56 = (
    "Pakistan’s media have suggested that these strikes have the tacit support of Kabul’s Taliban "
    "rulers, even though Taliban officials have ritually protested Pakistani violations of Afghan "
    "sovereignty just as Pakistan used to protest U.S. cross-border drone strikes (even those "
    "that originated from facilities within Pakistan)."
)
B76 = (
    "After entering the Oval Office, Biden never called Khan, a snub that rankled the former "
    "prime minister."
)
B78 = "Pakistan’s dire economic situation necessitates looking to the United States for support."
B81 = "Pakistan must revise its approach to the Taliban."

HEDGED = (
    "If the attacks continue, Islamabad might contemplate launching airstrikes or hot pursuit "
    "missions inside Afghanistan’s territory – something that can be counterproductive and "
    "detrimental to regional peace."
)
APPETITE = (
    "But there is little appetite in the world to recognize the Taliban, given their notorious "
    "track record when it comes human rights – especially women’s and minority rights."
)
STILL = "Meanwhile, for the Taliban regime, Pakistan is still the most important external actor."
BALOCH = (
    "But since the fall of that government and the evaporation of Indian influence in "
    "Afghanistan, the Baloch groups seem to have only gained in strength, launching some of their "
    "most deadly attacks and even targeting the infrastructure projects of Pakistan’s close ally, "
    "China."
)
INVASION = (
    "The U.S. invasion of Afghanistan in 2001 reinforced secular and Pashtun nationalist elements "
    "of Afghan society, whom Pakistani leaders saw as being close to India or, worse, outright "
    "proxies for India."
)
DEEMED = (
    "Islamabad deemed Islamist groups the most effective instrument for spreading its influence, "
    "a policy that culminated in the rise of the Taliban in the 1990s."
)
RAMPED = (
    "This has not been borne out – in fact, the Pakistani Taliban have ramped up attacks inside "
    "Pakistan’s territory in recent months."
)
HELPED = (
    "Years of Pakistani backing have helped the Taliban return to power but have not, in any "
    "appreciable way, helped Pakistan."
)
PAKISTAN_IMPRESSION = (
    "This background contributed to the impression that policymakers in Islamabad were jubilant "
    "over the Afghan Taliban’s rise to power in August 2021, despite fears that it could be "
    "disastrous for regional peace and stability."
)
TALKS = (
    "But those talks failed, and Pakistan has conducted several drone raids and air strikes "
    "against TTP targets in Afghanistan."
)
BORDER = (
    "Kabul has traditionally refused to accept the border between Afghanistan and Pakistan, a "
    "colonial-era artifact from 1896."
)
ROOTED = (
    "Pakistan’s support for the Taliban has always been rooted in ideology rather than in "
    "realpolitik."
)
UNDERSTANDING = (
    "Islamabad has long supported the Taliban with the understanding that the militants could "
    "help deny India—which many Pakistani officials see as an existential threat—any influence "
    "in Afghanistan."
)

EDITS = [
    (
        "opposite outcome",
        TALKS,
        "The talks succeeded, and Pakistan has conducted drone raids "
        "against TTP targets in Afghanistan.",
        False,
        "“failed”, not “succeeded”",
    ),
    (
        "a refusal said as its opposite word",
        BORDER,
        "Kabul has long rejected the border between Afghanistan and Pakistan, drawn in 1896.",
        True,
        "",
    ),
    (
        "a preference turned round",
        ROOTED,
        "Pakistan's support for the Taliban has been rooted in realpolitik rather than ideology.",
        False,
        "other way round (“rather than”)",
    ),
    (
        "an impression stated as fact",
        PAKISTAN_IMPRESSION,
        "Policymakers in Islamabad were jubilant over the Taliban's rise to power in August 2021.",
        False,
        "“impression that policymakers”, not that it is so",
    ),
    (
        "a bound the other way",
        B7,
        "The group has launched up to 124 terrorist attacks.",
        False,
        "does not say “up to”",
    ),
    ("the same bound", B7, "The group has launched over 124 terrorist attacks.", True, ""),
    (
        "a view stated as fact",
        DEEMED,
        "Islamist groups were the most effective instrument for spreading Islamabad's influence.",
        False,
        "“deemed Islamist”, not that it is so",
    ),
    (
        "a view kept",
        DEEMED,
        "Islamabad saw Islamist groups as the most effective way of spreading its influence.",
        True,
        "",
    ),
    (
        "a decade is not a year",
        DEEMED,
        "Islamist groups culminated in the rise of the Taliban in 1990.",
        False,
        "“1990”",
    ),
    (
        "opposite verbs",
        RAMPED,
        "In recent months the Pakistani Taliban have reduced attacks inside Pakistan’s territory.",
        False,
        "“ramped”, not “reduced”",
    ),
    (
        "a word said twice, each way: the right one",
        HELPED,
        "Pakistani backing did not help the Taliban return to power.",
        False,
        "opposite of “did not",
    ),
    (
        "a word said twice, each way, both kept",
        HELPED,
        "Pakistani backing helped the Taliban return to power but has not really helped Pakistan.",
        True,
        "",
    ),
    (
        "a passive's subject is the effect",
        INVASION,
        "In 2001, secular elements of Afghan society were reinforced.",
        True,
        "",
    ),
    (
        "cause and effect reversed",
        INVASION,
        "Pashtun nationalist elements of Afghan society reinforced the U.S. invasion in 2001.",
        False,
        "other way round",
    ),
    (
        "one added adjective",
        B16,
        "Under Taliban rule, Afghanistan is a poor pariah state.",
        False,
        "“poor” is not in the cited excerpt",
    ),
    ("a near word kept", B16, "Under Taliban rule, Afghanistan is a pariah country.", True, ""),
    (
        "opposite",
        BALOCH,
        "The Baloch groups seem to have lost ground since the fall of that government.",
        False,
        "“gained”, not “lost”",
    ),
    (
        "purpose given by 'so that'",
        SHARIF,
        "Rival parties unseated Khan so that they could form a coalition.",
        False,
        "does not say that one led to the other",
    ),
    ("purpose kept", SHARIF, "Rival parties banded together to unseat Khan.", True, ""),
    (
        "hedge",
        HEDGED,
        "Islamabad is launching airstrikes inside Afghanistan’s territory.",
        False,
        "“might contemplate launching”, not that it is so",
    ),
    (
        "hedge kept",
        HEDGED,
        "If the attacks continue, Islamabad may launch airstrikes inside Afghanistan’s territory.",
        True,
        "",
    ),
    (
        "negation swapped for a word",
        A26,
        "The Taliban are happy to operate as Pakistan’s proxies.",
        False,
        "“not want to operate as Pakistan’s proxies”",
    ),
    (
        "a quantity that denies",
        APPETITE,
        "The world has a strong appetite to recognize the Taliban.",
        False,
        "“little appetite in the world to recognize”",
    ),
    (
        "a quantity that denies, kept",
        APPETITE,
        "The world has little appetite to recognize the Taliban.",
        True,
        "",
    ),
    (
        "negation past a superlative",
        STILL,
        "Pakistan is no longer the most important external actor for the Taliban regime.",
        False,
        "opposite of “is no longer the most important”",
    ),
    (
        "an un- word that is no negation",
        UNDERSTANDING,
        "Islamabad has long supported the Taliban.",
        True,
        "",
    ),
    (
        "names swapped, the rest in order",
        B47,
        "The Taliban hold sway over Pakistan’s Inter-Services Intelligence through material aid.",
        False,
        "other way round",
    ),
    (
        "number",
        A11,
        "International forces stayed in Afghanistan for four decades after 9/11.",
        False,
        "four",
    ),
    (
        "number",
        B7,
        "This group has launched more than 214 terrorist attacks since the Taliban returned to "
        "power.",
        False,
        "214",
    ),
    (
        "name",
        B47,
        "India's intelligence agency holds sway over the Taliban through material support.",
        False,
        "India",
    ),
    (
        "name",
        A61,
        "Sustained economic growth in Pakistan will require close cooperation with Afghanistan.",
        False,
        "other way round",
    ),
    (
        "name",
        SHARIF,
        "Khan replaced Shehbaz Sharif.",
        False,
        "it is “Shehbaz Sharif” that “replaced”",
    ),
    (
        "paraphrase",
        SHARIF,
        "Khan was replaced by Shehbaz Sharif.",
        True,
        "",
    ),
    (
        "negation",
        B16,
        "Under Taliban rule, Afghanistan is no longer a pariah state.",
        False,
        "opposite",
    ),
    (
        "negation",
        B47,
        "The Inter-Services Intelligence does not hold sway over the Taliban.",
        False,
        "opposite",
    ),
    (
        "negation",
        A26,
        "The Taliban want to operate as Pakistan's proxies.",
        False,
        "not want",
    ),
    (
        "quantity",
        A46,
        "There have been dozens of skirmishes along the border between the Pakistani military "
        "and Taliban forces.",
        False,
        "dozens",
    ),
    (
        "quantity",
        B56,
        "Taliban officials have occasionally protested Pakistani violations of Afghan sovereignty.",
        False,
        "occasionally",
    ),
    (
        "quantity",
        B7,
        "The attacks this group launched since the Taliban returned to power were suicide attacks.",
        False,
        "including suicide attacks",
    ),
    (
        "cause",
        B31,
        "Pakistani fears about Afghan irredentism led Pakistan's own Pashtun nationalists to "
        "call for the unity of Pashtuns.",
        False,
        "other way round",
    ),
    (
        "cause",
        B10,
        "Pakistani efforts to fence the border led Taliban border security guards to challenge "
        "them.",
        False,
        "led to the other",
    ),
    (
        "appended",
        B16,
        "Under Taliban rule, Afghanistan is a pariah state, and its economy has collapsed.",
        False,
        "economy has collapsed",
    ),
    (
        "appended",
        B81,
        "Pakistan must revise its approach to the Taliban by closing the seminaries that train "
        "them.",
        False,
        "closing the seminaries",
    ),
    (
        "wrong_excerpt",
        B81,
        "Pakistan's powerful intelligence agency holds sway over the Taliban through material "
        "support.",
        False,
        "says something else",
    ),
    (
        "paraphrase",
        A26,
        "The Taliban are not willing to act as Pakistan's proxies.",
        True,
        "",
    ),
    (
        "paraphrase",
        A45,
        "Like every previous Afghan government, the Taliban will not recognize the Durand Line "
        "as the border.",
        True,
        "",
    ),
    (
        "paraphrase",
        B5,
        "Since the Taliban took Kabul, Pakistan has become less safe.",
        True,
        "",
    ),
    (
        "paraphrase",
        B7,
        "Since the Taliban returned to power, this group has launched over 124 terrorist "
        "attacks, some of them suicide attacks.",
        True,
        "",
    ),
    (
        "paraphrase",
        B47,
        "The ISI holds sway over the Taliban through material support and personal ties.",
        True,
        "",
    ),
    (
        "paraphrase",
        B76,
        "Biden did not call Khan after he entered the Oval Office.",
        True,
        "",
    ),
    (
        "paraphrase",
        B78,
        "Because Pakistan's economic situation is dire, it must look to the United States for "
        "support.",
        True,
        "",
    ),
    (
        "verbatim",
        B31,
        B31,
        True,
        "",
    ),
]


@pytest.mark.parametrize(
    ("sentence", "cited", "reason"),
    [
        ("Khan said the talks would resume.", "He said the talks would resume.", "“He”"),
        ("The TTP launched 124 attacks.", "This group launched 124 attacks.", "“This group”"),
        ("The Taliban no longer trust it.", "They no longer trust the Taliban’s rivals.", "“They”"),
        # named before the pronoun (an earlier cited excerpt), or no name put in its place
        ("Khan said the talks would resume.", "Khan spoke. He said the talks would resume.", ""),
        ("He said the talks would resume.", "He said the talks would resume.", ""),
        ("The group has launched 124 attacks.", "This group has launched 124 attacks.", ""),
        ("Khan said the talks would resume.", "Khan said the talks would resume.", ""),
    ],
)
def test_a_name_where_the_excerpt_has_a_pronoun(sentence: str, cited: str, reason: str) -> None:
    found = unnamed(sentence, cited)
    assert (reason in found) if reason else found == ""


# The fourth pass (issue 20): WordNet's opposites and synonyms, a negation before a quotation,
# "suggests" as a hedge, names swapped across words between them, America for the U.S.
FOURTH = [
    # (cited sentence, written sentence citing it, supported, words the reason holds)
    ("Pakistan blamed the Afghan Taliban only indirectly for the attacks.",
     "Pakistan blamed the Afghan Taliban directly for the attacks.", False, "indirectly"),
    ("The new policy proved detrimental to Pakistan's economy.",
     "The new policy proved harmless to Pakistan's economy.", False, "detrimental"),
    ("The minister said his government will not “have any issue with it.”",
     "The minister said his government will have an issue with it.", False, "not"),
    ("A recent report suggests that militants in the north receive money from abroad.",
     "Militants in the north receive money from abroad.", False, "suggests that militants"),
    ("Pakistan sees Afghanistan as a client state and India as an existential rival.",
     "Pakistan sees India as a client state and Afghanistan as an existential rival.", False,
     "other way round"),
    ("Islamabad's backing of the Taliban has cost it dearly.",
     "Islamabad's support of the Taliban has cost it dearly.", True, ""),
    ("The U.S. withdrew its forces from Afghanistan last summer.",
     "America withdrew its forces from Afghanistan last summer.", True, ""),
    ("Officials suggested that the talks had stalled, while traders kept crossing the border.",
     "Traders kept crossing the border.", True, ""),
]  # fmt: skip


@pytest.mark.parametrize(("cited", "sentence", "supported", "reason"), FOURTH)
def test_the_fourth_pass(
    cited: str, sentence: str, supported: bool, reason: str, embed: LocalEmbeddings
) -> None:
    _judged("fourth", cited, sentence, supported, reason, embed)


@pytest.mark.parametrize(("kind", "cited", "sentence", "supported", "reason"), EDITS)
def test_every_kind_of_edit(
    kind: str, cited: str, sentence: str, supported: bool, reason: str, embed: LocalEmbeddings
) -> None:
    _judged(kind, cited, sentence, supported, reason, embed)


def _judged(
    kind: str, cited: str, sentence: str, supported: bool, reason: str, embed: LocalEmbeddings
) -> None:
    """The sentence, citing `cited` as [1], is supported or not, for a reason holding `reason`."""

    def vector(text: str) -> np.ndarray:
        return np.asarray(embed.embed_query(text), dtype=np.float32)

    given = {1: Excerpt(1, Sentence(0, "a.txt", "A", 0, len(cited), cited, vector(cited)), 1.0)}
    verdict = verify(sentence.rstrip(".") + " [1].", given, vector, Checks())
    assert verdict.supported == supported, (kind, verdict.reason)
    assert reason in verdict.reason
    assert "\n" not in verdict.reason and len(verdict.reason) <= 120
