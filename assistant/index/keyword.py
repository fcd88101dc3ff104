"""BM25 keyword search over chunks that persists in a folder and updates incrementally.

Dense vectors miss rare tokens such as a year or a surname; this index finds them, and finds the
chunks whose text contains a name, number or phrase (`containing`: a case-insensitive substring
test, so "Afghan" also finds "Afghanistan"). Scores are Okapi BM25 (k1=1.5, b=0.75) over the stemmed
content words of each chunk's title and text (`assistant.core.text.terms`).

Every chunk added gets a slot, its insertion rank (equal scores go to the earlier slot). Texts sit
UTF-8 encoded in one bytearray; a `Chunk` is rebuilt when asked for. Two `Lists` hold sorted numpy
arrays per key: term -> (slots, term frequencies) for BM25, and letter-digit run of the lower-cased
text -> positions in the stream of all runs, so `containing` only reads chunks where the phrase's
runs follow one another (a phrase that occurs nowhere costs a few ms even when its words are
everywhere). Additions are buffered per key and merged when the key is next read. `remove` drops
BM25 postings at once; positions and texts of removed chunks stay as garbage until `save`, which
writes only live chunks, renumbered, to one .npz (zip CRCs catch corruption) under a temporary
name, then `os.replace`s it. Left out: several processes writing one folder; reclaiming the
garbage in memory without a save and load.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

import numpy as np

from assistant.core.errors import IndexFailure
from assistant.core.text import terms
from assistant.core.types import Chunk
from assistant.index.postings import (
    Array,
    Lists,
    batched,
    check,
    cumulative,
    member,
    offsets_fit,
    pack,
    top,
    unpack,
)

FILENAME = "keyword.npz"
FORMAT = 1
_NO_PAGE = -1
_MAX_TF = int(np.iinfo(np.uint16).max)
_RUN = re.compile(r"[a-z0-9]+")
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]+")  # ASCII punctuation
_WIDE = 64  # a phrase run matching more recorded runs than this is not used to narrow

_savez: Callable[..., None] = np.savez  # its stubs take every keyword for allow_pickle


class KeywordIndex:
    """BM25 over chunks (see the module docstring); safe to share between threads."""

    def __init__(self, chunks: Iterable[Chunk] = (), k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self._lock = threading.RLock()
        self._slot: dict[str, int] = {}  # live chunk id -> slot
        self._ids: list[str] = []  # per slot (removed ones too), like the lists below
        self._doc: list[int] = []  # index into _docs
        self._spans: list[list[int]] = []  # start, end, page (_NO_PAGE for none)
        self._lengths: list[int] = []  # terms in title + text; 0 once removed
        self._offsets: list[int] = [0]  # slot i's text is _text[_offsets[i] : _offsets[i + 1]]
        self._runs_at: list[int] = [0]  # slot i's runs are positions _runs_at[i] to [i + 1]
        self._text = bytearray()
        self._docs: list[tuple[str, str]] = []  # (source, title)
        self._total = 0  # sum of live lengths
        self._terms = Lists((np.int32, np.uint16))  # term -> slots, term frequencies
        self._positions = Lists((np.uint32,))  # run -> positions
        self._derived: dict[str, Array] = {}  # arrays computed from the above; see _array
        self._listing: tuple[str, list[str], Array] | None = None  # runs as one string
        self.add(list(chunks))

    def __len__(self) -> int:
        return len(self._slot)

    def get(self, chunk_id: str) -> Chunk | None:
        with self._lock:
            slot = self._slot.get(chunk_id)
            return None if slot is None else self._chunk(slot)

    def df(self, term: str) -> int:
        """Number of chunks holding term."""
        with self._lock:
            return self._terms.size(term)

    def knows(self, term: str) -> bool:
        return self.df(term) > 0

    def idf(self, term: str) -> float:
        """BM25's idf; a term no chunk contains gets the highest value a term could have."""
        with self._lock:
            n, df = len(self._slot), self._terms.size(term)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def add(self, chunks: list[Chunk]) -> None:
        """Index chunks; a chunk whose id is already indexed replaces the earlier one."""
        latest = list({c.id: c for c in chunks}.values())
        with self._lock:
            self.remove([c.id for c in latest if c.id in self._slot])
            for chunk in latest:
                self._append(chunk)
            self._derived.clear()

    def remove(self, chunk_ids: list[str]) -> None:
        """Forget chunks by id; ids the index does not hold are ignored."""
        with self._lock:
            gone = sorted(self._slot.pop(i) for i in set(chunk_ids) if i in self._slot)
            touched: set[str] = set()
            for slot in gone:
                touched.update(terms(_indexed_text(self._chunk(slot))))
                self._total -= self._lengths[slot]
                self._lengths[slot] = 0
            dead = np.asarray(gone, dtype=np.int32)
            for term in touched:
                slots, tfs = self._terms.get(term)
                keep = ~np.isin(slots, dead, assume_unique=True)
                self._terms.changed[term] = [slots[keep], tfs[keep]]
            self._derived.clear()

    def search(
        self, query: str, k: int, sources: Collection[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """The k best chunks for query by BM25 (of `sources` only, when given), best first."""
        with self._lock:
            found = [(self.idf(t), self._terms.get(t)) for t in dict.fromkeys(terms(query))]
            found = [(idf, postings) for idf, postings in found if len(postings[0])]
            if k <= 0 or not found:
                return []
            norm = self._array("norm")
            scores = np.zeros(len(self._lengths))
            for idf, (slots, counts) in found:
                tf = counts.astype(np.float64)
                scores[slots] += idf * tf * (self.k1 + 1) / (tf + norm[slots])
            if sources is not None:
                docs = [i for i, (source, _) in enumerate(self._docs) if source in sources]
                scores[~np.isin(np.asarray(self._doc, dtype=np.int64), docs)] = 0.0
            return [(self._chunk(int(s)), float(scores[s])) for s in top(scores, k)]

    def containing(
        self, phrase: str, limit: int | None = None, sources: Collection[str] | None = None
    ) -> list[Chunk]:
        """Chunks whose text contains phrase, compared case-insensitively, in the order added
        (of `sources` only, when given).

        `limit` stops after that many, for callers that only ask whether there are any.
        """
        needle = phrase.lower()
        marks = [m.encode() for m in _PUNCTUATION.findall(needle)]  # lower() keeps these as is
        found: list[Chunk] = []
        with self._lock:
            for slot in self._candidates(needle):
                if limit is not None and len(found) >= limit:
                    break
                lo, hi = self._offsets[slot], self._offsets[slot + 1]
                if (
                    self._slot.get(self._ids[slot]) == slot
                    and (sources is None or self._docs[self._doc[slot]][0] in sources)
                    and all(self._text.find(m, lo, hi) >= 0 for m in marks)
                    and needle in self._text[lo:hi].decode().lower()
                ):
                    found.append(self._chunk(slot))
        return found

    def save(self, folder: Path) -> None:
        """Write the live chunks, their postings and positions to folder, atomically."""
        with self._lock:
            arrays = self._to_arrays()
        temp = folder / f".{FILENAME}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with temp.open("wb") as f:
                _savez(f, **arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, folder / FILENAME)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise IndexFailure(f"cannot save the keyword index in {folder}: {exc}") from exc

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        """The index saved in folder; IndexFailure when it is missing or unreadable."""
        path = folder / FILENAME
        if not path.is_file():
            raise IndexFailure(f"no keyword index in {folder}")
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
            return cls._from_arrays(arrays)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise IndexFailure(f"the keyword index in {folder} is unreadable: {reason}") from exc

    def _append(self, chunk: Chunk) -> None:
        slot = len(self._ids)
        counts = Counter(terms(_indexed_text(chunk)))
        for term, tf in counts.items():
            self._terms.append(term, slot, min(tf, _MAX_TF))
        runs = _RUN.findall(chunk.text.lower())
        pending = self._positions.pending
        for position, run in enumerate(runs, start=self._runs_at[-1]):
            if (column := pending.get(run)) is None:
                if self._listing is not None and run not in self._positions:
                    self._listing = None
                column = self._positions.new_row(run)
            column[0].append(position)
        if not self._docs or self._docs[-1] != (chunk.source, chunk.title):
            self._docs.append((chunk.source, chunk.title))
        self._slot[chunk.id] = slot
        self._ids.append(chunk.id)
        self._doc.append(len(self._docs) - 1)
        self._spans.append([chunk.start, chunk.end, _NO_PAGE if chunk.page is None else chunk.page])
        self._lengths.append(sum(counts.values()))
        self._total += self._lengths[-1]
        self._text += chunk.text.encode()
        self._offsets.append(len(self._text))
        self._runs_at.append(self._runs_at[-1] + len(runs))

    def _text_of(self, slot: int) -> str:
        return self._text[self._offsets[slot] : self._offsets[slot + 1]].decode()

    def _chunk(self, slot: int) -> Chunk:
        start, end, page = self._spans[slot]
        source, title = self._docs[self._doc[slot]]
        text, at = self._text_of(slot), None if page == _NO_PAGE else page
        return Chunk(self._ids[slot], source, title, text, start, end, at)

    def _array(self, name: str) -> Array:
        """norm: k1 * (1 - b + b * length / average length) per slot; live: live slots, sorted;
        runs_at: _runs_at. Computed on first use after a change."""
        if name not in self._derived:
            if name == "norm":
                lengths = np.asarray(self._lengths, dtype=np.float64)
                average = (self._total / len(self._slot)) if self._slot else 0.0
                found = self.k1 * (1 - self.b + self.b * lengths / (average or 1))
            elif name == "live":
                found = np.sort(np.fromiter(self._slot.values(), np.int64, len(self._slot)))
            else:
                found = np.asarray(self._runs_at, dtype=np.int64)
            self._derived[name] = found
        return self._derived[name]

    def _candidates(self, needle: str) -> Iterator[int]:
        """Slots, ascending, where the needle's runs follow one another (the first may end a
        longer run, the last may start one), read in growing batches so a caller can stop early.
        A run matching over _WIDE recorded runs does not narrow."""
        parts: list[tuple[int, int, list[str]]] = []  # positions held, offset, matching runs
        for j, match in enumerate(_RUN.finditer(needle)):
            head, tail = match.start() == 0, match.end() == len(needle)
            runs = self._runs_matching(("" if head else "\n") + match[0] + ("" if tail else "\n"))
            if not runs:
                return
            if len(runs) <= _WIDE:
                parts.append((sum(self._positions.size(r) for r in runs), j, runs))
        parts.sort()
        if not parts or (len(parts[0][2]) > 1 and parts[0][0] > 2 * len(self._slot)):
            yield from batched(self._array("live"))  # too common to be worth narrowing
            return
        _, first, runs = parts[0]
        starts = np.concatenate([self._positions.get(r)[0] for r in runs]).astype(np.int64)
        starts = (np.sort(starts, kind="stable") if len(runs) > 1 else starts) - first
        checks = [(j, [self._positions.get(r)[0] for r in runs]) for _, j, runs in parts[1:]]
        runs_at, last, lo, size = self._array("runs_at"), -1, 0, 256
        while lo < len(starts):
            batch = starts[lo : lo + size]
            lo, size = lo + size, min(size * 2, 1 << 16)
            for j, held in checks:
                batch = batch[np.any([member(h, batch + j) for h in held], axis=0)]
            slots = np.searchsorted(runs_at, batch[batch >= 0], side="right") - 1
            yield from slots[np.diff(slots, prepend=last) != 0].tolist()
            last = int(slots[-1]) if len(slots) else last

    def _runs_matching(self, pattern: str) -> list[str]:
        """Recorded runs that hold pattern, where a newline marks the start or end of a run."""
        if pattern.startswith("\n") and pattern.endswith("\n"):
            return [pattern[1:-1]] if pattern[1:-1] in self._positions else []
        if self._listing is None:
            names = self._positions.keys(every=True)
            starts = cumulative([len(n) + 1 for n in names]) + 1
            self._listing = ("\n" + "\n".join(names) + "\n", names, starts)
        text, names, starts = self._listing
        at = [m.start() + (m[0][0] == "\n") for m in re.finditer(re.escape(pattern), text)]
        rows = np.searchsorted(starts, np.asarray(at, dtype=np.int64), side="right") - 1
        return [names[i] for i in np.unique(rows).tolist()]

    def _to_arrays(self) -> dict[str, Array]:
        live = np.asarray(sorted(self._slot.values()), dtype=np.int64)
        renumber = np.full(len(self._ids), -1, dtype=np.int64)
        renumber[live] = np.arange(len(live))
        at, runs_at = np.asarray(self._offsets), np.asarray(self._runs_at, dtype=np.int64)
        new_runs_at = cumulative((runs_at[live + 1] - runs_at[live]).tolist())

        def positions(old: Array) -> tuple[Array, Array]:
            if len(live) == len(self._ids):
                return old, np.ones(len(old), dtype=bool)
            slot = np.searchsorted(runs_at, old, side="right") - 1
            new = renumber[slot]
            moved = old - runs_at[slot] + new_runs_at[np.maximum(new, 0)]
            return moved.astype(np.uint32), new >= 0

        view = memoryview(self._text)
        text = b"".join(
            view[a:b] for a, b in zip(at[live].tolist(), at[live + 1].tolist(), strict=True)
        )
        used, doc = np.unique(np.asarray(self._doc, dtype=np.int64)[live], return_inverse=True)
        meta = json.dumps({"format": FORMAT, "k1": self.k1, "b": self.b}).encode()
        return {
            "meta": np.frombuffer(meta, dtype=np.uint8), "doc": doc.astype(np.int32),
            "spans": np.asarray(self._spans, dtype=np.int64).reshape(-1, 3)[live],
            "text": np.frombuffer(text, dtype=np.uint8), "runs_at": new_runs_at,
            "text_at": cumulative((at[live + 1] - at[live]).tolist()),
            "lengths": np.asarray(self._lengths, dtype=np.int32)[live],
            **pack("ids", [self._ids[i] for i in live.tolist()]),
            **pack("docs", [x for i in used.tolist() for x in self._docs[i]]),
            **self._terms.export("terms", lambda s: (renumber[s], renumber[s] >= 0)),
            **self._positions.export("positions", positions),
        }  # fmt: skip

    @classmethod
    def _from_arrays(cls, a: dict[str, Array]) -> KeywordIndex:
        meta = json.loads(a["meta"].tobytes())
        check(isinstance(meta, dict) and meta.get("format") == FORMAT, f"not format {FORMAT}")
        index = cls(k1=float(meta["k1"]), b=float(meta["b"]))
        ids, docs = unpack(a, "ids"), unpack(a, "docs")
        n, text = len(ids), a["text"]
        check(len(set(ids)) == n and len(docs) % 2 == 0, "duplicate ids or odd document table")
        for name, shape in (("doc", (n,)), ("spans", (n, 3)), ("lengths", (n,))):
            check(a[name].shape == shape, f"{name} has shape {a[name].shape}, not {shape}")
        check(offsets_fit(a["text_at"], len(text), n), "text offsets do not fit the text")
        check(not n or 0 <= a["doc"].min() <= a["doc"].max() < len(docs) // 2, "bad document")
        index._terms = Lists.restore(a, "terms", (np.int32, np.uint16), n)
        runs = int(a["runs_at"][-1]) if len(a["runs_at"]) else 0
        check(offsets_fit(a["runs_at"], runs, n), "run offsets do not fit")
        index._positions = Lists.restore(a, "positions", (np.uint32,), runs)
        index._ids, index._slot = ids, dict(zip(ids, range(n), strict=True))
        index._docs = list(zip(docs[::2], docs[1::2], strict=True))
        index._doc, index._spans = a["doc"].tolist(), a["spans"].tolist()
        index._lengths, index._offsets = a["lengths"].tolist(), a["text_at"].tolist()
        index._runs_at = a["runs_at"].tolist()
        index._total, index._text = sum(index._lengths), bytearray(text)
        return index


def _indexed_text(chunk: Chunk) -> str:
    return f"{chunk.title}\n{chunk.text}"
