"""Extract the text layer of a PDF with pypdf, page by page, remembering where each page starts.

Pages are joined by a blank line and `pages` holds each page's start offset in the joined text, so
`page_at(pages, offset)` names the page a passage came from. The title comes from the document
metadata, else the first non-empty line. Scanned pages (images without a text layer) are not
OCR'd, layout (columns, tables) is whatever pypdf's reading order gives, and encrypted PDFs are
read only when they open with an empty password.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from assistant.ingest.extracted import Extracted, Unreadable, one_line, title_of

if TYPE_CHECKING:
    from pypdf import PdfReader

PAGE_BREAK = "\n\n"

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
    starts: list[int] = []
    offset = 0
    for page_text in page_texts:
        starts.append(offset)
        offset += len(page_text) + len(PAGE_BREAK)
    text = PAGE_BREAK.join(page_texts)
    return Extracted(text=text, title=title or title_of(text), pages=tuple(starts))


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
