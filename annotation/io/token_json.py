"""Prodigy-style token lists as JSON, written with array operations instead of per-token code.

A 3 KB article has about 500 tokens. Building a dict per token and dumping it costs more
than spaCy spends tokenizing the text, so an export would be slower than re-tokenizing.
Here every token becomes one row of a byte matrix of fixed width: the constant JSON pieces
are written column-wise for all tokens at once, numbers come from a table of digit strings,
and token texts are scattered in right-aligned. NUL bytes pad what is shorter than its
column; one `bytes.translate` deletes them all. JSON output never holds a raw NUL (a NUL
in the text is escaped as \\u0000), so nothing else is deleted. The result is
byte-for-byte `json.dumps(tokens, ensure_ascii=False, separators=(",", ":"))`.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
from collections.abc import Iterator
from typing import Any

import numpy as np

from annotation.nlp.tokens import Tokens

_DIGITS = 6  # columns per number: offsets below 10**6 (a million-character article)
_PREFIX = b'{"text":"'
_WS = np.frombuffer(b"false" + b"true\0", dtype=np.uint8).reshape(2, 5)
_LONGEST_TOKEN = 512  # bytes; an article with a longer token takes the plain path
# Bytes JSON must escape (with ensure_ascii=False): '"', '\\' and control characters.
_NEEDS_ESCAPE = np.zeros(256, dtype=bool)
_NEEDS_ESCAPE[:0x20] = _NEEDS_ESCAPE[0x22] = _NEEDS_ESCAPE[0x5C] = True


def tokens_json(text: str, starts: np.ndarray, ends: np.ndarray) -> bytes:
    """The JSON array of `{"text","start","end","id","ws"}` objects for these tokens.

    `starts` and `ends` are int64 arrays of Python `str` offsets; a token is followed by
    whitespace when the next token starts after it ends (see `annotation.nlp.tokens`).
    """
    return tokens_json_many([(text, starts, ends)])[0]


def tokens_json_many(items: list[tuple[str, np.ndarray, np.ndarray]]) -> list[bytes]:
    """`tokens_json` for several articles at once: the array work is done for all of them
    together, so its fixed cost per call is shared."""
    results: list[bytes | None] = [None] * len(items)
    batch = []
    for i, (text, starts, ends) in enumerate(items):
        if len(starts) == 0:
            results[i] = b"[]"
        elif len(text) >= 10**_DIGITS or _has_surrogates(text):
            results[i] = _plain(text, starts, ends)
        else:
            batch.append(i)
    if batch:
        texts = [items[i][0] for i in batch]
        made = _batch([items[i][1] for i in batch], [items[i][2] for i in batch], texts)
        if made is None:  # a very long token: one article at a time, some on the plain path
            made = [
                (_batch([items[i][1]], [items[i][2]], [items[i][0]]) or [_plain(*items[i])])[0]
                for i in batch
            ]
        for i, data in zip(batch, made):
            results[i] = data
    return results  # type: ignore[return-value]


def _batch(
    starts_list: list[np.ndarray], ends_list: list[np.ndarray], texts: list[str]
) -> list[bytes] | None:
    """The token JSON of each article, or None when a token is too long for the fast path."""
    counts = np.array([len(s) for s in starts_list], dtype=np.int64)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    bases = np.repeat(np.cumsum(lengths) - lengths, counts)
    starts, ends = np.concatenate(starts_list), np.concatenate(ends_list)
    text = "".join(texts)
    raw = text.encode("utf-8")
    byte_at = _byte_offsets(text, raw)
    payload, pay_start, pay_len = _payloads(raw, byte_at[starts + bases], byte_at[ends + bases])
    longest = int(pay_len.max())
    if longest > _LONGEST_TOKEN:
        return None
    n = len(starts)
    first = np.cumsum(counts) - counts  # each article's first token
    ids = np.arange(n, dtype=np.int64) - np.repeat(first, counts)
    following = np.empty(n, dtype=np.int64)
    following[:-1] = starts[1:]
    following[first[1:] - 1] = lengths[:-1]  # an article's last token: its text's end
    following[-1] = lengths[-1]

    # Numbers take as many columns as the longest article's length has digits.
    digits = len(str(int(lengths.max())))
    suffix_bytes, places = _suffix(digits)
    width = len(_PREFIX) + longest + len(suffix_bytes)
    rows = np.zeros((n, width), dtype=np.uint8)
    rows[:, : len(_PREFIX)] = np.frombuffer(_PREFIX, dtype=np.uint8)
    suffix = rows[:, len(_PREFIX) + longest :]
    suffix[:] = np.frombuffer(suffix_bytes, dtype=np.uint8)
    table = _digit_table()[:, _DIGITS - digits :]
    start_at, end_at, id_at, ws_at = places
    suffix[:, start_at : start_at + digits] = table[starts]
    suffix[:, end_at : end_at + digits] = table[ends]
    suffix[:, id_at : id_at + digits] = table[ids]
    suffix[:, ws_at : ws_at + 5] = _WS[(ends < following).view(np.uint8)]

    # Token texts, right-aligned against the suffix: one scatter over their bytes only.
    total = int(pay_len.sum())
    row = np.repeat(np.arange(n, dtype=np.int64), pay_len)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(pay_len) - pay_len, pay_len)
    target = row * width + (len(_PREFIX) + longest) - pay_len[row] + within
    rows.ravel()[target] = np.frombuffer(payload, dtype=np.uint8)[pay_start[row] + within]

    # Every byte that is not padding is output, so each article's share is its rows' count.
    sizes = np.add.reduceat(np.count_nonzero(rows, axis=1), first).tolist()
    out = rows.tobytes().translate(None, b"\0")
    made: list[bytes] = []
    at = 0
    for size in sizes:
        made.append(b"[" + out[at : at + size - 1] + b"]")  # less the last token's comma
        at += size
    return made


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: rare, and no fast path for them
        return True
    return False


@functools.lru_cache(maxsize=_DIGITS + 1)
def _suffix(digits: int) -> tuple[bytes, tuple[int, int, int, int]]:
    """What follows a token's text, with `digits` NUL columns per number and 5 for ws."""
    pieces = [b'","start":', b',"end":', b',"id":', b',"ws":']
    places, at = [], 0
    for piece, width in zip(pieces, (digits, digits, digits, 5)):
        at += len(piece)
        places.append(at)
        at += width
    suffix = (
        b"".join(piece + b"\0" * width for piece, width in zip(pieces, (digits, digits, digits, 5)))
        + b"},"
    )
    start, end, id_, ws = places
    return suffix, (start, end, id_, ws)


