"""evaluation/harvest.py: a written sentence's record carries each cited excerpt's provenance."""

from __future__ import annotations

import numpy as np

from assistant.answering.quoting.extractive import Sentence
from assistant.answering.writing.prompt import Excerpt
from assistant.evaluation.harvest import sentence_record


def _excerpt(n: int, source: str, start: int, text: str) -> Excerpt:
    vector = np.zeros(3, dtype=np.float32)
    return Excerpt(n, Sentence(0, source, source, start, start + len(text), text, vector), 1.0)


def test_a_record_names_every_cited_excerpt_by_file_and_offsets_and_skips_unknown_ones() -> None:
    given = {1: _excerpt(1, "a.txt", 10, "One."), 2: _excerpt(2, "b.txt", 0, "Two.")}
    record = sentence_record("Both.", (2, 1, 9), given)
    assert record["sentence"] == "Both."
    assert record["citations"] == [
        {"n": 2, "source": "b.txt", "start": 0, "end": 4, "text": "Two."},
        {"n": 1, "source": "a.txt", "start": 10, "end": 14, "text": "One."},
    ]
