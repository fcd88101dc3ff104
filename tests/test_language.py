import pytest

from assistant.answering.reading.language import language_of


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Who replaced Imran Khan as prime minister?", "en"),
        ("What did Foreign Affairs say about the Durand Line?", "en"),  # names count for nothing
        ("What is the café near the border called?", "en"),  # one accent is not a language
        ("Shehbaz Sharif?", "en"),  # names alone
        ("2014?", "en"),
        ("巴基斯坦为什么支持塔利班？", "cjk"),
        ("Imran Khan什么时候下台的？", "cjk"),  # English names in a Chinese question
        ("Почему Пакистан поддерживал талибов?", "cyrillic"),
        ("لماذا دعمت باكستان طالبان؟", "arabic"),
        ("¿Por qué Pakistán apoyó a los talibanes?", "es"),
        ("Pourquoi le Pakistan a-t-il soutenu les talibans ?", "fr"),
        ("Qui a remplacé Imran Khan ?", "fr"),  # one function word, one accented word
        ("Warum hat Pakistan die Taliban unterstützt?", "de"),
        ("Por que o Paquistão apoiou o Talibã?", "pt"),
        ("Chi ha sostituito Imran Khan?", "it"),
        ("Waarom steunde Pakistan de Taliban?", "nl"),
    ],
)
def test_language_of(text: str, language: str) -> None:
    assert language_of(text) == language
