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
from typing import Any

import numpy as np

_PACKED = b"p"  # uint16 values: length << 1 | gap (gap 0 or 1); the usual case
_WIDE = b"w"  # uint32 pairs: gap, length; for anything the packed form cannot hold
SLASH_BEFORE_WORD = r"(?<=[0-9A-Za-z.])/(?=[A-Za-z])"


@functools.lru_cache(maxsize=1)
def tokenizer() -> WarmTokenizer:
    """spaCy's blank Indonesian tokenizer, taught to split slashes glued to words.

    News photo credits glue agency, year and photographer together ("AFP/2022./Alexander");
    splitting at a slash before a letter lets each be labelled on its own. The rule goes in
    through the language defaults, because changing a built tokenizer's infixes reloads its
    thirty thousand special cases. It comes wrapped in a `WarmTokenizer`.
    """
    from spacy.lang.id import Indonesian, IndonesianDefaults  # Indonesian.Defaults

    class SorotDefaults(IndonesianDefaults):
        infixes = [*IndonesianDefaults.infixes, SLASH_BEFORE_WORD]

    class SorotIndonesian(Indonesian):
        Defaults = SorotDefaults

    return WarmTokenizer(SorotIndonesian().tokenizer)


class WarmTokenizer:
    """A spaCy tokenizer whose cache of split chunks is kept warm; the tokens are the same.

    spaCy's tokenizer caches how it split each whitespace-delimited chunk of text, but once a
    text has met a special case it caches nothing more of that text (its `has_special` flag
    is kept for the whole text, not per chunk). Indonesian has 16,000 special cases, mostly
    reduplications such as 'negara-negara', and most articles meet one early, so the rest of
    each article was split afresh by the prefix, suffix and infix expressions, every time.
    Here each chunk not seen before is first tokenized with nothing before it, where the
    cache takes it: the plain words of a text together in one call, and any chunk that may
    hold a special case (one with punctuation in it) alone. The text itself then hits the
    cache almost everywhere. The set of chunks seen is bounded; past it, chunks are split as
    spaCy would anyway.
    """

    def __init__(self, tokenizer: Any, max_chunks: int = 200_000) -> None:
        self.spacy = tokenizer
        self.vocab = tokenizer.vocab
        self.max_chunks = max_chunks
        # the texts' own calls cache chunks too, so spaCy's cache may hold more than ours
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, 2 * max_chunks)
        self._specials = frozenset(tokenizer.rules)
        self._seen: set[str] = set()

    def __call__(self, text: str) -> Any:
        """The text's Doc, exactly as spaCy's tokenizer makes it."""
        seen = self._seen
        if len(seen) < self.max_chunks:
            new = set(text.split())
            new -= seen
            if new:
                self._warm(new)
                seen |= new
        return self.spacy(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[Any]:
        for text in texts:
            yield self(text)

    def explain(self, text: str) -> list[tuple[str, str]]:
        explained: list[tuple[str, str]] = self.spacy.explain(text)  # (rule, token) pairs
        return explained

    def _warm(self, chunks: set[str]) -> None:
        specials, tok = self._specials, self.spacy
        plain = [c for c in chunks if c.isalnum() and c not in specials]
        if plain:
            tok(" ".join(plain))
        if len(plain) < len(chunks):
            for chunk in chunks:
                if not chunk.isalnum() or chunk in specials:
                    tok(chunk)


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
