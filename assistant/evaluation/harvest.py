"""Collect the sentences a real model writes, and the excerpts each cites, for labelling as claims.

For every question of the named sets the product answers through its written path (the LLM named
by --llm, as `assistant ask --llm` would), and every sentence the model completes is written out
as one JSON line: the set, question id and question, the model, the sentence without its [n]
markers, and each excerpt it cites by number (file, offsets, text). Sentences that cite nothing
given, and the not-found phrase, are counted but not written: they can never be shown as
supported. No verdict is written: the labeller reads the excerpts alone (docs/claims-guideline.md).
Earlier turns of a follow-up are replayed with quotes only. What it leaves out: the labels, and
turning labelled lines into claims.jsonl items (`assistant.evaluation.claims` reads those).

Run: python -m assistant.evaluation.harvest --llm gguf:PATH --sets dev intents --out FILE
(or --questions FILE.jsonl for a set of one's own)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.answering.writing.prompt import NOT_FOUND, Excerpt
from assistant.api import Assistant
from assistant.core.settings import Settings
from assistant.evaluation.run import BLIND, SETS, load


def sentence_record(text: str, cited: Sequence[int], given: dict[int, Excerpt]) -> dict[str, Any]:
    """One written sentence and the given excerpts it cites, by number, with their provenance."""
    return {
        "sentence": text,
        "citations": [
            {"n": n, "source": given[n].sentence.source, "start": given[n].sentence.start,
             "end": given[n].sentence.end, "text": given[n].sentence.text}
            for n in cited if n in given
        ],
    }  # fmt: skip


def harvest(assistant: Assistant, items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every written sentence citing a given excerpt, for every item, in order."""
    writer = assistant.writer()
    check = writer._check
    seen: list[dict[str, Any]] = []

    def recording(sentence: str, given: dict[int, Excerpt]) -> Any:
        verdict = check(sentence, given)
        if verdict.reason != NOT_FOUND:
            seen.append(sentence_record(verdict.text, verdict.cited, given))
        return verdict

    # The writer's own check, wrapped: the sentences are exactly those the product verifies.
    writer._check = recording
    quotes_only = Assistant(replace(assistant.settings, llm="none"))
    for i, item in enumerate(items, start=1):
        history: list[dict[str, str]] = []
        for earlier in item.get("history", []):
            reply = quotes_only.answer(earlier, history)
            history += [{"role": "user", "content": earlier},
                        {"role": "assistant", "content": reply.text}]  # fmt: skip
        seen.clear()
        assistant.answer(item["question"], history)
        for record in seen:
            if record["citations"]:
                yield {"id": item["id"], "question": item["question"], **record}
        print(f"{i}/{len(items)} {item['id']}: {len(seen)} sentences", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", required=True, help="gguf:PATH, openai:MODEL or ollama:MODEL")
    parser.add_argument("--llm-grammar", action="store_true", help="the citation grammar")
    # The blind sets are figures only: their questions and answers are never read, nor harvested.
    parser.add_argument("--sets", nargs="*", default=["dev", "intents"],
                        choices=sorted(set(SETS) - BLIND), help="question sets to ask")  # fmt: skip
    parser.add_argument("--questions", type=Path, help="a question set of its own (.jsonl)")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    settings = Settings.from_env(llm=args.llm, llm_grammar=args.llm_grammar, llm_timeout=300.0)
    assistant = Assistant(settings)
    assistant.ensure_index()
    with args.out.open("w", encoding="utf-8") as out:
        named = {name: SETS[name] for name in args.sets}
        if args.questions:
            named[args.questions.stem] = args.questions
        for name, path in named.items():
            for record in harvest(assistant, load(path)):
                record = {"set": name, "model": args.llm.rsplit("/", 1)[-1], **record}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                out.flush()


if __name__ == "__main__":
    main()
