"""Sorted integer arrays per key for the keyword index, and the helpers that store them.

`Lists` keeps, for every key (a term, or a letter-digit run), parallel numpy columns that only grow
at the end: the rows loaded from disk in CSR form, rows rewritten since, and appends not yet merged.
The functions below pick top scores, test membership, and pack strings and offsets into the
arrays of one .npz file, checking on the way back that offsets fit. Nothing here knows about
chunks or BM25.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]
Remap = Callable[[Array], tuple[Array, Array]]  # old values -> (new values, which to keep)


class Lists:
    """Sorted parallel int arrays per key that only grow at the end: rows of the loaded arrays
    (CSR), rows rewritten since, and appends not merged yet (merged when the key is next read)."""

    def __init__(self, dtypes: tuple[type[Any], ...]):
        self.dtypes = dtypes
        self.rows: dict[str, int] = {}
        self.ptr: Array = np.zeros(1, dtype=np.int64)
        self.base = [np.zeros(0, dtype=d) for d in dtypes]
        self.changed: dict[str, list[Array]] = {}
        # Appends as typed arrays: Python lists of ints cost 36 bytes a value, 5-10x these, and a
        # build keeps every pending value of a 20 MB file until it is saved.
        self.codes = tuple(np.dtype(d).char for d in dtypes)
        self.pending: dict[str, list[array[int]]] = {}

    def __contains__(self, key: str) -> bool:
        return key in self.rows or key in self.changed or key in self.pending

    def append(self, key: str, *values: int) -> None:
        columns = self.pending.get(key) or self.new_row(key)
        for column, value in zip(columns, values, strict=True):
            column.append(value)

    def new_row(self, key: str) -> list[array[int]]:
        """Empty pending columns for key."""
        columns = self.pending[key] = [array(code) for code in self.codes]
        return columns

    def stored(self, key: str) -> list[Array]:
        """The key's arrays without its pending appends."""
        if (found := self.changed.get(key)) is not None:
            return found
        row = self.rows.get(key)
        lo, hi = (0, 0) if row is None else (int(self.ptr[row]), int(self.ptr[row + 1]))
        return [a[lo:hi] for a in self.base]

    def size(self, key: str) -> int:
        pending = self.pending.get(key)
        return len(self.stored(key)[0]) + (len(pending[0]) if pending else 0)

    def get(self, key: str) -> list[Array]:
        arrays, pending = self.stored(key), self.pending.pop(key, None)
        if pending:
            arrays = [np.concatenate([a, np.asarray(p, dtype=a.dtype)])
                      for a, p in zip(arrays, pending, strict=True)]  # fmt: skip
            self.changed[key] = arrays
        return arrays

    def keys(self, every: bool = False) -> list[str]:
        """Keys with values, sorted (every=True: also keys emptied by removals)."""
        found = set(self.rows) | set(self.changed) | set(self.pending)
        return sorted(k for k in found if every or self.size(k))

    def export(self, name: str, remap: Remap) -> dict[str, Array]:
        keys = self.keys()
        rows = [self.get(k) for k in keys]
        columns = [np.concatenate([r[i] for r in rows] or [self.base[i]])
                   for i in range(len(self.dtypes))]  # fmt: skip
        columns[0], keep = remap(columns[0])
        owner = np.repeat(np.arange(len(keys)), [len(r[0]) for r in rows])[keep]
        arrays = {
            f"{name}_{i}": c[keep].astype(d)
            for i, (c, d) in enumerate(zip(columns, self.dtypes, strict=True))
        }
        arrays[f"{name}_ptr"] = cumulative(np.bincount(owner, minlength=len(keys)).tolist())
        return arrays | pack(f"{name}_keys", keys)

    @classmethod
    def restore(
        cls, a: dict[str, Array], name: str, dtypes: tuple[type[Any], ...], limit: int
    ) -> Lists:
        lists = cls(dtypes)
        keys, first = unpack(a, f"{name}_keys"), a[f"{name}_0"]
        check(offsets_fit(a[f"{name}_ptr"], len(first), len(keys)), f"{name} do not fit")
        check(not len(first) or int(first.max()) < limit, f"{name} point past the end")
        lists.base = [a[f"{name}_{i}"].astype(d, copy=False) for i, d in enumerate(dtypes)]
        check(all(len(c) == len(first) for c in lists.base), f"{name} columns differ in length")
        lists.rows, lists.ptr = {k: i for i, k in enumerate(keys)}, a[f"{name}_ptr"]
        return lists


def top(scores: Array, k: int) -> Array:
    """Slots of the k highest non-zero scores, best first, equal scores by slot."""
    touched = np.flatnonzero(scores)
    values = scores[touched]
    if len(touched) > k:
        kth = np.partition(values, len(values) - k)[len(values) - k]
        keep = values >= kth
        touched, values = touched[keep], values[keep]
    result: Array = touched[np.lexsort((touched, -values))[:k]]
    return result


def batched(values: Array) -> Iterator[int]:
    """values as ints, converted in growing batches so that stopping early costs little."""
    lo, size = 0, 256
    while lo < len(values):
        yield from values[lo : lo + size].tolist()
        lo, size = lo + size, min(size * 2, 1 << 16)


def member(ascending: Array, probes: Array) -> Array:
    """Which probes occur in ascending."""
    if not len(ascending):
        return np.zeros(len(probes), dtype=bool)
    found: Array = ascending[np.minimum(np.searchsorted(ascending, probes), len(ascending) - 1)]
    return found == probes


def cumulative(sizes: list[int]) -> Array:
    return np.concatenate([[0], np.cumsum(np.asarray(sizes, dtype=np.int64))]).astype(np.int64)


def pack(name: str, strings: list[str]) -> dict[str, Array]:
    encoded = [s.encode() for s in strings]
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return {name: blob, f"{name}_at": cumulative([len(e) for e in encoded])}


def unpack(a: dict[str, Array], name: str) -> list[str]:
    blob, at = a[name], a[f"{name}_at"]
    check(offsets_fit(at, len(blob), len(at) - 1), f"{name} offsets do not fit")
    data, bounds = blob.tobytes(), at.tolist()
    return [data[lo:hi].decode() for lo, hi in itertools.pairwise(bounds)]


def offsets_fit(at: Array, size: int, count: int) -> bool:
    """at holds count + 1 non-decreasing offsets from 0 to size."""
    if at.ndim != 1 or len(at) != count + 1 or count < 0:
        return False
    return int(at[0]) == 0 and int(at[-1]) == size and bool(np.all(np.diff(at) >= 0))


def check(condition: bool, reason: str) -> None:
    if not condition:
        raise ValueError(reason)
