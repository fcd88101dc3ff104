"""Reading each source format into a Document, and one-line BadSource errors for bad files."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from assistant.core.errors import BadSource, SourcesNotFound
from assistant.core.types import page_at
from assistant.ingest.chunking import chunk_document
from assistant.ingest.readers import SUFFIXES, read_document, read_documents, source_files

ARTICLE = (
    "The Durand Line was drawn in 1893 between British India and Afghanistan. "
    "Successive Afghan governments have contested it ever since."
)
SECOND = (
    "Pakistan inherited the border in 1947 and considers it settled, while Kabul has never "
    "formally recognised it as an international boundary."
)
BOILERPLATE = ("Subscribe to our newsletter", "All rights reserved", "About us")


def html_page(head: str = "<title>Border Notes</title>") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul></nav>
<header><p>Subscribe to our newsletter today!</p></header>
<main><article><p>{ARTICLE}</p><p>{SECOND}</p></article></main>
<footer><p>Copyright 2024 Example News. All rights reserved.</p></footer>
</body></html>""".encode()


def pdf_with_text(pages: list[str], title: str = "") -> bytes:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_with_text(["Hidden words"]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_source_files_lists_every_format_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ["b.md", "a.txt", "sub/c.html", "sub/d.HTM", "e.pdf", "f.docx", "g.png"]:
        write(tmp_path, name, b"x")
    for name in [".hidden.txt", ".git/h.txt", "sub/.cache/i.md"]:
        write(tmp_path, name, b"x")
    (tmp_path / "folder.txt").mkdir()
    listed = [p.relative_to(tmp_path).as_posix() for p in source_files(tmp_path)]
    assert listed == ["a.txt", "b.md", "e.pdf", "sub/c.html", "sub/d.HTM"]
    assert set(SUFFIXES) == {".txt", ".md", ".html", ".htm", ".pdf"}


def test_missing_folder_raises_sources_not_found(tmp_path: Path) -> None:
    with pytest.raises(SourcesNotFound):
        source_files(tmp_path / "nope")


@pytest.mark.parametrize(
    ("name", "data", "text", "title", "note"),
    [
        ("plain.txt", b"First line\n\nBody.\n", "First line\n\nBody.\n", "First line", ""),
        ("bom.txt", b"\xef\xbb\xbfTitle\nBody", "Title\nBody", "Title", ""),
        ("doc.md", b"\n## Heading here\n\ntext", "\n## Heading here\n\ntext", "Heading here", ""),
        (
            "old.txt",
            "Café naïve – “quoted” text, déjà vu.\n".encode("cp1252"),
            "Café naïve – “quoted” text, déjà vu.\n",
            "Café naïve – “quoted” text, déjà vu.",
            "not UTF-8; decoded as cp1252",
        ),
        ("short.txt", "Caf\u00e9\n".encode("cp1252"), "Caf\u00e9\n", "Caf\u00e9", "cp1252"),
        ("wide.txt", "\ufeffWide text\n".encode("utf-16-le"), "Wide text\n", "Wide text", "utf-16"),
    ],
)
def test_plain_text(
    tmp_path: Path, name: str, data: bytes, text: str, title: str, note: str
) -> None:
    doc = read_document(tmp_path, write(tmp_path, name, data))
    assert (doc.source, doc.text, doc.title, doc.pages) == (name, text, title, ())
    assert note in doc.note if note else doc.note == ""
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_title_falls_back_to_file_stem(tmp_path: Path) -> None:
    assert read_document(tmp_path, write(tmp_path, "x.md", b"#\n##\n")).title == "x"


@pytest.mark.parametrize(
    ("name", "head", "title"),
    [
        ("page.html", "<title>Border Notes</title>", "Border Notes"),
        ("og.htm", '<meta property="og:title" content="OG Title">', "OG Title"),
        ("untitled.html", "", ARTICLE),
    ],
)
def test_html_keeps_main_text_and_drops_boilerplate(
    tmp_path: Path, name: str, head: str, title: str
) -> None:
    data = html_page(head)
    doc = read_document(tmp_path, write(tmp_path, name, data))
    assert doc.text == f"{ARTICLE}\n\n{SECOND}"  # paragraphs apart, so the chunker sees them
    assert not any(junk in doc.text for junk in BOILERPLATE)
    assert doc.title == title
    assert (doc.pages, doc.note, doc.sha256) == ((), "", hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize(
    ("title", "expected"), [("Quarterly Report", "Quarterly Report"), ("", "Page 1 heading")]
)
def test_pdf_pages_and_offsets(tmp_path: Path, title: str, expected: str) -> None:
    pages = [f"Page {n} heading\nThis is the text of page {n} about topic {n}." for n in (1, 2, 3)]
    data = pdf_with_text(pages, title)
    doc = read_document(tmp_path, write(tmp_path, "report.pdf", data))
    assert len(doc.pages) == 3 and doc.pages[0] == 0
    assert doc.title == expected  # metadata title, else the first line
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    for n, start in enumerate(doc.pages, 1):
        assert doc.text.startswith(f"Page {n} heading", start)
        topic = doc.text.index(f"topic {n}")
        assert page_at(doc.pages, start) == page_at(doc.pages, topic) == n
    assert doc.text.count("\n\n") == 2  # pages joined by a blank line


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    doc = read_document(tmp_path, write(tmp_path, "open.pdf", encrypted_pdf("")))
    assert doc.text == "Hidden words"


def test_pdf_chunks_keep_their_offsets(tmp_path: Path) -> None:
    write(tmp_path, "a.pdf", pdf_with_text([f"Section {n}. {ARTICLE} {SECOND}" for n in (1, 2)]))
    [doc] = read_documents(tmp_path)
    chunks = chunk_document(doc, 30)
    assert [page_at(doc.pages, c.start) for c in chunks] == sorted(
        page_at(doc.pages, c.start) for c in chunks
    )
    assert {page_at(doc.pages, c.start) for c in chunks} == {1, 2}
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("notes.txt", lambda: b"PK\x03\x04\x00\x00\x14\x00" * 20, "binary file, not text"),
        ("ctl.md", lambda: bytes(range(1, 9)) * 50 + b"some text", "binary file, not text"),
        ("nul.html", lambda: b"<html>\x00\x00\x01</html>", "binary file, not text"),
        ("empty.txt", lambda: b"", "empty file"),
        ("blank.md", lambda: b"  \n\t\r\n  ", "empty file"),
        ("empty.pdf", lambda: b"", "empty file"),
        ("empty.html", lambda: b"\n", "empty file"),
        ("script.html", lambda: b"<html><head><script>var a = 1;</script></head></html>", ""),
        ("scan.pdf", blank_pdf, "no text layer (a scanned PDF?)"),
        ("locked.pdf", lambda: encrypted_pdf("secret"), "encrypted PDF (needs a password)"),
        ("junk.pdf", lambda: b"%PDF-1.7\nthis is not really a pdf", "corrupt PDF"),
        ("fake.pdf", lambda: b"<html>not a pdf</html>", "corrupt PDF (no %PDF header)"),
        ("cut.pdf", lambda: pdf_with_text(["Some text"])[:300], "corrupt PDF"),
        ("sub/deep.txt", lambda: b"\x00\x01\x02", "binary file, not text"),
    ],
)
def test_bad_files_raise_one_line_bad_source(
    tmp_path: Path, name: str, make: Callable[[], bytes], reason: str
) -> None:
    path = write(tmp_path, name, make())
    reason = reason or "no main text found in the HTML"
    with pytest.raises(BadSource) as info:
        read_document(tmp_path, path)
    message = str(info.value)
    assert message.startswith(f"{name}: {reason}")
    assert "\n" not in message and len(message) < 200


def test_vanished_file(tmp_path: Path) -> None:
    path = write(tmp_path, "gone.txt", b"here for now")
    [listed] = source_files(tmp_path)
    path.unlink()
    with pytest.raises(BadSource, match=r"^gone\.txt: file vanished"):
        read_document(tmp_path, listed)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.md", b"# Secret\n")
    path.chmod(0)
    try:
        with pytest.raises(BadSource, match=r"^secret\.md: permission denied$"):
            read_document(tmp_path, path)
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (PermissionError(13, "Permission denied"), "permission denied"),
        (
            FileNotFoundError(2, "No such file or directory"),
            "file vanished before it could be read",
        ),
        (OSError(5, "Input/output error"), "cannot read (Input/output error)"),
    ],
)
def test_os_errors_become_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, reason: str
) -> None:
    # Runs as root too, where chmod cannot make a file unreadable.
    path = write(tmp_path, "notes.txt", b"text")

    def fail(self: Path) -> bytes:
        raise error

    monkeypatch.setattr(Path, "read_bytes", fail)
    with pytest.raises(BadSource) as info:
        read_document(tmp_path, path)
    assert str(info.value) == f"notes.txt: {reason}"
