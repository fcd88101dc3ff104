"""The installed `assistant` command, run as a subprocess on a temporary copy of the sources."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_sources
from tests.test_intents import FOES, REAPS


def run(*args: str | bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    base = tmp_path_factory.mktemp("cli")
    return ["--sources", str(copy_sources(base / "sources")), "--index", str(base / "index")]


def test_index_then_reindex_embeds_nothing(paths: list[str]) -> None:
    first = run("index", *paths)
    assert first.returncode == 0, first.stderr
    assert re.match(r"Indexed 2 files: \d+ chunks added, 0 kept, 0 removed in", first.stdout)
    again = run("index", "--quiet", *paths)
    assert " 0 chunks added" in again.stdout and again.stderr == ""


def test_ask_json_is_the_answer_object(paths: list[str]) -> None:
    done = run("ask", "--json", "Who replaced Imran Khan as prime minister?", *paths)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"text", "citations", "abstained", "query", "question"} <= data.keys()
    assert data["citations"] and not data["abstained"]
    c = data["citations"][0]
    text = (Path(paths[1]) / c["source"]).read_text(encoding="utf-8")
    assert text[c["start"] : c["end"]] == c["excerpt"]


def test_ask_prints_numbered_excerpts(paths: list[str]) -> None:
    done = run("ask", "How many people did the attack on the army school in Peshawar kill?", *paths)
    assert done.returncode == 0 and "145 people" in done.stdout and "\n[1] " in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "   "], "error: the question is empty"),
        (["ask", "hello", "--sources", "/no/such/folder"], "error: sources folder not found"),
        (["eval", "--set", "nope"], "error: no question set named 'nope'"),
        (["eval", "--set", "dev", "--articles", "fit"], "error: --articles applies to --set squad"),
        (["eval", "--set", "squad"], "error: --set squad keeps its own sources and index"),
        (["eval", "--set", "blind2", "--dump", "x.jsonl"], "error: blind2 is blind"),
        (["eval", "--split", "fit"], "error: --split applies to --claims only"),
        (["ask", "--top-k", "0", "Who?"], "error: --top-k must be a whole number from 1 to 100"),
        (["ask", "--top-k", "abc", "Who?"], "error: --top-k must be a whole number from 1 to 100"),
        (["ask", "x" * 5000], "error: the question is 5000 characters long; the limit is 2000"),
        (["ask", "\x01\x02\x1b"], "error: the question is empty"),
        (["ask", "--source", "nope.txt", "Who?"], "error: unknown source 'nope.txt'; the sources"),
        # Bytes that are not UTF-8 reach Python as lone surrogates, which once crashed the model.
        (["ask", b"Who replaced \xff Khan?"], "error: the question holds a broken character"),
    ],
)
def test_errors_are_one_line(
    paths: list[str], args: list[str | bytes], message: str, tmp_path: Path
) -> None:
    done = run(*args, *(paths if "--sources" not in args else ["--index", str(tmp_path)]))
    assert done.returncode == 1
    assert done.stderr.strip().startswith(message) and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ASSISTANT_TOP_K", "abc"),
        ("ASSISTANT_MAX_QUESTION_CHARS", "0"),
        ("ASSISTANT_READ_ONLY", "?"),
    ],
)
def test_a_bad_setting_is_one_line(paths: list[str], variable: str, value: str) -> None:
    done = run("ask", "Who replaced Imran Khan?", *paths, env={variable: value})
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {variable} must be ") and done.stderr.count("\n") == 1


def test_another_script_abstains_plainly(paths: list[str]) -> None:
    done = run("ask", "巴基斯坦和塔利班是什么关系？", *paths)
    assert done.returncode == 0 and done.stdout.startswith("The sources don't say.")


def test_help_lists_the_commands() -> None:
    done = run("--help")
    assert done.returncode == 0
    for command in ("index", "ask", "serve", "eval"):
        assert command in done.stdout


def test_eval_help_documents_the_squad_flags() -> None:
    done = run("eval", "--help")
    assert done.returncode == 0
    for flag in ("squad", "--articles", "--workdir", "--dump", "CC BY-SA 4.0"):
        assert flag in done.stdout
    assert "--limit" not in done.stdout  # a hidden flag for tests and quick checks


def test_a_bad_source_is_one_skip_line_and_the_rest_is_kept(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    args = ["--sources", str(sources), "--index", str(tmp_path / "index")]
    assert run("index", "--quiet", *args).returncode == 0
    (sources / "broken.txt").write_bytes(b"\x00\x81 not text \x00" * 20)
    done = run("index", "--quiet", *args)
    assert done.returncode == 0 and done.stderr == ""
    head, skip = done.stdout.strip().splitlines()
    assert " 0 chunks added, " in head and " 0 removed" in head  # nothing was lost
    assert skip == "skipped broken.txt: binary file, not text"


def test_missing_sources_folder_is_one_line(tmp_path: Path) -> None:
    done = run("index", "--sources", str(tmp_path / "nowhere"), "--index", str(tmp_path / "i"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: sources folder not found: {tmp_path / 'nowhere'} "
        "(set ASSISTANT_SOURCES or --sources)"
    ]
    assert not (tmp_path / "i").exists()  # nothing made for a mistyped folder


def in_folder(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command run from cwd with no ASSISTANT_SOURCES or ASSISTANT_INDEX set."""
    env = {k: v for k, v in os.environ.items() if k not in ("ASSISTANT_SOURCES", "ASSISTANT_INDEX")}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True, text=True, timeout=300, env=env, cwd=cwd,
    )  # fmt: skip


