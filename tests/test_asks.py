"""Expected answer types with the real spaCy pipeline: what a question asks for, and whether a
sentence holds it. Each row is a question, a sentence and whether the sentence answers it."""

import pytest

from assistant.answering.reading.asks import analyse, holds
from assistant.answering.reading.entities import tag

KHAN = "He has been replaced by Shehbaz Sharif, who heads a coalition of parties to unseat Khan."
OUSTED = "Imran Khan was ousted in April."
SHARIF = "He has been replaced by Shehbaz Sharif."
ATTACKS = "This group has launched more than 124 terrorist attacks since the Taliban returned."
HQ = (
    "The TTP attacked the headquarters of the Pakistan military in 2009 and claimed an attack "
    "on an army school in Peshawar that killed 145 people, mainly schoolchildren, in 2014."
)
YAQUB = "Mullah Yaqub, the all-powerful defense minister of the Taliban, offered to send troops."
ISI = "A senior Pakistani general, who until recently headed Pakistan's ISI, visited Kabul."
GENERAL = (
    "A senior Pakistani general, who until recently headed Pakistan’s Inter-Services "
    "Intelligence (ISI), had to visit Kabul for talks with the TTP."
)
EIGHTIES = "Pakistan assumed a major role in Afghanistan in the 1980s."
LINE = "The Taliban remain unwilling to recognize the Durand Line as the border."
RETURN = "The Taliban fell in 2001 and returned 20 years later."


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many attacks has the TTP launched?", "number"),
        ("How much aid did the US give?", "number"),
        ("What is the population of Afghanistan?", "number"),
        ("When did the Taliban return to power?", "date"),
        ("In what year did the TTP attack the army headquarters?", "year"),
        ("In which month did the new government take office?", "month"),
        ("Who replaced Imran Khan?", "person"),
        ("Who facilitated those talks?", "agent"),
        ("Who in the Taliban regime made that offer?", "person"),
        ("Which British official is the line named after?", "person"),
        ("What is the capital of Balochistan?", "place"),
        ("Which party does Sharif lead?", "org"),
        ("What is the name of the former ISI chief?", "person"),  # a chief's name is a person's
        ("What is the name of the militant group?", "name"),
        ("What is the title of the report?", "name"),
        ("What's the name of the former ISI chief?", "person"),  # the tagger splits "What's"
        ("name of the Haqqani network's leader?", "person"),  # no wh-word at all
        ("In what decade did Pakistan back the mujahideen?", "decade"),
        ("the title of the report?", "name"),
        ("Which air base did the drones fly from?", "place"),
        ("What is Pakistan's GDP?", "number"),  # GDP is tagged as a proper noun
        ("On what date did the talks begin?", "day"),
        ("Why did the talks fail?", ""),
    ],
)
def test_analyse_finds_the_answer_type(question: str, kind: str) -> None:
    assert analyse(tag(question)).kind == kind


@pytest.mark.parametrize(
    ("question", "sentence", "ok"),
    [
        ("Who replaced Imran Khan as prime minister?", KHAN, True),
        ("Who replaced Shehbaz Sharif?", SHARIF, False),  # the only person is the question's own
        ("How many terrorist attacks has the TTP launched?", ATTACKS, True),
        ("How many TTP fighters are in Afghanistan?", ATTACKS, False),  # counts attacks, not men
        ("How many of the terrorist attacks were suicide bombings?", ATTACKS, False),
        ("How many of the TTP's attacks were suicide bombings?", ATTACKS, False),
        ("Of those attacks, how many were suicide bombings?", ATTACKS, False),
        ("How many of the group's attacks targeted soldiers?", ATTACKS, True),
        ("How many people were killed in the 2014 attack?", HQ, True),
        ("How many people were killed in the 2009 attack?", HQ, False),  # 145 belongs to 2014
        ("In what year did the TTP attack the military headquarters?", HQ, True),
        ("In which month did the TTP attack the headquarters?", HQ, False),  # a year, no month
        ("Who is the Taliban's defense minister?", YAQUB, True),
        ("Who is the Taliban's foreign minister?", YAQUB, False),  # another role
        ("What is the name of the former ISI chief?", ISI, False),  # described, never named
        ("What's the name of the former ISI chief?", ISI, False),
        ("name of the former ISI chief?", ISI, False),
        # an agency named beside "general" is not the general's name
        ("What is the name of the Pakistani general who went to Kabul for talks?", GENERAL, False),
        ("What is the name of the general?", "General Qamar Bajwa visited Kabul.", True),
        ("In what year did the U.S. invade Afghanistan?", EIGHTIES, False),  # a decade, no year
        ("In what decade did Pakistan back the mujahideen?", EIGHTIES, True),
        ("In what year did the U.S. invade Afghanistan?", "The U.S. invaded in 2001.", True),
        ("How long is the Durand Line in kilometers?", LINE, False),
        ("How many years passed between 2001 and the Taliban's return?", RETURN, True),
        ("For how long did Imran Khan rule?", "Imran Khan ruled for the past four years.", True),
        ("Why did the Taliban refuse?", LINE, True),  # no type asked: any sentence may do
        ("In what year did Mullah Omar die?", RETURN, False),  # a year, but not his
        ("Who currently leads the TTP?", ATTACKS, False),  # "leads" wants a person
        ("What is Pakistan's GDP?", "Pakistan's economy has long been weak.", False),
        ("On what date did the Taliban take Kabul?", "They took Kabul on August 15, 2021.", True),
        ("On what date did the Taliban take Kabul?", "They took Kabul last summer.", False),
        ("On what date was the group founded?", "It was founded in the 1990s.", False),
        ("On what date was the group founded?", "It was founded on 15/08/1994.", True),
        ("When did the Taliban take Kabul?", "They took Kabul last summer.", True),
    ],
)
def test_holds(question: str, sentence: str, ok: bool) -> None:
    q = tag(question)
    assert holds(analyse(q), q, tag(sentence)) is ok


@pytest.mark.parametrize(("before", "ok"), [(OUSTED, True), ("", False)])
def test_a_person_named_just_before_counts(before: str, ok: bool) -> None:
    q = tag("Who replaced Imran Khan?")
    assert holds(analyse(q), q, tag(SHARIF), before) is ok
