"""Extract the text of a Word (.docx) file with python-docx: body paragraphs and tables, in order.

Every paragraph, a heading included, is a block of its own; a table is a block with one line per
row, its cells joined by " | " (a cell spanning several columns once, empty rows dropped). Blocks
are separated by a blank line so the chunker and the sentence splitter see them, and whitespace
inside a line is collapsed. The title is the document properties' title, else the first Title or
Heading paragraph, else the first line. A file that is not a zip package, a damaged one, and a
password-protected one (Word then writes an OLE container holding "EncryptedPackage") raise
`Unreadable` with the reason; so does an old binary .doc renamed .docx, and a package that would
unpack to more than `MAX_UNPACKED_BYTES`. Left out: headers, footers, footnotes, comments, text
boxes, content controls (a table of contents among them), tables nested in a cell, images, and
decrypting or converting anything.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.ingest.extracted import Extracted, Unreadable, one_line, title_of

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

BLOCK_BREAK = "\n\n"  # what the chunker and sentence splitter take as a paragraph boundary
CELL_SEPARATOR = " | "
MAX_UNPACKED_BYTES = 256 * 2**20
"""The most a .docx may unpack to: python-docx holds every part in memory (a zip bomb guard)."""
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: an encrypted .docx or an old .doc
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream name in the OLE directory
_TITLE_STYLES = ("title", "heading")


def read_docx(data: bytes) -> Extracted:
    """Text and title of a .docx file; Unreadable for a corrupt, encrypted or text-less one."""
    document = _open(data)
    try:
        blocks = [text for block in document.iter_inner_content() if (text := _block_text(block))]
        title = " ".join((document.core_properties.title or "").split())
        heading = _first_heading(document)
    # python-docx and lxml raise assorted exception types on damaged parts.
    except Exception as exc:
        raise Unreadable(f"corrupt Word file ({_why(exc)})") from exc
    if not blocks:
        raise Unreadable("no text found in the Word file")
    text = BLOCK_BREAK.join(blocks)
    return Extracted(text=text, title=title or heading or title_of(text))


def _open(data: bytes) -> Document:
    # Imported here so folders without Word files do not pay python-docx's start-up cost.
    import docx

    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise Unreadable("encrypted Word file (needs a password)")
        raise Unreadable("not a .docx file (an old binary .doc? save it as .docx)")
    if not data.startswith(_ZIP):
        raise Unreadable("corrupt Word file (not a zip package)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(info.file_size for info in package.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise Unreadable(f"Word file unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
        return docx.Document(io.BytesIO(data))
    except Unreadable:
        raise
    # Same reason as in read_docx: a damaged package surfaces as assorted exception types.
    except Exception as exc:
        raise Unreadable(f"corrupt Word file ({_why(exc)})") from exc


def _block_text(block: Paragraph | Table) -> str:
    from docx.table import Table

    if isinstance(block, Table):
        return "\n".join(row for row in _rows(block) if row)
    return "\n".join(_lines(block.text))


def _rows(table: Table) -> Iterator[str]:
    """Each row as one line of its non-empty cells; a merged cell is one object repeated."""
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            if cell is not previous:
                cells.append(" ".join(cell.text.split()))
            previous = cell
        yield CELL_SEPARATOR.join(text for text in cells if text)


def _lines(text: str) -> list[str]:
    """Non-empty lines of a paragraph (a line break inside it stays one), whitespace collapsed."""
    return [flat for line in text.splitlines() if (flat := " ".join(line.split()))]


def _first_heading(document: Document) -> str:
    for paragraph in document.paragraphs:
        name = (paragraph.style.name if paragraph.style is not None else None) or ""
        if name.lower().startswith(_TITLE_STYLES) and (text := " ".join(paragraph.text.split())):
            return text
    return ""


def _why(exc: Exception) -> str:
    return one_line(str(exc)) or type(exc).__name__
