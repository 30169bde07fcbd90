"""How unsure the suggesters are about an article: the measure behind "uncertain first".

The suggesters' candidates, before they are combined into one set, fall into *places*:
groups of candidates whose spans overlap one another (a chain of overlaps is one place).
At each place every pair of suggesters (the *voters*: rules, the model, other pipelines;
never the memory, which repeats the researcher's own decisions) is compared:

- **disputed** when one found something there that the other could have found (a label it
  can give) and the other found nothing, when their spans there differ (crossing or nested
  boundaries), or when they gave one span different labels and each could have given the
  other's. A label only one of them can give is not a dispute: the shipped model has no
  GPE, so its LOC on "Prancis" where the rules say GPE is agreement on the span;
- otherwise the place is **agreed**, and its doubt is the chance that every voter that found
  it is wrong, each voter's score (its held-out precision for that label) taken as its
  chance of being right: `(1 - s1) * (1 - s2) …`. A place only one voter can see (a DATE
  the rules found) has the doubt `1 - score`.

A disputed place has the doubt 1. The article's uncertainty is the sum of its places'
doubts over their number plus one, in [0, 1): roughly the share of its places in doubt,
shrunk towards 0 so that one disputed name in a short article does not outrank ten in a long
one. A share rather than a count, because a decision costs the researcher about as much per
place as it teaches the model: long articles are not favoured for being long. Candidates
that a human decision settles (overlapping an accepted entity, or repeating a rejected one)
are left out, and an article with no places has the uncertainty 0.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from annotation.nlp.combine import Coverage, Decided
from annotation.nlp.suggestion import Candidate

Span = tuple[int, int]


@dataclass(frozen=True)
class Uncertainty:
    """An article's uncertainty (`score`, 0 sure to 1 unsure) and what it was made of."""

    score: float
    places: int  # groups of overlapping candidates looked at
    disputed: int  # of them, where the voters disagree


def voter_of(origin: str) -> str:
    """The suggester a candidate's origin names: "rules:gazetteer" is the rules'."""
    return origin.partition(":")[0]


def measure(
    candidates: Iterable[Candidate],
    voters: Mapping[str, Collection[str] | None],
    decided: Sequence[Decided] = (),
) -> Uncertainty:
    """The uncertainty of one article's candidates, as the module docstring defines it.

    Args:
        candidates: every suggester's candidates, before combination.
        voters: each suggester that votes, by name, with the labels it can give (None: any
            label). Candidates of other origins (the memory, humans) are left out.
        decided: the article's human decisions; candidates they settle are left out.
    """
    accepted = Coverage()
    for d in decided:
        if d.accepted:
            accepted.add(d.start, d.end)
    rejected = {(d.start, d.end, d.label) for d in decided if not d.accepted}
    kept = sorted(
        (
            c
            for c in candidates
            if voter_of(c.origin) in voters
            and (c.start, c.end, c.label) not in rejected
            and not accepted.overlaps(c.start, c.end)
        ),
        key=lambda c: (c.start, -c.end),
    )
    doubts = [_doubt(place, voters) for place in _places(kept)]
    score = sum(doubt for doubt, _ in doubts) / (len(doubts) + 1)
    return Uncertainty(round(score, 6), len(doubts), sum(d for _, d in doubts))


def _places(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Chains of overlapping candidates, from candidates sorted by start."""
    places: list[list[Candidate]] = []
    reach = -1
    for cand in candidates:
        if cand.start >= reach:
            places.append([])
        places[-1].append(cand)
        reach = max(reach, cand.end)
    return places


def _doubt(
    place: list[Candidate],
    voters: Mapping[str, Collection[str] | None],
) -> tuple[float, bool]:
    """The place's doubt, and whether it is disputed."""
    said: dict[str, dict[Span, set[str]]] = {name: {} for name in voters}
    best: dict[str, float] = {}
    for cand in place:
        name = voter_of(cand.origin)
        said[name].setdefault((cand.start, cand.end), set()).add(cand.label)
        best[name] = max(best.get(name, 0.0), cand.score)
    for a, b in combinations(voters, 2):
        if _disagree(said[a], voters[a], said[b], voters[b]):
            return 1.0, True
    doubt = 1.0
    for score in best.values():
        doubt *= 1.0 - min(max(score, 0.0), 1.0)
    return doubt, False


def _disagree(
    a: dict[Span, set[str]],
    can_a: Collection[str] | None,
    b: dict[Span, set[str]],
    can_b: Collection[str] | None,
) -> bool:
    """Whether two voters' spans at one place differ where each could have said the other's."""
    # What each said that the other could have said too, or said on the same span.
    seen_a = {
        span: labels for span, labels in a.items() if span in b or not _excused(labels, can_b)
    }
    seen_b = {
        span: labels for span, labels in b.items() if span in a or not _excused(labels, can_a)
    }
    if seen_a.keys() != seen_b.keys():
        return True
    for span, labels_a in seen_a.items():
        labels_b = seen_b[span]
        if (
            labels_a != labels_b
            and not _excused(labels_a - labels_b, can_b)
            and not _excused(labels_b - labels_a, can_a)
        ):
            return True
    return False


def _excused(only: set[str], can: Collection[str] | None) -> bool:
    """Labels one voter gave and the other did not, none of which the other can give."""
    return bool(only) and can is not None and not any(label in can for label in only)
