"""Extract the text layer of a PDF with pypdf, page by page, remembering where each page starts.

pypdf gives every visual line on its own line, but the chunker reads a line break as a paragraph
break, so each page's lines are first rebuilt into paragraphs (see `reflow`): wrapped lines are
joined with a space, a word split by a line-end hyphen is mended, and a paragraph ends in a blank
line. Pages are then joined by a blank line and `pages` holds each page's start offset in the
joined text, so `page_at(pages, offset)` names the page a passage came from. The title comes from
the document metadata, else the first non-empty line pypdf gave. Scanned pages (images without a
text layer) are not OCR'd, layout (columns, tables) is whatever pypdf's reading order gives, a
sentence running over a page break is cut there, and encrypted PDFs are read only when they open
with an empty password.
"""

from __future__ import annotations

import io
import logging
import math
import re
from typing import TYPE_CHECKING

from assistant.ingest.extracted import Extracted, Unreadable, one_line, title_of

if TYPE_CHECKING:
    from pypdf import PdfReader

PAGE_BREAK = "\n\n"
PARAGRAPH_BREAK = "\n\n"  # what the chunker and sentence splitter take as a paragraph boundary

# The page's typical line length is this rank of its line lengths: the full lines set it, while a
# few longer outliers (a URL, a table row) do not.
_TYPICAL_RANK = 0.9
# A page of short lines only (a title page, a list) has no full line to measure; no text width is
# taken to be below this many characters, so such lines stay apart.
_MIN_WIDTH = 30
# A line was ended on purpose (a heading, a paragraph's last line) rather than wrapped when even
# with the next line's first word it stays under this share of the typical length. Counting the
# next word keeps a full line that happens to end before a long word from looking short.
_SHORT = 0.85
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*$")
_LETTERS = r"[^\W\d_]+"
_WORD = re.compile(rf"{_LETTERS}(?:-{_LETTERS})*")

# pypdf logs recoverable damage ("EOF marker not found") as warnings; without a handler Python
# would print them to stderr beside our one-line BadSource. Apps that configure logging still
# receive them through propagation.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


def read_pdf(data: bytes) -> Extracted:
    """Text, page starts and title of a PDF; Unreadable for a corrupt or text-less file."""
    reader = _open(data)
    try:
        page_texts = [(page.extract_text() or "").strip() for page in reader.pages]
        title = _metadata_title(reader)
    # pypdf raises many exception types (KeyError, ValueError, its own...) on damaged files.
    except Exception as exc:
        raise Unreadable(f"corrupt PDF ({one_line(str(exc)) or type(exc).__name__})") from exc
    if not any(page_texts):
        raise Unreadable("no text layer (a scanned PDF?)")
    vocabulary = _vocabulary(page_texts)
    paragraphs = [reflow(page_text, vocabulary) for page_text in page_texts]
    starts: list[int] = []
    offset = 0
    for page_text in paragraphs:
        starts.append(offset)
        offset += len(page_text) + len(PAGE_BREAK)
    text = PAGE_BREAK.join(paragraphs)
    # The first line as pypdf gave it: one visual line, where the rebuilt text may start with a
    # whole paragraph.
    first_line = title_of("\n".join(page_texts))
    return Extracted(text=text, title=title or first_line, pages=tuple(starts))


def reflow(page: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """One page's visual lines rebuilt into paragraphs separated by a blank line.

    Wrapped lines are joined by a space. A line ending in a hyphen right after a letter or digit
    is joined to the next without a space; the hyphen is dropped (a word split by hyphenation)
    only between lowercase letters and when `_mend` finds no sign of a real compound. A line that
    is clearly shorter than the page's typical line was ended on purpose: after a sentence it
    closes the paragraph, otherwise (a heading, a list item) it stays on a line of its own. A
    blank line from pypdf is always a paragraph break. `vocabulary` holds the document's words
    (see `_vocabulary`), the evidence for compounds. The result is stripped and deterministic.
    """
    lines = [line.strip() for line in page.splitlines()]
    typical = _typical_width(lines)
    out: list[str] = []
    previous = ""
    blank = False
    for line in lines:
        if not line:
            blank = bool(previous)
            continue
        if blank:
            out.append(PARAGRAPH_BREAK)
        elif previous.endswith("-") and previous[-2:-1].isalnum():
            if _mend(previous, line, vocabulary):
                out[-1] = out[-1][:-1]
        elif previous:
            next_word = line.split(maxsplit=1)[0]
            if len(previous) + 1 + len(next_word) > _SHORT * typical:
                out.append(" ")
            elif _SENTENCE_END.search(previous):
                out.append(PARAGRAPH_BREAK)
            else:
                out.append("\n")
        out.append(line)
        previous, blank = line, False
    return "".join(out)


def _typical_width(lines: list[str]) -> int:
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return _MIN_WIDTH
    return max(lengths[math.ceil(_TYPICAL_RANK * len(lengths)) - 1], _MIN_WIDTH)


def _mend(previous: str, line: str, vocabulary: frozenset[str]) -> bool:
    """Whether "inter-" ending `previous` and "national" starting `line` are one split word.

    Only a lowercase letter before the hyphen and a lowercase start of the next line qualify. A
    compound stays when either side already holds a hyphen (typesetters hyphenate such words only
    at their hyphens, as in "state-of-the-" + "art"), or when the document writes the hyphenated
    form elsewhere and never the joined one.
    """
    if not (previous[-2].islower() and line[0].islower()):
        return False
    left_token = previous.rsplit(maxsplit=1)[-1][:-1]
    left = re.search(f"{_LETTERS}$", left_token)
    right = _WORD.match(line)
    if left is None or right is None or "-" in left_token or "-" in right.group():
        return False
    joined = (left.group() + right.group()).lower()
    compound = f"{left.group()}-{right.group()}".lower()
    return not (compound in vocabulary and joined not in vocabulary)


def _vocabulary(pages: list[str]) -> frozenset[str]:
    """Lowercased words and hyphenated compounds written within a line anywhere in the document."""
    words: set[str] = set()
    for page in pages:
        for line in page.splitlines():
            words.update(word.lower() for word in _WORD.findall(line))
            words.update(word.lower() for word in re.findall(_LETTERS, line))
    return frozenset(words)


def _open(data: bytes) -> PdfReader:
    # Imported here so folders without PDFs do not pay pypdf's start-up cost.
    from pypdf import PdfReader

    # Readers accept the header anywhere in the first 1024 bytes; pypdf's own error for a file
    # without one ("Stream has ended unexpectedly") would not tell the user what is wrong.
    if b"%PDF-" not in data[:1024]:
        raise Unreadable("corrupt PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted PDF (needs a password)")
        if not reader.pages:
            raise Unreadable("PDF has no pages")
    except Unreadable:
        raise
    # Same reason as in read_pdf: damaged files surface as assorted exception types.
    except Exception as exc:
        raise Unreadable(f"corrupt PDF ({one_line(str(exc)) or type(exc).__name__})") from exc
    return reader


def _metadata_title(reader: PdfReader) -> str:
    metadata = reader.metadata
    title = metadata.title if metadata else None
    return " ".join(title.split()) if isinstance(title, str) else ""
