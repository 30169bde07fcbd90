"""The keyboard's way to a span the suggestions missed, planned without Qt.

The caret (gui/article/caret.py) moves by `annotation.view.caret`, so the planner calls the same
functions the window does: a breadth-first search over the caret's moves (Right, Left,
Ctrl+Right, Ctrl+Left, N, Shift+N) finds the fewest that put it on a span that the resize
keys (Shift+arrows, Ctrl+Shift+arrows) then turn into the target; a label's number key
finishes it. A span that is not whole tokens (or one the caret reaches only by many keys) is
found with "/" instead: its text typed, Enter for a later match, Esc.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotation.view import caret
from annotation.view.spans import TokenIndex
from benchmarks.keystroke_plan import Key, resize_path

Span = tuple[int, int]
RESIZE_KEYS = {
    ("end", 1): "shift+Right",
    ("end", -1): "shift+Left",
    ("start", -1): "ctrl+shift+Left",
    ("start", 1): "ctrl+shift+Right",
}
GESTURES = {
    "Right": "caret word",
    "Left": "caret word",
    "ctrl+Right": "caret sentence",
    "ctrl+Left": "caret sentence",
    "N": "gap",
    "shift+N": "gap",
}


def caret_keys(
    text: str,
    tokens: TokenIndex,
    bounds: Sequence[int],
    covered: Sequence[Span],
    origin: Span | None,
    is_caret: bool,
    in_sight: Span | None,
    target: Span,
    most: int = 12,
) -> list[Key] | None:
    """The fewest caret and resize keys that select `target` (the label key not counted),
    from `origin` (the caret when `is_caret`, else the current entity, or None); None if
    it takes more than `most`. `in_sight` is the word Right or Left takes without an
    origin (the first in sight)."""
    words = caret.words(tokens, text)
    gaps = caret.gaps(text, tokens, covered, bounds)
    moves = {
        "Right": lambda s: caret.step(words, s, 1) if s is not None else in_sight,
        "Left": lambda s: caret.step(words, s, -1) if s is not None else in_sight,
        "ctrl+Right": lambda s: caret.sentence_step(words, bounds, s, 1),
        "ctrl+Left": lambda s: caret.sentence_step(words, bounds, s, -1),
        "N": lambda s: caret.next_span(gaps, s, 1),
        "shift+N": lambda s: caret.next_span(gaps, s, -1),
    }
    best: list[str] | None = None
    frontier: list[tuple[Span | None, list[str]]] = [(origin, [])]
    seen = {origin}
    while frontier:
        following = []
        for span, keys in frontier:
            if best is not None and len(keys) >= len(best):
                continue
            if span is not None and (is_caret or keys):  # else Shift+arrows resize the entity
                room = (len(best) if best is not None else most + 1) - len(keys) - 1
                steps = resize_path(tokens, span, target, room) if room >= 0 else None
                if steps is not None:
                    best = keys + [RESIZE_KEYS[s] for s in steps]
            for name, move in moves.items():
                landed = move(span)
                if landed is not None and landed not in seen and len(keys) < most:
                    seen.add(landed)
                    following.append((landed, keys + [name]))
        frontier = following
    if best is None:
        return None
    return [(GESTURES.get(k, "caret resize"), k) for k in best]


def search_keys(text: str, target: Span, caret_span: Span | None) -> list[Key] | None:
    """ "/", the target's text, Enter (or Shift+Enter) to its match, Esc: the find box
    starts at the first match from the caret's start (from the top without a caret)."""
    found = caret.matches(text, text[target[0] : target[1]])
    if target not in found:
        return None
    start = caret_span[0] if caret_span is not None else 0
    first = found.index(next((m for m in found if m[0] >= start), found[0]))
    ahead = (found.index(target) - first) % len(found)
    steps = (
        [("find next", "Return")] * ahead
        if ahead <= len(found) - ahead
        else [("find next", "shift+Return")] * (len(found) - ahead)
    )
    typed = [("find type", ch) for ch in text[target[0] : target[1]]]
    return [("find", "/"), *typed, *steps, ("find close", "Escape")]
