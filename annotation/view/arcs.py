"""Where relation arcs go: a level for each arc segment on its line, free of Qt.

An arc rises from its two ends to a level above their line, runs level, and carries its
label in the middle. On one line, two arcs whose extents (the span between their ends,
widened to their label) overlap must take different levels, or their labels and level runs
would collide; arcs that do not overlap share the lowest level. Short arcs go first, so they
stay low and nest under the long ones, as brat draws them. A relation whose ends are on two
lines is drawn as two segments, one on each line, each levelled with that line's arcs; the
lines between are never crossed. A line's room for arcs is its highest level.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    """One arc segment on one line: `left` to `right` is all it covers, label included."""

    line: Hashable
    left: float
    right: float


def assign_levels(segments: Sequence[Segment], gap: float = 4.0) -> list[int]:
    """A level (1 = lowest) for each segment, so that segments of one line that overlap
    (closer than `gap`) never share a level; narrower segments get the lower levels."""
    levels = [0] * len(segments)
    taken: dict[tuple[Hashable, int], list[tuple[float, float]]] = {}
    order = sorted(
        range(len(segments)), key=lambda i: (segments[i].right - segments[i].left, segments[i].left)
    )
    for i in order:
        s = segments[i]
        level = 1
        while any(
            s.left < right + gap and left < s.right + gap
            for left, right in taken.get((s.line, level), ())
        ):
            level += 1
        levels[i] = level
        taken.setdefault((s.line, level), []).append((s.left, s.right))
    return levels


def line_levels(segments: Sequence[Segment], levels: Sequence[int]) -> dict[Hashable, int]:
    """The highest level on each line that has arcs: the room each line needs above it."""
    room: dict[Hashable, int] = {}
    for segment, level in zip(segments, levels):
        room[segment.line] = max(room.get(segment.line, 0), level)
    return room
