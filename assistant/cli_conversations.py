"""The terminal's side of kept conversations: `assistant chat --save / --resume ID` and
`assistant export`.

A saved chat is a conversation of the owner "local" in the conversations database (the
`state` setting); `--resume ID` reads its turns back as history, so follow-ups go on where they
stopped. `export` prints or writes any conversation of the database as Markdown or JSON (whoever
runs the command holds the database file itself), and `export --list` lists them. Left out:
answering (cli.py's chat loop) and the formats (export.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.types import Answer

if TYPE_CHECKING:
    from assistant.conversations import Conversations

Record = Callable[[str, Answer], None]


def add_chat_flags(chat: argparse.ArgumentParser) -> None:
    keep = chat.add_mutually_exclusive_group()
    keep.add_argument(
        "--save", action="store_true", help="keep this chat in the conversations database"
    )
    keep.add_argument("--resume", metavar="ID", help="go on with a saved conversation (and save)")
    chat.add_argument("--state", help="the conversations database (ASSISTANT_STATE)")


def add_export(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    p = sub.add_parser(
        "export",
        parents=parents,
        help="print a kept conversation as Markdown or JSON",
        description="Prints a conversation of the conversations database (the web chat's and "
        "`assistant chat --save`'s) with every quote, its source's title and file name and its "
        "character offsets, so a reader can check each one. --list shows the ids.",
    )
    p.add_argument("id", nargs="?", help="the conversation's id (see --list)")
    p.add_argument("--format", choices=("md", "json"), default="md", help="default md")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--list", action="store_true", help="list the conversations, newest first")
    p.add_argument("--search", default="", help="with --list: titles or questions holding this")
    p.add_argument("--state", help="the conversations database (ASSISTANT_STATE)")


def _store(args: argparse.Namespace) -> Conversations:
    from assistant.conversations import Conversations
    from assistant.core.settings import Settings

    s = Settings.from_env(index=args.index, state=args.state)
    return Conversations(s.state_path)


def chat_session(
    args: argparse.Namespace, within: frozenset[str] | None
) -> tuple[list[dict[str, str]], Record | None, frozenset[str] | None]:
    """The history a chat starts from, what records each turn (None: not saved) and the sources
    it is asked within: --source's, else a resumed conversation's own choice."""
    if not (args.save or args.resume):
        return [], None, within
    from assistant.conversations import LOCAL

    store = _store(args)
    if args.resume:
        conv = store.find(args.resume)
        within = within or frozenset(conv.sources) or None
    else:
        conv = store.start(LOCAL, sorted(within or ()))
    owner = conv.owner  # a resumed web conversation stays its owner's
    print(f"conversation {conv.id} ({'resumed' if args.resume else 'saved'})", file=sys.stderr)

    def record(question: str, answer: Answer) -> None:
        store.add(owner, conv.id, question, answer)

    return conv.history(), record, within


def cmd_export(args: argparse.Namespace) -> int:
    from assistant.core.errors import AssistantError
    from assistant.export import export

    store = _store(args)
    if args.list:
        for c in store.list_all(args.search):
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(c.updated))
            print(f"{c.id}  {when}  {c.questions:3d} questions  {c.owner}  {c.title}")
        return 0
    if not args.id:
        raise AssistantError("give a conversation id, or --list to see them")
    text = export(store.find(args.id), args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
