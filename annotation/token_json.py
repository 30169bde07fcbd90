"""Prodigy-style token lists as JSON, written with array operations instead of per-token code.

A 3 KB article has about 500 tokens. Building a dict per token and dumping it costs more
than spaCy spends tokenizing the text, so an export would be slower than re-tokenizing. Here
the JSON is assembled as one byte gather: the output is a sequence of segments (template
pieces, token texts, decimal numbers), each a slice of one source buffer, and numpy copies
them all in one indexing operation. The result is byte-for-byte what
`json.dumps(tokens, ensure_ascii=False, separators=(",", ":"))` gives.
"""

from __future__ import annotations

import functools
import json

import numpy as np

_PIECES = [b'{"text":"', b'","start":', b',"end":', b',"id":', b',"ws":true}', b',"ws":false}',
           b","]
_TEMPLATE = b"".join(_PIECES)
_OFFSETS = np.cumsum([0] + [len(p) for p in _PIECES])[:-1]
_TEXT, _START, _END, _ID, _WS_TRUE, _WS_FALSE, _COMMA = (
    (int(o), len(p)) for o, p in zip(_OFFSETS, _PIECES))
_DIGITS_WIDTH = 6
_DIGITS_LIMIT = 10 ** _DIGITS_WIDTH  # longer articles take the slow path


@functools.lru_cache(maxsize=1)
def _digit_table() -> tuple[np.ndarray, np.ndarray]:
    """Every number below _DIGITS_LIMIT as right-aligned ASCII digits, and its width."""
    numbers = np.arange(_DIGITS_LIMIT, dtype=np.int64)
    powers = 10 ** np.arange(_DIGITS_WIDTH - 1, -1, -1, dtype=np.int64)
    table = ((numbers[:, None] // powers) % 10 + 48).astype(np.uint8)
    widths = np.ones(_DIGITS_LIMIT, dtype=np.int64)
    for power in powers[:-1].tolist():
        widths += numbers >= power
    return table, widths

# Bytes JSON must escape (with ensure_ascii=False): '"', '\\' and control characters.
_NEEDS_ESCAPE = np.zeros(256, dtype=bool)
_NEEDS_ESCAPE[:0x20] = _NEEDS_ESCAPE[0x22] = _NEEDS_ESCAPE[0x5C] = True


def tokens_json(text: str, starts: np.ndarray, ends: np.ndarray) -> bytes:
    """The JSON array of `{"text","start","end","id","ws"}` objects for these tokens.

    `starts` and `ends` are int64 arrays of Python `str` offsets; a token is followed by
    whitespace when the next token starts after it ends (see `annotation.nlp.tokens`).
    """
    n = len(starts)
    if n == 0:
        return b"[]"
    if len(text) >= _DIGITS_LIMIT:
        return _slow(text, starts, ends)
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: no fast path, and rare enough
        return _slow(text, starts, ends)
    byte_at = _byte_offsets(text, raw)
    payload, pay_start, pay_len = _payloads(raw, byte_at[starts], byte_at[ends])

    following = np.empty(n, dtype=np.int64)
    following[:-1] = starts[1:]
    following[-1] = len(text)
    ws = ends < following

    # Decimal numbers come from a table of fixed-width digit strings: a gather, no division.
    numbers = np.concatenate([starts, ends, np.arange(n, dtype=np.int64)])
    table, widths = _digit_table()
    digits = table[numbers]
    width = widths[numbers]
    num_start = np.arange(3 * n, dtype=np.int64) * _DIGITS_WIDTH + (_DIGITS_WIDTH - width)

    base_pay = len(_TEMPLATE)
    base_num = base_pay + len(payload)
    source = np.frombuffer(_TEMPLATE + payload + digits.tobytes(), dtype=np.uint8)

    # 10 segments per token; the last token's comma is dropped below
    seg_start = np.empty((n, 10), dtype=np.int64)
    seg_len = np.empty((n, 10), dtype=np.int64)
    seg_start[:, 0], seg_len[:, 0] = _TEXT
    seg_start[:, 1], seg_len[:, 1] = base_pay + pay_start, pay_len
    seg_start[:, 2], seg_len[:, 2] = _START
    seg_start[:, 4], seg_len[:, 4] = _END
    seg_start[:, 6], seg_len[:, 6] = _ID
    seg_start[:, 3::2][:, :3] = (base_num + num_start).reshape(3, n).T
    seg_len[:, 3::2][:, :3] = width.reshape(3, n).T
    seg_start[:, 8] = np.where(ws, _WS_TRUE[0], _WS_FALSE[0])
    seg_len[:, 8] = np.where(ws, _WS_TRUE[1], _WS_FALSE[1])
    seg_start[:, 9], seg_len[:, 9] = _COMMA
    seg_start, seg_len = seg_start.ravel()[:-1], seg_len.ravel()[:-1]
    keep = seg_len > 0  # empty token texts cannot occur, but an empty segment would break
    if not keep.all():  # the running sum below
        seg_start, seg_len = seg_start[keep], seg_len[keep]

    # The source index of every output byte: +1 within a segment, a jump at each start.
    step = np.ones(int(seg_len.sum()), dtype=np.int32)
    out_start = np.cumsum(seg_len[:-1])
    step[0] = seg_start[0]
    step[out_start] = seg_start[1:] - (seg_start[:-1] + seg_len[:-1] - 1)
    return b"[" + source[np.cumsum(step)].tobytes() + b"]"


def _byte_offsets(text: str, raw: bytes) -> np.ndarray:
    """Byte offset in `raw` (UTF-8) of each character offset 0..len(text) of `text`."""
    if len(raw) == len(text):
        return np.arange(len(text) + 1, dtype=np.int64)
    arr = np.frombuffer(raw, dtype=np.uint8)
    # every character starts with a byte that is not a continuation byte (10xxxxxx)
    return np.append(np.flatnonzero((arr & 0xC0) != 0x80), len(raw))


def _payloads(raw: bytes, b_start: np.ndarray, b_end: np.ndarray):
    """Each token's JSON string content (without quotes) as (buffer, start, length).

    Tokens without characters to escape point into the text itself; the few with quotes,
    backslashes or control characters (newline tokens) get escaped copies after it.
    """
    start, length = b_start.copy(), b_end - b_start
    marks = np.flatnonzero(_NEEDS_ESCAPE[np.frombuffer(raw, dtype=np.uint8)])
    if len(marks) == 0:
        return raw, start, length
    which = np.unique(np.searchsorted(b_end, marks, side="right"))
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


def _slow(text: str, starts: np.ndarray, ends: np.ndarray) -> bytes:
    tokens = []
    for i, (s, e) in enumerate(zip(starts.tolist(), ends.tolist())):
        nxt = starts[i + 1] if i + 1 < len(starts) else len(text)
        tokens.append({"text": text[s:e], "start": s, "end": e, "id": i, "ws": bool(e < nxt)})
    return json.dumps(tokens, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass")
