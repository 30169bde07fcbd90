"""One set of non-overlapping suggestions per article, from many suggesters' candidates.

Where spans nest, the longer one wins: it holds the shorter one's evidence and more
("Bank Indonesia" over "Indonesia", "Dewan Keamanan PBB" over "PBB"), even when the shorter
comes from the memory. The exception is a span that swallows, side by side, a person and
another entity that a different suggester found: that is a merge, as when a model reads
"Prancis Emmanuel Macron" as one ORG where the rules see GPE + PER, and it is dropped.
Where spans cross or coincide, the configured priority of their origins decides, then the
score. Candidates are taken greedily in that order: one is kept unless it overlaps one kept
before it or a human decision. A candidate that repeats a rejected decision (same span and
label) is never offered again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotation.nlp.suggestion import Candidate

DEFAULT_PRIORITY = ("memory", "rules:gazetteer", "rules:repeat", "model", "rules")
PERSON = "PER"


@dataclass(frozen=True)
class Decided:
    """A human decision on an article's span: accepted ones block, rejected ones veto."""

    start: int
    end: int
    label: str
    accepted: bool


def rank(origin: str, priority: Sequence[str]) -> int:
    """The position of the most specific priority entry that names this origin.

    "rules:gazetteer" matches the entry "rules:gazetteer" before "rules"; an origin that
    no entry names comes after all that do.
    """
    best, best_len = len(priority), -1
    for i, name in enumerate(priority):
        if (origin == name or origin.startswith(name + ":")) and len(name) > best_len:
            best, best_len = i, len(name)
    return best


def combine(
    candidates: Iterable[Candidate],
    priority: Sequence[str] = DEFAULT_PRIORITY,
    decided: Sequence[Decided] = (),
) -> list[Candidate]:
    """Choose non-overlapping candidates; return them in text order."""
    accepted = sorted((d.start, d.end) for d in decided if d.accepted)
    rejected = {(d.start, d.end, d.label) for d in decided if not d.accepted}
    ordered = sorted(
        _without_merges(list(candidates)),
        key=lambda c: (c.start - c.end, rank(c.origin, priority), -c.score, c.start, c.label),
    )
    kept: list[Candidate] = []
    taken = Coverage()
    for start, end in accepted:
        taken.add(start, end)
    for cand in ordered:
        if (cand.start, cand.end, cand.label) in rejected or taken.overlaps(cand.start, cand.end):
            continue
        kept.append(cand)
        taken.add(cand.start, cand.end)
    return sorted(kept)


def _family(origin: str) -> str:
    return origin.partition(":")[0]


def _without_merges(candidates: list[Candidate]) -> list[Candidate]:
    """Drop candidates that contain a person and more, side by side, from another source.

    An organisation's name may hold a place ("Lembaga … Penerbangan Indonesia"); a span
    that holds a person's name next to another entity is two things run together.
    """
    by_start = sorted(candidates, key=lambda c: (c.start, -c.end))
    merges = set()
    for i, outer in enumerate(by_start):
        inside, reach, person = 0, outer.start, False
        for j in range(i + 1, len(by_start)):  # not a slice: that copies the rest each time
            inner = by_start[j]
            if inner.start >= outer.end:
                break
            if (
                inner.end <= outer.end
                and inner.start >= reach
                and (inner.start, inner.end) != (outer.start, outer.end)
                and _family(inner.origin) != _family(outer.origin)
            ):
                inside, reach = inside + 1, inner.end
                person = person or inner.label == PERSON
        if inside >= 2 and person:
            merges.add(outer)
    return [c for c in candidates if c not in merges]


class Coverage:
    """The characters that spans taken so far cover, so that an overlap check costs a scan
    of the candidate's own characters (in C), whatever the number of spans.

    Accepted spans may overlap each other (a schema can allow it). An empty span covers no
    character but still splits one that contains it, as an interval check would.
    """

    def __init__(self) -> None:
        self._marks = bytearray()
        self._points: list[int] = []

    def add(self, start: int, end: int) -> None:
        if end <= start:
            self._points.append(start)
            return
        if end > len(self._marks):
            self._marks.extend(bytes(end - len(self._marks)))
        self._marks[start:end] = b"\1" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._marks.find(1, start, end) >= 0 or any(start < p < end for p in self._points)
