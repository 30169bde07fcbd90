"""Tokens: spaCy's Indonesian tokenizer, computed once at import and stored compactly.

A stored token list covers the whole text: each token is (start, end) in Python `str`
offsets, and whitespace that is not a single space after a token is a token of its own (as
in spaCy). So a token is followed by whitespace (`ws`) exactly when the next token starts
after it ends.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

_PACKED = b"p"  # uint16 values: length << 1 | gap (gap 0 or 1); the usual case
_WIDE = b"w"  # uint32 pairs: gap, length; for anything the packed form cannot hold
SLASH_BEFORE_WORD = r"(?<=[0-9A-Za-z.])/(?=[A-Za-z])"


@functools.lru_cache(maxsize=1)
def tokenizer():
    """spaCy's blank Indonesian tokenizer, taught to split slashes glued to words.

    News photo credits glue agency, year and photographer together ("AFP/2022./Alexander");
    splitting at a slash before a letter lets each be labelled on its own. The rule goes in
    through the language defaults, because changing a built tokenizer's infixes reloads its
    thirty thousand special cases.
    """
    from spacy.lang.id import Indonesian

    class SorotDefaults(Indonesian.Defaults):
        infixes = [*Indonesian.Defaults.infixes, SLASH_BEFORE_WORD]

    class SorotIndonesian(Indonesian):
        Defaults = SorotDefaults

    return SorotIndonesian().tokenizer


def tokenize(texts: Iterable[str], batch_size: int = 256) -> Iterator[bytes]:
    """Tokenize texts and yield each one's tokens, encoded for storage."""
    from spacy.attrs import IDX, LENGTH

    for doc in tokenizer().pipe(texts, batch_size=batch_size):
        yield encode_array(doc.to_array([IDX, LENGTH]))


def encode_array(idx_length: np.ndarray) -> bytes:
    """Encode an (n, 2) array of token start offsets and lengths."""
    if len(idx_length) == 0:
        return _PACKED
    starts = idx_length[:, 0].astype(np.int64)
    lengths = idx_length[:, 1].astype(np.int64)
    ends = starts + lengths
    gaps = starts - np.concatenate(([0], ends[:-1]))
    if gaps.max() <= 1 and gaps.min() >= 0 and lengths.max() < 32768:
        return _PACKED + ((lengths << 1) | gaps).astype("<u2").tobytes()
    pairs = np.stack([gaps, lengths], axis=1).astype("<u4")
    return _WIDE + pairs.tobytes()


def encode(spans: list[tuple[int, int]]) -> bytes:
    """Encode a list of (start, end) token offsets."""
    arr = np.array([(s, e - s) for s, e in spans], dtype=np.int64).reshape(-1, 2)
    return encode_array(arr)


def decode(data: bytes) -> tuple[list[int], list[int]]:
    """Decode stored tokens into lists of start and end offsets."""
    starts, ends = decode_arrays(data)
    return starts.tolist(), ends.tolist()


def decode_arrays(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Decode stored tokens into int64 arrays of start and end offsets."""
    kind, body = data[:1], data[1:]
    if kind == _PACKED:
        values = np.frombuffer(body, dtype="<u2").astype(np.int64)
        lengths, gaps = values >> 1, values & 1
    elif kind == _WIDE:
        pairs = np.frombuffer(body, dtype="<u4").astype(np.int64).reshape(-1, 2)
        gaps, lengths = pairs[:, 0], pairs[:, 1]
    else:
        raise ValueError(f"unknown token encoding {kind!r}")
    ends = np.cumsum(gaps + lengths)
    return ends - lengths, ends


@dataclass
class Tokens:
    """An article's tokens as parallel lists of start and end offsets."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def from_bytes(cls, data: bytes) -> Tokens:
        return cls(*decode(data))

    def split_at(self, offsets: Iterable[int]) -> int:
        """Split tokens so that each offset falls on a token edge; return how many splits."""
        splits = 0
        for offset in sorted(set(offsets)):
            i = bisect.bisect_right(self.starts, offset) - 1
            if i >= 0 and self.starts[i] < offset < self.ends[i]:
                self.starts.insert(i + 1, offset)
                self.ends.insert(i, offset)
                splits += 1
        return splits

    def whitespace(self, text: str) -> list[bool]:
        """Whether each token is followed by a single space that belongs to it."""
        following = self.starts[1:] + [len(text)]
        return [nxt > end for end, nxt in zip(self.ends, following)]

