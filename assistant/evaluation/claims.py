"""The written-answer verifier measured on hand-labelled claims (`assistant eval --claims`).

claims.jsonl holds sentences a model might write, each with the source sentences it cites (file
and offsets) and a label by docs/claims-guideline.md: supported or not, and why. Each claim goes
through the real verifier (`verify.verify`, as written.py calls it) citing [1]..[n], built from
its cited sentences: text read from the source file by offsets, vector embedded as the index
embeds sentences, and the claim embedded as the writer embeds it. Figures: precision of
"supported" (of the claims shown as supported, the share truly supported) and recall (of the truly
supported, the share shown as supported), overall and by kind of edit, beside the issue's
thresholds. `split` picks the side: "fit" (designed and tuned on), "report" (the one reported on)
or "all" (both). Later rounds, each written from the sources and the guideline alone by a writer
who never ran the verifier, have files of their own: "round5" (claims_round5.jsonl, the third
pass's report side, read since) and "next" (claims_next.jsonl, a sixth round kept unread for the
report side of the next design pass). With `ask` (the
LLM judge: `assistant eval --claims --llm SPEC`), the same figures again after the model is
asked, per supporting excerpt of each sentence shown as supported, whether the excerpt states it
(a "no" removes the support, as in a written answer), and its seconds a sentence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering.quoting.extractive import Sentence
from assistant.answering.writing.prompt import Excerpt
from assistant.answering.writing.verify import Checks, Embed, Verdict, verify
from assistant.core.errors import AssistantError

HERE = Path(__file__).parent
CLAIMS = HERE / "claims.jsonl"
ROUNDS = {"round5": HERE / "claims_round5.jsonl", "next": HERE / "claims_next.jsonl"}
BUNDLED = HERE.parents[1] / "sources"  # the two articles the claims were written from
SPLITS = ("fit", "report", "all", *ROUNDS)
PRECISION_MIN = 0.95
RECALL_MIN = 0.75
FALSE_MAX = 0.10  # the most a kind of unsupported claim may be shown as supported

EmbedMany = Callable[[list[str]], np.ndarray]
Ask = Callable[[str, str], bool]  # the LLM judge: does this excerpt state this sentence?


@dataclass(frozen=True)
class Claim:
    id: str
    group: str
    split: str
    kind: str
    claim: str
    citations: tuple[tuple[str, int, int], ...]  # (source file, start, end)
    label: bool
    reason: str


def load(split: str = "report", path: Path | None = None) -> list[Claim]:
    """The claims of one side ("fit", "report"), of both ("all"), or of a later round's file
    ("round5", "next")."""
    if split not in SPLITS:
        raise AssistantError(f"unknown split {split!r} ({', '.join(SPLITS)})")
    path = path or ROUNDS.get(split, CLAIMS)
    claims = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        o = json.loads(line)
        if split in ("all", o["split"]):
            cited = tuple((c["source"], c["start"], c["end"]) for c in o["citations"])
            claims.append(Claim(o["id"], o["question_group"], o["split"], o["kind"],
                                o["claim"], cited, o["label"], o["reason"]))  # fmt: skip
    return claims


def source_text(name: str, folders: Sequence[Path]) -> str:
    """The text of a cited source file, from the first folder that has it."""
    for folder in folders:
        if (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8")
    raise AssistantError(
        f"{name}, which the claims cite, is in none of {[str(f) for f in folders]}"
    )


def sources(claims: Sequence[Claim], folders: Sequence[Path]) -> dict[str, str]:
    """The text of every source file the claims cite, by file name."""
    return {s: source_text(s, folders) for c in claims for s, _, _ in c.citations}


def cited(claim: Claim, texts: dict[str, str]) -> list[str]:
    """The claim's cited sentences, in the order of its [1]..[n]."""
    return [texts[source][start:end] for source, start, end in claim.citations]


def excerpts(
    claim: Claim, texts: dict[str, str], vectors: dict[str, np.ndarray]
) -> dict[int, Excerpt]:
    """The claim's cited sentences as the excerpts [1]..[n] a writer would have been given."""
    given = {}
    for number, (source, start, end) in enumerate(claim.citations, start=1):
        text = texts[source][start:end]
        sentence = Sentence(0, source, source, start, end, text, vectors[text])
        given[number] = Excerpt(number, sentence, 1.0)
    return given


