"""The training package: page reading, pairs, the held-back articles, and a smoke run of a few
steps through training, ONNX export and the runtime reader (never the full training)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.quoting.reader import pair_text, reader
from assistant.evaluation.squad.data import FIT, REPORT
from assistant.training.data import DataError, build_files, calibration_articles
from assistant.training.pages import HELD_BACK, Item, read_folder, read_page
from assistant.training.pairs import answer_sentence, near_miss, question_pairs, sentences

PAGE = """<div class="para-wrap"><div class="row"><div class="col-md-6"><pre>Oxygen is an
element with atomic number 8. It is a member of the chalcogen group. It forms oxides.</pre></div>
<div class="qa-wrap" data-id="q1"><p> <strong class="question">What is oxygen&#39;s atomic
number?</strong></p><span class="answer">8</span><span class="answer">8</span></div>
<div class="qa-wrap" data-id="q2"><p> <strong class="question">What is the atomic number of
Helium Gas?</strong></p></div></div>"""


def test_a_page_gives_its_questions_answers_and_unanswerables() -> None:
    items = list(read_page("Oxygen", PAGE))
    assert [i.qid for i in items] == ["q1", "q2"]
    assert items[0].answers == ("8",)  # repeated answers once
    assert items[0].question.startswith("What is oxygen's")
    assert items[1].answers == ()  # no answer span: unanswerable


@pytest.mark.parametrize(
    ("answers", "gold"),
    [(("8",), 0), (("chalcogen group",), 1), (("oxides",), 2), (("nowhere",), None), ((), None)],
)
def test_the_answer_sentence_is_where_the_answer_first_occurs(
    answers: tuple[str, ...], gold: int | None
) -> None:
    context = (
        "Oxygen is an element with atomic number 8. It is a member of the chalcogen group. "
        "It forms oxides."
    )
    item = Item("Oxygen", 0, context, "q", "?", answers)
    assert answer_sentence(item, sentences(context)) == gold


def test_pairs_label_the_answer_sentence_and_hardest_negatives_first() -> None:
    context = "Paris is big. The capital of France is Paris. Cats sleep."
    item = Item("France", 0, context, "q", "What is the capital of France?", ("Paris is big",))
    pairs = question_pairs(item, 1, "squad1")
    assert [(p.sentence, p.label, p.context) for p in pairs] == [
        ("Paris is big.", 1, ""),  # a paragraph's first sentence: nothing before it
        ("The capital of France is Paris.", 0, "Paris is big."),  # the most shared words
    ]
    unanswerable = question_pairs(Item("France", 0, context, "u", "Who?", ()), 9, "squad2")
    assert {p.label for p in unanswerable} == {0} and len(unanswerable) == 3
    assert {p.kind for p in unanswerable} == {"unanswerable"}


def test_a_near_miss_swaps_a_name_the_paragraph_lacks() -> None:
    import random

    context = "In 1066 William of Normandy invaded England."
    item = Item("N", 0, context, "q", "When did William of Normandy invade?", ("1066",))
    miss = near_miss(item, {"name": ["Harold Godwinson"], "number": ["1415"]}, random.Random(0))
    assert miss is not None and miss.label == 0
    assert miss.question == "When did Harold Godwinson invade?"
    assert miss.sentence == context


def test_held_back_articles_are_never_read(tmp_path: Path) -> None:
    for title in ("Normans", "Warsaw", "Oxygen"):
        (tmp_path / f"{title}.html").write_text(PAGE, encoding="utf-8")
    assert {i.article for i in read_folder(tmp_path)} == {"Oxygen"}
    assert set(FIT) | set(REPORT) <= HELD_BACK and len(HELD_BACK) == 16


def test_the_shipped_model_was_trained_and_calibrated_on_no_held_back_article() -> None:
    card = json.loads((Path(reader().folder) / "data.json").read_text(encoding="utf-8"))
    used = set(card["squad1_article_titles"]) | set(card["squad2_article_titles"])
    assert len(card["squad2_article_titles"]) == 19
    assert not used & HELD_BACK
    assert set(card["calibration_articles"]) <= set(card["squad2_article_titles"])


def test_calibration_articles_are_every_fifth_of_the_nineteen() -> None:
    names = [f"A{i:02d}" for i in range(19)]
    assert calibration_articles(names) == {"A00", "A05", "A10", "A15"}


def test_a_snapshot_with_the_wrong_counts_is_refused(tmp_path: Path) -> None:
    for part in ("explore/1.1/train", "explore/v2.0/dev"):
        (tmp_path / part).mkdir(parents=True)
        (tmp_path / part / "Oxygen.html").write_text(PAGE, encoding="utf-8")
    with pytest.raises(DataError, match="squad1_articles: expected 442, found 1"):
        build_files(tmp_path, tmp_path / "out")


@pytest.mark.parametrize("context", [False, True])
def test_a_few_training_steps_export_a_model_the_reader_loads(
    tmp_path: Path, context: bool
) -> None:
    """The smoke test of the whole training path: two steps of a one-layer model on a tiny
    slice, exported to int8 ONNX and scored by the runtime reader (which learns from the export
    whether the model reads the sentence before)."""
    from assistant.training.export import export
    from assistant.training.plan import Plan
    from assistant.training.train import train

    data = tmp_path / "data"
    data.mkdir()
    rows = [
        {"question": "What is the capital of France?", "sentence": s, "label": y,
         "group": "g", "kind": k, "context": "France is in Europe."}
        for s, y, k in [("Paris is the capital of France.", 1, "squad1"),
                        ("Cats sleep a lot.", 0, "squad1"), ("Dogs bark.", 0, "near_miss")] * 4
    ]  # fmt: skip
    (data / "train.jsonl").write_text("\n".join(map(json.dumps, rows)), encoding="utf-8")
    plan = Plan(pairs=12, layers=1, max_tokens=32, batch=4, threads=1, steps=2, context=context)
    checkpoint = train(data, tmp_path / "run", plan)
    folder = tmp_path / "reader"
    export(checkpoint, plan, folder)
    model = reader(folder)
    assert model.context is context
    probs = model.probabilities("What is the capital?", ["Paris is.", "Cats."], ["France.", ""])
    assert probs.shape == (2,) and ((probs > 0) & (probs < 1)).all()


def test_cross_negatives_come_from_the_articles_other_paragraphs() -> None:
    from assistant.training.pairs import build

    items = [
        Item("A", 0, "The capital of France is Paris. Cats sleep.", "q1",
             "What is the capital of France?", ("Paris",)),
        Item("A", 1, "France has a capital city. Dogs bark.", "q2", "Do dogs bark?", ("bark",)),
    ]  # fmt: skip
    cross = [p for p in build(items, 9, 0.0, "squad1", 0, cross=1) if p.kind == "cross"]
    assert [(p.group, p.sentence, p.label, p.context) for p in cross] == [
        ("q1", "France has a capital city.", 0, ""),  # the other paragraph's most overlapping
        ("q2", "The capital of France is Paris.", 0, ""),  # none overlaps: the first
    ]


@pytest.mark.parametrize(
    ("sentence", "previous", "read"),
    [
        ("It forms oxides.", "", "It forms oxides."),
        (
            "It forms oxides.",
            "Oxygen is an element.",
            "It forms oxides. [SEP] Oxygen is an element.",
        ),
    ],
)
def test_a_context_model_reads_the_sentence_then_the_one_before(
    sentence: str, previous: str, read: str
) -> None:
    assert pair_text(sentence, previous) == read


def _group(answer: int, n: int = 3) -> object:
    from assistant.training.groups import Group

    return Group("q?", [f"s{i}" for i in range(n)], [""] * n, answer, "squad1", "g")


@pytest.mark.parametrize(
    ("answer", "better", "worse"),
    [
        (0, [3.0, -1.0, -1.0], [-1.0, 3.0, -1.0]),  # the answer first beats a look-alike first
        (1, [-2.0, 2.0, -2.0], [2.0, 2.0, -2.0]),  # ... and beats a tie with one
        (-1, [-3.0, -3.0, -3.0], [2.0, -3.0, -3.0]),  # none answers: all low beats one high
        (-1, [-3.0, -3.0, -3.0], [-0.5, -0.5, -0.5]),  # ... the lower the better
    ],
)
def test_the_group_loss_rewards_the_answer_first_and_none_when_none_answers(
    answer: int, better: list[float], worse: list[float]
) -> None:
    import torch

    from assistant.training.train import group_loss

    batch = [_group(answer)]
    assert group_loss(torch.tensor(better), batch) < group_loss(torch.tensor(worse), batch)  # type: ignore[list-item]


def test_groups_hold_the_answer_first_then_own_and_other_paragraphs_look_alikes() -> None:
    from assistant.training.groups import build

    items = [
        Item("A", 0, "The capital of France is Paris. Cats sleep.", "q1",
             "What is the capital of France?", ("Paris",)),
        Item("A", 1, "France has a capital city. Dogs bark.", "q2", "Why do dogs bark?", ()),
    ]  # fmt: skip
    found = {x.group: x for x in build(items, "squad2", 0.0, 0)}
    assert found["q1"].sentences == [
        "The capital of France is Paris.", "Cats sleep.",  # the answer, then its paragraph's
        "France has a capital city.", "Dogs bark.",  # the other paragraph's, most alike first
    ]  # fmt: skip
    assert (found["q1"].answer, found["q1"].kind) == (0, "squad2")
    assert (found["q2"].answer, found["q2"].kind) == (-1, "unanswerable")
    assert found["q2"].sentences[:2] == ["Dogs bark.", "France has a capital city."]


def test_the_shipped_model_dequantised_reads_like_the_shipped_model() -> None:
    """A later stage starts from the package's int8 model: its dequantised weights must be the
    same model (the int8 runtime quantises activations too, so only close, not equal)."""
    import torch

    from assistant.answering.quoting.reader import FOLDER
    from assistant.training import model as m
    from assistant.training.dequant import state_dict

    net = m.build(m.base_folder(), 4)
    net.load_state_dict(state_dict(FOLDER / "model.onnx"))
    net.eval()
    question = "Who replaced Imran Khan?"
    texts = ["He has been replaced by Shehbaz Sharif.", "Khan refused to accept it.", "Dogs bark."]
    x = m.encode(m.tokenizer(m.base_folder(), 80), [(question, t) for t in texts])
    with torch.no_grad():
        ours = torch.sigmoid(net(**{k: torch.from_numpy(v) for k, v in x.items()})).numpy()
    shipped = reader().probabilities(question, texts)
    assert abs(ours - shipped).max() < 0.05
    assert list(ours.argsort()) == list(shipped.argsort())


def test_a_listwise_step_runs_from_the_shipped_model(tmp_path: Path) -> None:
    from dataclasses import asdict

    from assistant.answering.quoting.reader import FOLDER
    from assistant.training.plan import Plan
    from assistant.training.train import train

    data = tmp_path / "data"
    data.mkdir()
    rows = [asdict(_group(a)) | {"kind": k} for a, k in [(0, "squad1"), (-1, "unanswerable")] * 4]  # type: ignore[call-overload]
    (data / "groups.jsonl").write_text("\n".join(map(json.dumps, rows)), encoding="utf-8")
    plan = Plan(groups=8, max_tokens=16, threads=1, steps=1, init=str(FOLDER / "model.onnx"))
    checkpoint = train(data, tmp_path / "run", plan)
    import torch

    assert torch.load(checkpoint, weights_only=False)["step"] == 1


@pytest.mark.parametrize(
    ("files", "flags", "said"),
    [
        ([], [], "error: no train.jsonl in "),
        (["train.jsonl"], ["--groups", "8"], "error: no groups.jsonl in "),
        (["train.jsonl"], ["--init", "missing.onnx"], "error: --init missing.onnx: no such"),
    ],
)
def test_train_says_in_one_line_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: list[str], flags: list[str],
    said: str,
) -> None:  # fmt: skip
    from assistant.cli import main

    (tmp_path / "data").mkdir()
    for name in files:
        (tmp_path / "data" / name).write_text("", encoding="utf-8")
    assert main(["train", "--work", str(tmp_path), *flags]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(said) and "\n" not in err
