"""What every suggester gives back, and the one interface they all share.

A suggester reads spaCy Docs whose text is the article's exact text (built from the stored
tokens, with sentence boundaries already set) and returns, for each Doc, candidate spans
in Python `str` offsets, end-exclusive. Candidates from one suggester may overlap; the
combination step (`combine.py`) chooses among them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, order=True)
class Candidate:
    """A suggested entity: a labelled span with the suggester it came from and a score."""

    start: int
    end: int
    label: str
    origin: str
    score: float = 1.0

    def overlaps(self, other: Candidate) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class RelationCandidate:
    """A suggested relation between two entity candidates of the same Doc, by index."""

    head: int
    child: int
    label: str
    origin: str
    score: float = 1.0
    trigger: tuple[int, int] | None = None  # the trigger word's character span, if any


class Suggester(Protocol):
    """Anything that proposes entities for a batch of Docs."""

    name: str

    def suggest(self, docs: Sequence[Any]) -> list[list[Candidate]]:
        """Return each Doc's candidates, in the order of `docs`."""
        ...


class SuggesterError(Exception):
    """A suggester that cannot be loaded or run; the message says which and why."""
