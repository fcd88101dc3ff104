"""The `assistant` command: index, ask, chat, serve, eval, sources, export. Library errors
become one line, exit 1.

Flags shared by every command (--sources, --index, --chroma-url) override ASSISTANT_* variables,
which override the defaults in `assistant.core.settings`. The `eval` command is cli_eval.py's and
`sources` (the folder and its trash) cli_sources.py's; kept conversations (`chat --save`,
`export`) cli_conversations.py's; the Assistant a command's flags make,
progress bars and printing an answer are cli_common.py's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.cli_common import make_assistant, print_answer, print_streamed, progress_bar
from assistant.cli_conversations import add_chat_flags, add_export, chat_session, cmd_export
from assistant.cli_eval import add_eval, cmd_eval
from assistant.cli_sources import add_sources, cmd_sources
from assistant.cli_train import add_train, cmd_train
from assistant.core.errors import AssistantError
from assistant.core.types import Answer

if TYPE_CHECKING:
    from assistant.api import Assistant  # imported by make_assistant when a command needs it

EPILOG = """examples:
  assistant index                      build or refresh the index of ./sources
  assistant index --dry-run            list what a refresh would add, re-embed and remove
  assistant ask "Who replaced Imran Khan as prime minister?"
  assistant ask --json "What did the Taliban warn Pakistan of?"
  assistant chat                       questions in the terminal; follow-ups use the earlier turns
  assistant ask --source pakistan-reaps-what-it-sowed.txt "Summarize the article"
                                       answer from that source alone (--source again adds one)
  assistant serve --port 7860          web chat on http://127.0.0.1:7860
  ASSISTANT_AUTH=ann:pw assistant serve --host 0.0.0.0   the same for the network, with a login
  assistant eval                       accuracy, citations, abstention, retrieval vs textbook RAG
  assistant ask --llm gguf:/models/qwen.gguf "Who replaced Imran Khan?"   a written answer,
                                       streamed, every sentence checked against its excerpt
  assistant eval --llm openai:qwen --llm-url http://127.0.0.1:8080/v1      the written answers'
                                       metrics beside the quotes' (docs/llm.md)
  assistant eval --set squad --dump squad.jsonl   the same on SQuAD 2.0's REPORT articles
  assistant sources --trash            files the web chat removed, kept until emptied
  assistant chat --save                a chat kept in the conversations database
  assistant export --list              the kept conversations; assistant export ID > chat.md
