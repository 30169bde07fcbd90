"""Arc levels (pure) and label contrast."""

from __future__ import annotations

from annotation.view.arcs import Segment, assign_levels, line_levels
from annotation.view.contrast import contrast_ratio


def test_overlapping_arcs_on_a_line_take_different_levels_short_ones_low() -> None:
    segments = [
        Segment(0, 0, 100),
        Segment(0, 10, 30),
        Segment(0, 40, 60),
        Segment(0, 200, 260),
        Segment(1, 0, 100),
    ]
    levels = assign_levels(segments)
    assert levels[1] == levels[2] == 1  # side by side: one level
    assert levels[0] == 2  # spans both: above them
    assert levels[3] == 1  # apart from all
    assert levels[4] == 1  # another line starts again
    assert line_levels(segments, levels) == {0: 2, 1: 1}


def test_no_two_segments_of_a_line_that_overlap_share_a_level() -> None:
    import random

    rng = random.Random(7)
    segments = []
    for _ in range(300):
        left = rng.uniform(0, 900)
        segments.append(Segment(rng.randrange(5), left, left + rng.uniform(20, 400)))
    levels = assign_levels(segments, gap=4.0)
    for i, a in enumerate(segments):
        for j, b in enumerate(segments[:i]):
            if a.line == b.line and levels[i] == levels[j]:
                assert a.right + 4 <= b.left or b.right + 4 <= a.left


def test_contrast_ratio_follows_wcag() -> None:
    assert round(contrast_ratio((0, 0, 0), (1, 1, 1)), 1) == 21.0
    assert contrast_ratio((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)) == 1.0
    # #767676 on white is the classic AA threshold.
    grey = 0x76 / 255
    assert 4.5 <= contrast_ratio((grey, grey, grey), (1, 1, 1)) < 4.6