def test_the_working_directory_holds_the_default_folders(tmp_path: Path) -> None:
    """./sources and ./index of the directory it runs in, not the clone's own folders."""
    missing = in_folder(tmp_path, "index")
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"error: sources folder not found: {tmp_path / 'sources'} "
        "(set ASSISTANT_SOURCES or --sources)"
    ]
    assert not (tmp_path / "index").exists()
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "only-here.txt").write_text("Glaciers\n\nIce.", encoding="utf-8")
    planned = in_folder(tmp_path, "index", "--dry-run")
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.splitlines() == [
        "add: only-here.txt",
        "1 to add, 0 to re-embed, 0 to remove, 0 unchanged, 0 skipped",
    ]


ANSWER = """
from assistant import answer
try:
    print(answer("Who replaced Imran Khan?").citations[0].source)
except Exception as exc:
    print(type(exc).__name__, exc)
"""


def test_answer_reads_the_working_directory(tmp_path: Path) -> None:
    python = [sys.executable, "-c", ANSWER]
    env = {k: v for k, v in os.environ.items() if k not in ("ASSISTANT_SOURCES", "ASSISTANT_INDEX")}
    done = subprocess.run(python, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.stdout.strip() == (
        f"SourcesNotFound sources folder not found: {tmp_path / 'sources'} "
        "(set ASSISTANT_SOURCES or --sources)"
    )
    copy_sources(tmp_path / "sources")
    done = subprocess.run(python, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.stdout.strip() == "pakistan-reaps-what-it-sowed.txt", done.stderr
    assert (tmp_path / "index" / "CURRENT").exists()  # built where it runs, on first use


def chat(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


WARNED = "What did the Taliban warn Pakistan of after the drone strike in Kabul?"


@pytest.mark.parametrize(
    ("chosen", "cited"),
    [
        ([REAPS], {REAPS}),
        ([REAPS, FOES], {REAPS, FOES}),  # --source twice: both
        ([], {REAPS, FOES}),
    ],
)
def test_ask_source_answers_within_the_sources_named(
    paths: list[str], chosen: list[str], cited: set[str]
) -> None:
    flags = [arg for name in chosen for arg in ("--source", name)]
    done = run("ask", "--json", *flags, WARNED, *paths)
    assert done.returncode == 0, done.stderr
    assert {c["source"] for c in json.loads(done.stdout)["citations"]} == cited


def test_ask_and_chat_help_say_what_source_does() -> None:
    for command in ("ask", "chat"):
        done = run(command, "--help")
        assert done.returncode == 0
        assert "--source NAME" in done.stdout and "answer from this source only" in done.stdout


def test_chat_source_keeps_every_turn_to_it_and_an_unknown_one_ends_it(paths: list[str]) -> None:
    done = chat(f"{WARNED}\nSummarize the articles\n", "--source", FOES, *paths)
    assert done.returncode == 0, done.stderr
    cited = re.findall(r"^\[\d+\] .+ — (\S+), characters", done.stdout, flags=re.M)
    assert len(cited) >= 3 and set(cited) == {FOES}
    done = chat(f"{WARNED}\n", "--source", "nope.txt", *paths)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: unknown source 'nope.txt'")
    assert done.stderr.count("\n") == 1


def test_chat_keeps_history_so_a_follow_up_works(paths: list[str]) -> None:
    turns = [
        "Which Pakistani general went to Kabul for talks with the TTP?",
        "",
        "Who facilitated those talks?",
        "exit",
        "never asked",
    ]
    done = chat("\n".join(turns) + "\n", *paths)
    assert done.returncode == 0, done.stderr
    first, follow = done.stdout.split("(searched for: ")
    assert "\n[1] " in first and ", characters " in first
    query, citations = follow.split("\n", 1)
    assert query.startswith("Who facilitated those talks? ") and "TTP" in query
    assert "\n[1] " in citations and "facilitated by the Afghan Taliban" in citations
    assert "never asked" not in done.stdout and done.stderr == ""


def test_chat_errors_are_one_line_and_the_loop_goes_on(tmp_path: Path) -> None:
    args = ["--sources", str(tmp_path / "none"), "--index", str(tmp_path / "index")]
    done = chat("first question\nsecond question\n", *args)  # ends on EOF
    assert done.returncode == 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and all(
        line.startswith("error: sources folder not found") for line in lines
    )


SHOW_MODULES = """
import sys
from assistant.cli import main
main(sys.argv[1:])
heavy = ("torch", "sentence_transformers", "gradio", "spacy", "langchain_chroma")
print("loaded:", *sorted(m for m in heavy if m in sys.modules))
"""


@pytest.mark.parametrize(
    ("question", "loaded"),
    [
        ("Tell me about the drone strikes in Kabul", ""),  # no wh-word: no entity check
        ("How many people did the attack on the army school in Peshawar kill?", " spacy"),
    ],
)
def test_ask_imports_neither_torch_nor_gradio(paths: list[str], question: str, loaded: str) -> None:
    assert run("index", "--quiet", *paths).returncode == 0  # answering alone never embeds sources
    done = subprocess.run(
        [sys.executable, "-c", SHOW_MODULES, "ask", question, *paths],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "\n[1] " in done.stdout
    assert done.stdout.rstrip().endswith(f"loaded:{loaded}")


def test_import_assistant_loads_no_library() -> None:
    code = (
        "import sys, assistant; print(sorted(m for m in ('chromadb', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_a_reader_that_goes_away_is_no_error(paths: list[str]) -> None:
    """`assistant ask ... | head -c 10` once ended in a BrokenPipeError traceback."""
    cli = [sys.executable, "-m", "assistant", "ask", "Who replaced Imran Khan?", *paths]
    with subprocess.Popen(cli, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(10)
        proc.stdout.close()  # as head does once it has its lines
        error = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 0
    assert "Traceback" not in error and "BrokenPipe" not in error


def test_eval_claims_prints_the_verifier_table_and_holds_the_fit_side(paths: list[str]) -> None:
    """`assistant eval --claims` (docs/llm.md): on the fit side, which the checks were designed
    on, the verifier does not fall below what it reached there: 0.920 / 0.907 since the third
    pass (2026-12-08), which gave up 0.014 of precision there for 0.035 of recall, and raised
    both on rounds 4 and 5 (0.934 / 0.872 before it)."""
    done = run("eval", "--claims", "--split", "fit", *paths)
    assert done.returncode == 0, done.stderr
    assert "| overall | 2275 |" in done.stdout and "| cause |" in done.stdout
    figures = json.loads(run("eval", "--claims", "--split", "fit", "--json", *paths).stdout)
    assert figures["overall"]["precision"] >= 0.91 and figures["overall"]["recall"] >= 0.89