"""


def parser() -> argparse.ArgumentParser:
    common, llm = _parents()
    p = argparse.ArgumentParser(
        prog="assistant",
        description="Answers questions over a folder of sources, quoting them exactly.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    idx = sub.add_parser("index", parents=[common], help="build or refresh the index")
    idx.add_argument("--quiet", action="store_true", help="no progress bar, only the summary")
    idx.add_argument(
        "--dry-run", action="store_true", help="print what would be added, re-embedded and removed"
    )
    ask = sub.add_parser("ask", parents=[common, llm], help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer object as JSON")
    # Read as text and checked by the library, so a bad value is one line and exit 1 like any other.
    ask.add_argument("--top-k", help="passages to retrieve (default 6, ASSISTANT_TOP_K)")
    _add_within(ask)
    chat = sub.add_parser(
        "chat",
        parents=[common, llm],
        help="ask questions in the terminal, follow-ups included",
        description="Reads questions line by line and answers each with its quotes; a follow-up "
        '("Who facilitated those talks?") uses the earlier turns. Ends on exit, EOF or Ctrl-C. '
        "--save keeps the chat (assistant export ID prints it); --resume ID goes on with one.",
    )
    _add_within(chat)
    add_chat_flags(chat)
    _add_web(sub, [common, llm])
    add_eval(sub, [common, llm])
    add_export(sub, [common])
    add_sources(sub)
    add_train(sub)
    return p


def _parents() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The flags every command shares, and those of the commands that can write answers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--sources",
        help="folder of .txt, .md, .html, .pdf and .docx files (ASSISTANT_SOURCES)",
    )
    common.add_argument("--index", help="folder of the persisted index (ASSISTANT_INDEX)")
    common.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    llm = argparse.ArgumentParser(add_help=False)
    llm.add_argument(
        "--llm", help="write answers with ollama:MODEL, openai:MODEL or gguf:PATH (ASSISTANT_LLM)"
    )
    llm.add_argument("--llm-url", help="the LLM server's address (ASSISTANT_LLM_URL)")
    llm.add_argument("--llm-timeout", help="seconds per written answer (ASSISTANT_LLM_TIMEOUT)")
    llm.add_argument(
        "--llm-grammar", action="store_const", const=True,
        help="make a gguf or llama.cpp model end every sentence with [n] (ASSISTANT_LLM_GRAMMAR)",
    )  # fmt: skip
    return common, llm


def _add_within(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--source", action="append", dest="within", metavar="NAME",
        help="answer from this source only: its file name as the index lists it (e.g. "
        "pakistan-reaps-what-it-sowed.txt); repeat for several; default: every source",
    )  # fmt: skip


def _add_web(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    """`serve` and `hash-password`, which makes the lines of its users file."""
    serve = sub.add_parser("serve", parents=parents, help="start the web chat")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    serve.add_argument(
        "--no-auth",
        action="store_true",
        help="serve off loopback without logins (prints a warning; see docs/security.md)",
    )
    pw = sub.add_parser(
        "hash-password",
        help="print a users-file line for ASSISTANT_AUTH_FILE",
        description="Reads a password (twice) and prints USER:<pbkdf2 hash>, a line for the "
        "file ASSISTANT_AUTH_FILE names.",
    )
    pw.add_argument("user")


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`assistant ask ... | head`): stop quietly, as other tools do.
        # Python would still fail flushing stdout at exit, so point it at nothing first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def cmd_index(args: argparse.Namespace) -> int:
    assistant = make_assistant(args)
    if args.dry_run:
        print("\n".join(assistant.plan().lines()))
        return 0
    progress, close = progress_bar("Embedding", "chunk", args.quiet)
    summary = assistant.index(progress)
    close()
    print(summary.line())
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.core.inputs import setting_int

    top_k = None if args.top_k is None else setting_int("top_k", args.top_k, "--top-k")
    assistant = make_assistant(args)
    if assistant.settings.llm != "none" and not args.json:
        print_streamed(assistant.stream(args.question, top_k=top_k, sources=args.within), assistant)
        return 0
    answer = assistant.answer(args.question, top_k=top_k, sources=args.within)
    if args.json:
        data = answer.to_dict()
        data.pop("hits")
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print_answer(answer)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """A terminal chat: one question per line; every turn is history for the next."""
    interactive = sys.stdin.isatty()
    if interactive:
        import readline  # noqa: F401  (line editing and ↑ for earlier questions in input())

        print("Ask a question about the sources; exit, Ctrl-D or Ctrl-C ends.")
    assistant = make_assistant(args)
    within = assistant.chosen_sources(args.within)  # an unknown --source: one line, before any turn
    history, record, within = chat_session(args, within)
    while True:
        try:
            question = input("> " if interactive else "").strip()
        except (EOFError, KeyboardInterrupt):
            if interactive:
                print()  # the shell's prompt starts on a line of its own
            return 0
        if question.lower() in ("exit", "quit"):
            return 0
        if not question:
            continue
        try:
            answer = _turn(assistant, question, history, within)
            if record:
                record(question, answer)
        except AssistantError as exc:  # one line, and the conversation goes on
            print(f"error: {exc}", file=sys.stderr)
            continue
        except KeyboardInterrupt:  # gives up this answer only
            print("interrupted", file=sys.stderr)
            continue
        print(flush=True)
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]


def _turn(
    assistant: Assistant,
    question: str,
    history: list[dict[str, str]],
    within: frozenset[str] | None,
) -> Answer:
    """One chat answer, printed (as it is written, when an LLM writes it)."""
    if assistant.settings.llm != "none":
        return print_streamed(assistant.stream(question, history, None, within), assistant)
    answer = assistant.answer(question, history, sources=within)
    print_answer(answer)
    return answer


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from assistant.web import preflight, serve
    from assistant.web.access import is_loopback
    from assistant.web.building import Building, usable

    # Our lines carry stages, kinds and lengths, never document or question text (docs/security.md).
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("assistant").setLevel(os.environ.get("ASSISTANT_LOG_LEVEL", "INFO").upper())

    assistant = make_assistant(args)
    preflight(assistant, args.host, args.port, args.no_auth)
    if args.no_auth and not is_loopback(args.host):
        print(
            f"warning: serving on {args.host} with no logins: anyone who can reach this port "
            "can read the sources and change them",
            file=sys.stderr,
        )
    building = Building(assistant)
    if not usable(assistant):
        # Nothing to answer from: build first, its progress in the log. Otherwise the server
        # answers from the live generation at once and refreshes it in the background.
        print(building.build_first().line(), flush=True)
    serve(assistant, host=args.host, port=args.port, no_auth=args.no_auth, building=building)
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from assistant.web.access import BadUsers, hash_password

    if ":" in args.user or not args.user.strip():
        raise BadUsers("a user name must be non-empty and hold no ':'")
    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline()
    password = password.rstrip("\n")
    if sys.stdin.isatty() and getpass.getpass("Again: ") != password:
        raise BadUsers("the two passwords differ")
    if not password:
        raise BadUsers("the password is empty")
    print(f"{args.user}:{hash_password(password)}")
    return 0


COMMANDS = {
    "index": cmd_index,
    "ask": cmd_ask,
    "chat": cmd_chat,
    "serve": cmd_serve,
    "eval": cmd_eval,
    "train": cmd_train,
    "hash-password": cmd_hash_password,
    "sources": cmd_sources,
    "export": cmd_export,
}

if __name__ == "__main__":
    sys.exit(main())