@functools.lru_cache(maxsize=1)
def _digit_table() -> np.ndarray:
    """Every number below 10**_DIGITS as ASCII digits, right-aligned, NUL-padded."""
    numbers = np.arange(10**_DIGITS, dtype=np.int32)
    powers = 10 ** np.arange(_DIGITS - 1, -1, -1, dtype=np.int32)
    digits = (numbers[:, None] // powers) % 10
    leading = (numbers[:, None] < powers) & (powers > 1)  # zeros before the first digit
    return np.where(leading, 0, digits + 48).astype(np.uint8)


def _byte_offsets(text: str, raw: bytes) -> np.ndarray:
    """Byte offset in `raw` (UTF-8) of each character offset 0..len(text) of `text`."""
    if len(raw) == len(text):
        return np.arange(len(text) + 1, dtype=np.int64)
    arr = np.frombuffer(raw, dtype=np.uint8)
    # every character starts with a byte that is not a continuation byte (10xxxxxx)
    return np.append(np.flatnonzero((arr & 0xC0) != 0x80), len(raw))


def _payloads(
    raw: bytes, b_start: np.ndarray, b_end: np.ndarray
) -> tuple[bytes, np.ndarray, np.ndarray]:
    """Each token's JSON string content (without quotes) as (buffer, start, length).

    Tokens without characters to escape point into the text itself; the few with quotes,
    backslashes or control characters (newline tokens) get escaped copies after it.
    """
    start, length = b_start.copy(), b_end - b_start
    marks = np.flatnonzero(_NEEDS_ESCAPE[np.frombuffer(raw, dtype=np.uint8)])
    if len(marks) == 0:
        return raw, start, length
    owners = np.searchsorted(b_end, marks, side="right")  # sorted, as marks are
    which = owners[np.concatenate(([True], owners[1:] != owners[:-1]))]
    pieces = [_escape(raw[a:b]) for a, b in zip(b_start[which].tolist(), b_end[which].tolist())]
    sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    start[which] = len(raw) + np.cumsum(sizes) - sizes
    length[which] = sizes
    pieces.insert(0, raw)
    return b"".join(pieces), start, length


@functools.lru_cache(maxsize=4096)
def _escape(token: bytes) -> bytes:
    # The tokens that need escaping are mostly the same few: newlines, quotes, tabs.
    return json.dumps(token.decode("utf-8"), ensure_ascii=False)[1:-1].encode("utf-8")


def _plain(text: str, starts: np.ndarray, ends: np.ndarray) -> bytes:
    tokens = []
    starts_, ends_ = starts.tolist(), ends.tolist()
    following = [*starts_[1:], len(text)]
    for i, (s, e) in enumerate(zip(starts_, ends_)):
        tokens.append({"text": text[s:e], "start": s, "end": e, "id": i, "ws": e < following[i]})
    return json.dumps(tokens, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass"
    )


def tokens_json_of(text: str, tokens: Tokens) -> bytes:
    """`tokens_json` of a Tokens: its token dicts as JSON, made without a dict per token."""
    return tokens_json(
        text, np.asarray(tokens.starts, dtype=np.int64), np.asarray(tokens.ends, dtype=np.int64)
    )


def token_dicts(text: str, starts: list[int], ends: list[int]) -> list[dict[str, Any]]:
    """The token dicts themselves, one per token (for `iter_records`)."""
    return [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws}
        for i, (s, e, ws) in enumerate(zip(starts, ends, _whitespace(text, starts, ends)))
    ]


def _whitespace(text: str, starts: list[int], ends: list[int]) -> Iterator[bool]:
    # As Tokens.whitespace, lazily: a token has trailing space when the next starts later.
    following = itertools.chain(itertools.islice(starts, 1, None), (len(text),))
    return map(operator.lt, ends, following)
