"""The agreement measures, computed from counts: F1, Cohen's and Fleiss' kappa, and alpha.

Nothing here sees an Article or a token. Kappa and alpha take confusion counts (how often
Annotator A's tag was i where B's was j) and tag totals, accumulated once over all tokens,
so that no per-token list is ever kept. Where a chance-corrected measure is undefined
because the expected agreement is 1 (both Annotators used one tag only, e.g. every token
`O`), it is reported as 1.0: observed agreement is then 1 as well, and two Annotators who
never differ agree perfectly. Only a measure over no tokens at all is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class SpanCounts:
    """How many of A's and of B's items the other Annotator also has.

    For exact matching the two matched counts are equal. For overlap matching they may
    differ (one long span of A can overlap two short spans of B), which is why both are kept.
    """

    a_matched: int = 0
    a_total: int = 0
    b_matched: int = 0
    b_total: int = 0

    @property
    def f1(self) -> float:
        """F1 of A against B (the same as of B against A); 1.0 when neither has any item."""
        if not self.a_total and not self.b_total:
            return 1.0
        p = self.a_matched / self.a_total if self.a_total else 0.0
        r = self.b_matched / self.b_total if self.b_total else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: SpanCounts) -> SpanCounts:
        self.a_matched += other.a_matched
        self.a_total += other.a_total
        self.b_matched += other.b_matched
        self.b_total += other.b_total
        return self

    def to_json(self) -> dict[str, Any]:
        return {
            "f1": self.f1,
            "a_matched": self.a_matched,
            "a_total": self.a_total,
            "b_matched": self.b_matched,
            "b_total": self.b_total,
        }


def chance_corrected(observed: float, expected: float) -> float:
    """(observed - expected) / (1 - expected); 1.0 where expected is 1 (see the module)."""
    if expected >= 1.0 - 1e-12:
        return 1.0 if observed >= 1.0 - 1e-12 else 0.0
    return (observed - expected) / (1.0 - expected)


def cohen_kappa(confusion: np.ndarray) -> float | None:
    """Cohen's kappa from a square confusion matrix (rows A's tags, columns B's)."""
    total = confusion.sum()
    if total == 0:
        return None
    observed = np.trace(confusion) / total
    expected = float(confusion.sum(axis=1) @ confusion.sum(axis=0)) / total / total
    return chance_corrected(float(observed), expected)


def fleiss_kappa(pair_agreements: float, tag_totals: np.ndarray, raters: int) -> float | None:
    """Fleiss' kappa from counts, for items that every rater tagged once.

    Args:
        pair_agreements: over all items, the number of rater pairs (a < b) that gave the
            item the same tag. An item's agreement P_i = sum_j n_ij (n_ij - 1) / (n (n-1))
            is exactly its agreeing pairs over n (n-1) / 2.
        tag_totals: how many times each tag was given, over all items and raters.
        raters: n, the number of raters per item.
    """
    given = float(np.sum(tag_totals))
    if given == 0 or raters < 2:
        return None
    items = given / raters
    observed = pair_agreements / (items * raters * (raters - 1) / 2)
    shares = np.asarray(tag_totals, dtype=float) / given
    return chance_corrected(observed, float(shares @ shares))


def krippendorff_alpha(coincidence: np.ndarray) -> float | None:
    """Krippendorff's alpha, nominal, from a coincidence matrix o_ck.

    With every value pairable, alpha = 1 - (n - 1) * sum_{c != k} o_ck /
    sum_{c != k} n_c n_k, where n_c are the matrix's row sums and n its total.
    """
    totals = coincidence.sum(axis=1)
    n = float(totals.sum())
    if n <= 1:
        return None
    observed = float(coincidence.sum() - np.trace(coincidence))
    expected = float(totals.sum() ** 2 - totals @ totals)
    if expected == 0:
        return 1.0  # a single value was ever given: no disagreement is possible
    return 1.0 - (n - 1) * observed / expected


def coincidences(pair_confusions: list[np.ndarray], raters: int) -> np.ndarray:
    """The nominal coincidence matrix of items every rater tagged, from each pair's confusion.

    Each item contributes its ordered pairs of values (a != b), weighted 1 / (raters - 1).
    """
    total = sum((c + c.T for c in pair_confusions), np.zeros_like(pair_confusions[0]))
    return total.astype(float) / (raters - 1)


def binary_confusion(confusion: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Collapse a confusion matrix to 2 x 2: tags in `members` (a boolean mask) or not."""
    inside, outside = members, ~members
    return np.array(
        [
            [confusion[np.ix_(inside, inside)].sum(), confusion[np.ix_(inside, outside)].sum()],
            [confusion[np.ix_(outside, inside)].sum(), confusion[np.ix_(outside, outside)].sum()],
        ]
    )


def kappa_per_item(
    agreements: np.ndarray,
    tag_counts: list[np.ndarray],
    pairs: list[tuple[int, int]],
) -> np.ndarray:
    """Kappa for many items at once (e.g. each Article), NaN where an item has no tokens.

    Args:
        agreements: (pairs, items) agreeing token counts of each pair of raters.
        tag_counts: for each rater, an (items, tags) array of how often it gave each tag.
        pairs: the rater indexes of each row of `agreements`.
    Returns Cohen's kappa for two raters, Fleiss' kappa for more.
    """
    raters = len(tag_counts)
    tokens = tag_counts[0].sum(axis=1).astype(float)
    safe = np.where(tokens > 0, tokens, 1.0)
    if raters == 2:
        observed = agreements[0] / safe
        expected = (
            np.einsum(
                "ij,ij->i",
                tag_counts[pairs[0][0]].astype(float),
                tag_counts[pairs[0][1]].astype(float),
            )
            / safe
            / safe
        )
    else:
        observed = agreements.sum(axis=0) / (safe * raters * (raters - 1) / 2)
        shares = sum(c.astype(float) for c in tag_counts) / (safe * raters)[:, None]
        expected = np.einsum("ij,ij->i", shares, shares)
    undefined = expected >= 1.0 - 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(
            undefined,
            np.where(observed >= 1.0 - 1e-12, 1.0, 0.0),
            (observed - expected) / np.where(undefined, 1.0, 1.0 - expected),
        )
    return np.where(tokens > 0, kappa, np.nan)