def judge(
    claims: Sequence[Claim], folders: Sequence[Path], embed: Embed, embed_many: EmbedMany,
    checks: Checks,
) -> list[Verdict]:  # fmt: skip
    """The verifier's verdict on each claim, as if a model had written it with its [n] markers."""
    texts = sources(claims, folders)
    quoted = sorted({text for c in claims for text in cited(c, texts)})
    vectors = dict(zip(quoted, embed_many(quoted), strict=True)) if quoted else {}
    verdicts = []
    for claim in claims:
        marks = "".join(f" [{n}]" for n in range(1, len(claim.citations) + 1))
        sentence = claim.claim.rstrip(".") + marks + "."
        verdicts.append(verify(sentence, excerpts(claim, texts, vectors), embed, checks))
    return verdicts


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def figures(claims: Sequence[Claim], verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """Precision and recall of "supported", overall and by kind, with each kind's false rate."""
    pairs = list(zip(claims, verdicts, strict=True))

    def counts(group: Iterable[tuple[Claim, Verdict]]) -> dict[str, Any]:
        rows = list(group)
        true = sum(c.label for c, _ in rows)
        shown = sum(v.supported for _, v in rows)
        right = sum(c.label and v.supported for c, v in rows)
        wrong = sum(not c.label and v.supported for c, v in rows)
        return {
            "claims": len(rows), "supported": true, "shown_supported": shown,
            "precision": _share(right, shown), "recall": _share(right, true),
            "false_supported": _share(wrong, len(rows) - true),
        }  # fmt: skip

    kinds = sorted({c.kind for c in claims})
    return {
        "overall": counts(pairs),
        "by_kind": {k: counts(p for p in pairs if p[0].kind == k) for k in kinds},
    }


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def table(split: str, found: dict[str, Any]) -> str:
    """The figures as the text `assistant eval --claims` prints and docs/llm.md quotes."""
    o = found["overall"]
    lines = [
        f"Claims ({split} side): {o['claims']} claims, {o['supported']} supported by their "
        f"excerpts; shown as supported: {o['shown_supported']}",
        "",
        "| | claims | shown supported | precision of 'supported' | recall |",
        "|---|---|---|---|---|",
        f"| overall | {o['claims']} | {o['shown_supported']} | {_cell(o['precision'])} "
        f"(>= {PRECISION_MIN}) | {_cell(o['recall'])} (>= {RECALL_MIN}) |",
        "",
        f"| kind | claims | shown supported | false 'supported' (<= {FALSE_MAX}) | recall |",
        "|---|---|---|---|---|",
    ]
    for kind, k in found["by_kind"].items():
        lines.append(
            f"| {kind} | {k['claims']} | {k['shown_supported']} | "
            f"{_cell(k['false_supported'])} | {_cell(k['recall'])} |"
        )
    return "\n".join(lines)


def judged(
    claims: Sequence[Claim], verdicts: Sequence[Verdict], folders: Sequence[Path], ask: Ask
) -> tuple[list[Verdict], float]:
    """The verdicts after the judge, as written.py applies it; and its mean seconds a sentence."""
    texts = sources(claims, folders)
    out, asked, started = [], 0, time.monotonic()
    for claim, verdict in zip(claims, verdicts, strict=True):
        if verdict.supported:
            asked += 1
            quoted = cited(claim, texts)
            kept = tuple(n for n in verdict.supporting if ask(verdict.text, quoted[n - 1]))
            verdict = replace(verdict, supporting=kept, reason="" if kept else "judge: no")
        out.append(verdict)
    return out, (time.monotonic() - started) / asked if asked else 0.0


def record(claim: Claim, verdict: Verdict) -> dict[str, Any]:
    """One claim's outcome, a line of `--dump`."""
    return {
        "id": claim.id, "kind": claim.kind, "label": claim.label, "claim": claim.claim,
        "supported": verdict.supported, "reason": verdict.reason, "labelled_reason": claim.reason,
    }  # fmt: skip


def run_claims(
    split: str, folders: Sequence[Path], embed: Embed, embed_many: EmbedMany,
    checks: Checks | None = None, dump: Path | None = None, ask: Ask | None = None,
    judge_name: str = "",
) -> dict[str, Any]:  # fmt: skip
    """Judge one side of the claims set and report; `dump` writes each claim's outcome; `ask`
    adds the figures with the LLM judge (named `judge_name`) on."""
    claims = load(split)
    folders = [*folders, BUNDLED]
    verdicts = judge(claims, folders, embed, embed_many, checks or Checks())
    found = figures(claims, verdicts)
    text = table(split, found)
    if ask is not None:
        after, seconds = judged(claims, verdicts, folders, ask)
        found["judged"] = {**figures(claims, after), "seconds_per_sentence": seconds}
        text += (
            f"\n\nWith the LLM judge on ({judge_name}: {seconds:.1f} s a sentence asked):\n\n"
            + table(split, found["judged"])
        )
        verdicts = after
    if dump is not None:
        with dump.open("w", encoding="utf-8") as out:
            for c, v in zip(claims, verdicts, strict=True):
                out.write(json.dumps(record(c, v), ensure_ascii=False) + "\n")
    return {**found, "split": split, "text": text}
