"""Read part of a stored source text by character offsets, without holding the whole text.

The web's evidence panel shows a quote with a few hundred characters around it, and a source can
be a 20 MB line: the text is decoded a block at a time and only the window is kept. Offsets count
characters of the text exactly as stored (no newline translation), as citations do. Left out:
seeking by byte offset (UTF-8 byte and character offsets differ, and no table of them is kept).
"""

from __future__ import annotations

from pathlib import Path

_BLOCK = 1 << 20  # characters decoded per read while skipping to the window


def read_text(path: Path) -> str:
    """The whole stored text, exactly as written."""
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


def read_span(path: Path, start: int, stop: int) -> str:
    """text[start:stop] of the stored text at path (shorter, or empty, past its end)."""
    start = max(0, start)
    with path.open(encoding="utf-8", newline="") as f:
        skip = start
        while skip > 0:
            got = len(f.read(min(skip, _BLOCK)))
            if not got:
                return ""
            skip -= got
        return f.read(max(0, stop - start))
