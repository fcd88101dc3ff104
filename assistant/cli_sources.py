"""The `assistant sources` command: what the sources folder holds, and its trash.

Lists the sources (and each link or other entry the index does not read, with why), the trash the
web's Remove moves files to (`<sources>/.assistant-trash`), restores one item from it, or empties
it. It reads only the folder: no model and no index are loaded. Re-indexing after a restore is left
to `assistant index`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from assistant.core.settings import Settings
from assistant.ingest import trash
from assistant.ingest.listing import require_folder, scan

DESCRIPTION = """\
Lists the sources folder: each source, and each link or other entry the index skips, with why.
The web chat's Remove never deletes: it moves a file to the trash, a hidden folder inside the
sources folder (.assistant-trash), which is never indexed. Files stay there until restored or
emptied."""
EPILOG = """\
examples:
  assistant sources                    the sources and what is skipped
  assistant sources --trash            what was removed, latest first, with each ITEM name
  assistant sources --restore ITEM     put one back (then run assistant index)
  assistant sources --empty-trash      delete what is in the trash, for good
"""


def add_sources(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sources",
        help="list the sources folder, or its trash (removed files)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--sources", help="folder of source files (ASSISTANT_SOURCES)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--trash", action="store_true", help="list the removed files")
    what.add_argument("--restore", metavar="ITEM", help="move ITEM (as --trash names it) back")
    what.add_argument(
        "--empty-trash", action="store_true", help="delete the removed files for good"
    )


def cmd_sources(args: argparse.Namespace) -> int:
    folder = Settings.from_env(sources=args.sources).sources
    require_folder(folder)
    if args.restore:
        name = trash.restore(folder, args.restore)
        old = args.restore.split("/", 1)[-1]
        renamed = f" as {name} ({old} is taken)" if name != old else ""
        print(f"Restored {old}{renamed}; run `assistant index` to index it again.")
    elif args.empty_trash:
        print(f"Deleted {trash.empty(folder)} removed files from the trash.")
    elif args.trash:
        print("\n".join(_trash_lines(folder)))
    else:
        found = scan(folder)
        lines = [*found.names(folder), *[f"skip: {line}" for line in found.skipped]]
        in_trash = len(trash.items(folder))
        print("\n".join([*lines, f"{len(found.files)} sources, {len(found.links)} skipped, "
                         f"{in_trash} in the trash ({folder})"]))  # fmt: skip
    return 0


def _trash_lines(folder: Path) -> list[str]:
    removed = trash.items(folder)
    where = trash.trash_folder(folder)
    if not removed:
        return [f"The trash is empty ({where})."]
    width = max(len(r.item) for r in removed)
    lines = [f"{r.item:<{width}}  removed {_when(r.removed_at)}" for r in removed]
    return [*lines, f"{len(removed)} in the trash ({where}); assistant sources --restore ITEM"]


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))
