"""Span geometry that every view needs, free of Qt: offsets, token snapping, stacking.

Offsets in Sorot are Python `str` indices, end-exclusive. A Qt text document counts UTF-16
code units and turns each line break ("\\r\\n", "\\r", "\\n", U+2029) into one paragraph
separator, so `Utf16Map` converts between the two at the boundary.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass


class Utf16Map:
    """Converts between `str` offsets and the positions of a Qt document showing the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._qt: list[int] | None = None
        if text.isascii() and "\r\n" not in text:
            return
        positions = [0] * (len(text) + 1)
        pos = 0
        for i, ch in enumerate(text):
            positions[i] = pos
            if ch == "\n" and i and text[i - 1] == "\r":
                continue  # Qt keeps "\r\n" as one paragraph separator
            pos += 2 if ord(ch) > 0xFFFF else 1
        positions[len(text)] = pos
        if pos != len(text) or any(p != i for i, p in enumerate(positions)):
            self._qt = positions

    @property
    def length(self) -> int:
        """The text's length in document positions."""
        return self._qt[-1] if self._qt is not None else len(self.text)

    def to_qt(self, offset: int) -> int:
        """The document position of a `str` offset."""
        if self._qt is None:
            return offset
        return self._qt[max(0, min(offset, len(self.text)))]

    def to_py(self, position: int) -> int:
        """The `str` offset of a document position; one inside a character gives its start."""
        if self._qt is None:
            return max(0, min(position, len(self.text)))
        i = bisect.bisect_right(self._qt, position) - 1
        return max(0, min(i, len(self.text)))


@dataclass(frozen=True)
class TokenIndex:
    """An article's tokens, for snapping selections and resizing spans by whole tokens."""

    starts: Sequence[int]
    ends: Sequence[int]
    text: str = ""  # to leave whitespace out of selections (spaCy keeps extra spaces as tokens)

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Widen a character selection to the tokens it touches; None if it touches none.

        Whitespace at either edge of the selection is left out before widening, so a
        selection dragged a little past a word still gives just that word.
        """
        if start > end:
            start, end = end, start
        text = self.text
        while start < end and start < len(text) and text[start].isspace():
            start += 1
        while end > start and end <= len(text) and text[end - 1].isspace():
            end -= 1
        if start == end:
            return None
        first = bisect.bisect_right(self.ends, start)  # first token ending after start
        last = bisect.bisect_left(self.starts, end) - 1  # last token starting before end
        if first > last or first >= len(self.starts):
            return None
        return self.starts[first], self.ends[last]

    def word_at(self, offset: int) -> tuple[int, int] | None:
        """The token covering `offset` (or starting there), as a double-click selects it."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return self.starts[i], self.ends[i]
        return None

    def resize(self, start: int, end: int, edge: str, step: int) -> tuple[int, int]:
        """Move one edge ("start" or "end") of a span by `step` tokens; never empties it."""
        if edge == "end":
            i = bisect.bisect_left(self.ends, end) + step
            while 0 <= i < len(self.ends) and self._blank(i):
                i += step
            if 0 <= i < len(self.ends) and self.ends[i] > start:
                return start, self.ends[i]
            return start, end
        i = bisect.bisect_right(self.starts, start) - 1 + step
        while 0 <= i < len(self.starts) and self._blank(i):
            i += step
        if 0 <= i < len(self.starts) and self.starts[i] < end:
            return self.starts[i], end
        return start, end

    def _blank(self, i: int) -> bool:
        return bool(self.text) and not self.text[self.starts[i] : self.ends[i]].strip()


def stack_slots(spans: Sequence[tuple[int, int]]) -> list[int]:
    """Give each span the lowest stacking slot that no overlapping earlier span holds.

    Spans that never overlap all get slot 0; nested or crossing ones are drawn a slot lower
    each, so every highlight stays visible (displaCy's SpanRenderer does the same).
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1]))
    slots = [0] * len(spans)
    active: list[tuple[int, int]] = []  # (end, slot) of spans still open
    for i in order:
        start, end = spans[i]
        active = [(e, s) for e, s in active if e > start]
        taken = {s for _, s in active}
        slot = next(s for s in range(len(taken) + 1) if s not in taken)
        slots[i] = slot
        active.append((end, slot))
    return slots


def place_tags(intervals: Sequence[tuple[float, float]], gap: float = 2.0) -> list[float]:
    """Left edges for label tags on one line: each at its wish, pushed right past the last.

    `intervals` are (wished left, width) in the order the tags appear; tags keep that order
    and never overlap.
    """
    lefts: list[float] = []
    right = float("-inf")
    for left, width in intervals:
        left = max(left, right + gap)
        lefts.append(left)
        right = left + width
    return lefts
