"""Word (.docx) sources: paragraphs, headings and table rows as text, answers citing the stored
extracted text, and one-line reasons for corrupt, encrypted and other unusable files."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from assistant.api import Assistant
from assistant.cli import main
from assistant.core.errors import BadSource
from assistant.core.text import paragraph_spans
from assistant.ingest import word
from assistant.ingest.chunking import chunk_document
from assistant.ingest.readers import read_document

INTRO = "The Karakoram holds some of the largest glaciers outside the polar regions."
MELT = "Meltwater from the Hispar Glacier feeds the Hunza River, which joins the Gilgit River."
ROWS = [
    ("Glacier", "Length", "Country"),
    ("Baltoro", "63 km", "Pakistan"),
    ("Siachen", "76 km", "India"),
]
EXPECTED = (
    "Glaciers of the Karakoram\n\n"
    f"{INTRO}\n\n"
    "Lengths\n\n"
    "Glacier | Length | Country\nBaltoro | 63 km | Pakistan\nSiachen | 76 km | India\n\n"
    f"{MELT}"
)


def word_file(title: str = "") -> bytes:
    """A .docx as Word would hold it: a heading, paragraphs, a table and a run in bold."""
    document = docx.Document()
    document.core_properties.title = title
    document.add_heading("Glaciers of the Karakoram", level=1)
    document.add_paragraph(f"  {INTRO}\t")  # stray whitespace is collapsed
    document.add_heading("Lengths", level=2)
    table = document.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.add_row()  # an empty row is dropped
    document.add_paragraph("")  # so is an empty paragraph
    first, rest = MELT.split(", ")
    paragraph = document.add_paragraph(f"{first}, ")
    paragraph.add_run(rest).bold = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def merged_table() -> bytes:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Karakoram glaciers"
    for c, value in enumerate(("Baltoro", "", "63 km")):
        table.cell(1, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def ole_file(*streams: str) -> bytes:
    """A compound-file header and directory naming streams: what Word writes for a .docx with a
    password (EncryptionInfo, EncryptedPackage), and the shape of an old binary .doc."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + struct.pack("<HH", 0x3E, 3)
    header = header.ljust(512, b"\x00")
    entries = b""
    for name in ("Root Entry", *streams):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entries += encoded.ljust(64, b"\x00") + struct.pack("<H", len(encoded)) + bytes(62)
    return header + entries.ljust(512, b"\x00")


def zipped(**parts: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name.replace("__", "/"), data)
    return out.getvalue()


def empty_word_file() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("title", "expected"), [("", "Glaciers of the Karakoram"), ("Ice", "Ice")])
def test_paragraphs_headings_and_table_rows(tmp_path: Path, title: str, expected: str) -> None:
    doc = read_document(tmp_path, write(tmp_path, "glaciers.docx", word_file(title)))
    assert (doc.source, doc.text, doc.title, doc.pages, doc.note) == (
        "glaciers.docx", EXPECTED, expected, (), ""
    )  # fmt: skip
    lines = [doc.text[a:b] for a, b in paragraph_spans(doc.text)]
    assert "Lengths" in lines and "Baltoro | 63 km | Pakistan" in lines
    chunks = chunk_document(doc, max_words=20)
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)


def test_a_merged_cell_is_written_once(tmp_path: Path) -> None:
    doc = read_document(tmp_path, write(tmp_path, "merged.docx", merged_table()))
    assert doc.text == "Karakoram glaciers\nBaltoro | 63 km"


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("x.docx", lambda: os.urandom(4096), "corrupt Word file (not a zip package)"),
        ("locked.docx", lambda: ole_file("EncryptionInfo", "EncryptedPackage"), "encrypted Word"),
        ("old.docx", lambda: ole_file("WordDocument", "1Table"), "not a .docx file (an old"),
        ("cut.docx", lambda: word_file()[:2000], "corrupt Word file ("),
        ("sheet.docx", lambda: zipped(hello__txt=b"hello"), "corrupt Word file ("),
        ("blank.docx", empty_word_file, "no text found in the Word file"),
        ("empty.docx", lambda: b"", "empty file"),
    ],
)
def test_unusable_files_raise_one_line_bad_source(
    tmp_path: Path, name: str, make: Callable[[], bytes], reason: str
) -> None:
    with pytest.raises(BadSource) as info:
        read_document(tmp_path, write(tmp_path, name, make()))
    message = str(info.value)
    assert message.startswith(f"{name}: {reason}"), message
    assert "\n" not in message and len(message) < 200


def test_a_package_that_unpacks_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(word, "MAX_UNPACKED_BYTES", 1000)
    path = write(tmp_path, "bomb.docx", zipped(word__document__xml=bytes(5000)))
    with pytest.raises(BadSource, match=r"^bomb\.docx: Word file unpacks to more than "):
        read_document(tmp_path, path)


def test_index_and_answer_from_a_word_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources, index = tmp_path / "sources", tmp_path / "index"
    write(sources, "glaciers.docx", word_file())
    write(sources, "x.docx", os.urandom(4096))
    write(sources, "locked.docx", ole_file("EncryptionInfo", "EncryptedPackage"))
    flags = ["--sources", str(sources), "--index", str(index)]
    assert main(["index", "--dry-run", *flags]) == 0
    assert main(["index", "--quiet", *flags]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "add: glaciers.docx" in out
    for verb in ("skip: ", "skipped "):
        assert f"{verb}x.docx: corrupt Word file (not a zip package)" in out
        assert f"{verb}locked.docx: encrypted Word file (needs a password)" in out
    assistant = Assistant(sources=sources, index=index)
    stored = assistant.source_text("glaciers.docx")
    assert stored == EXPECTED
    for question, quote in [
        ("How long is the Baltoro Glacier?", "Baltoro | 63 km | Pakistan"),
        ("Which river does the Hunza River join?", MELT),
    ]:
        answer = assistant.answer(question)
        assert not answer.abstained, question
        [first, *_] = answer.citations
        assert (first.source, first.excerpt) == ("glaciers.docx", quote)
        assert all(stored[c.start : c.end] == c.excerpt for c in answer.citations)


def test_help_names_the_word_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["index", "--help"])
    assert ".pdf and .docx files" in capsys.readouterr().out
