"""Spans on tokens: which tokens a span covers, and tokens split where a span needs it.

An export aligns every span to the article's stored tokens (Prodigy's `token_start` and
`token_end`); a span whose edge falls inside a token, or on the space between two, gets
its tokens split there for that record only.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import numpy as np

from annotation.nlp.tokens import Tokens

Key = tuple[int, int, str]  # a span as (start, end, label)


def token_spans(
    starts: np.ndarray,
    ends: np.ndarray,
    keys: Iterable[Key],
) -> dict[Key, tuple[int, int] | None]:
    """Each span's first and last token, or None where an edge is inside a token."""
    keys = list(keys)
    if not keys:
        return {}
    span_starts = np.fromiter((k[0] for k in keys), dtype=np.int64, count=len(keys))
    span_ends = np.fromiter((k[1] for k in keys), dtype=np.int64, count=len(keys))
    first = np.searchsorted(starts, span_starts)
    last = np.searchsorted(ends, span_ends)
    n = len(starts)
    ok = (first < n) & (last < n) & (first <= last)
    ok[ok] &= (starts[first[ok]] == span_starts[ok]) & (ends[last[ok]] == span_ends[ok])
    return {
        key: (f, la) if good else None
        for key, f, la, good in zip(keys, first.tolist(), last.tolist(), ok.tolist())
    }


def token_span(tokens: Tokens, key: Key) -> tuple[int, int] | None:
    """As Tokens.token_span, without its method call: this runs for every span."""
    starts, ends = tokens.starts, tokens.ends
    first, last = bisect.bisect_left(starts, key[0]), bisect.bisect_left(ends, key[1])
    if (
        first < len(starts)
        and starts[first] == key[0]
        and last < len(ends)
        and ends[last] == key[1]
        and first <= last
    ):
        return first, last
    return None


def fill_gaps(tokens: Tokens, length: int, spans: Iterable[Key]) -> int:
    """Make the space between two tokens a token where a span starts or ends on it.

    A span such as " Jakarta" starts on the space that spaCy keeps as the trailing
    whitespace of the token before; only a whitespace token can be its first token.
    """
    starts, ends = tokens.starts, tokens.ends
    gaps = set()
    for start, end, _ in spans:
        # The character that must begin a token (the span's first) or end one (its last).
        for char, aligned in ((start, _has(starts, start)), (end - 1, _has(ends, end))):
            if aligned or not 0 <= char < length:
                continue
            i = bisect.bisect_right(starts, char) - 1
            gap_start = ends[i] if i >= 0 else 0
            gap_end = starts[i + 1] if i + 1 < len(starts) else length
            if gap_start <= char < gap_end:
                gaps.add((gap_start, gap_end))
    for gap_start, gap_end in sorted(gaps):
        i = bisect.bisect_left(starts, gap_end)
        starts.insert(i, gap_start)
        ends.insert(i, gap_end)
    if not gaps:
        return 0
    return len(gaps) + tokens.split_at({k[0] for k in spans} | {k[1] for k in spans})


def _has(values: list[int], value: int) -> bool:
    i = bisect.bisect_left(values, value)
    return i < len(values) and values[i] == value
