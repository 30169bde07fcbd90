"""The agreement report: its records, a readable table and JSON with the same figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from annotation.team.agreement_measures import SpanCounts


@dataclass
class Confusion:
    """Labels of spans both Annotators marked with the same boundaries, and spans only one has.

    `matrix[i][j]` counts spans A labelled `labels[i]` where B's span with the same start
    and end is labelled `labels[j]`. `only_a[label]` counts A's spans whose boundaries B
    has no span at (whatever its label), and `only_b` the same the other way round.
    """

    labels: list[str]
    matrix: list[list[int]]
    only_a: dict[str, int]
    only_b: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "matrix": self.matrix,
            "only_a": self.only_a,
            "only_b": self.only_b,
        }


@dataclass
class PairAgreement:
    """Every pairwise figure for Annotators `a` and `b`."""

    a: str
    b: str
    exact: SpanCounts
    overlap: SpanCounts
    kappa: float | None  # Cohen's, over tokens
    label_exact: dict[str, SpanCounts]
    label_overlap: dict[str, SpanCounts]
    label_kappa: dict[str, float | None]  # Cohen's, one label against the rest
    relations: SpanCounts
    relations_shared: SpanCounts  # only relations whose two ends both Annotators marked
    relation_labels: dict[str, SpanCounts]
    confusion: Confusion

    @property
    def name(self) -> str:
        return f"{self.a} / {self.b}"

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "exact": self.exact.to_json(),
            "overlap": self.overlap.to_json(),
            "cohen_kappa": _number(self.kappa),
            "per_label": {
                label: {
                    "exact": self.label_exact[label].to_json(),
                    "overlap": self.label_overlap[label].to_json(),
                    "cohen_kappa": _number(self.label_kappa[label]),
                }
                for label in self.label_exact
            },
            "relations": self.relations.to_json(),
            "relations_shared_ends": self.relations_shared.to_json(),
            "per_relation_label": {k: v.to_json() for k, v in self.relation_labels.items()},
            "confusion": self.confusion.to_json(),
        }


@dataclass
class LabelAgreement:
    """One Entity Label's figures: F1 means over pairs, kappa one label against the rest."""

    label: str
    exact_f1: float
    overlap_f1: float
    kappa: float | None
    spans: int  # this label's spans, over all compared Annotators

    def to_json(self) -> dict[str, Any]:
        return {
            "exact_f1": self.exact_f1,
            "overlap_f1": self.overlap_f1,
            "kappa": _number(self.kappa),
            "spans": self.spans,
        }


@dataclass
class ArticleAgreement:
    """One Article's figures: exact F1 (mean over pairs) and token kappa."""

    article_id: int
    title: str
    exact_f1: float
    kappa: float | None  # None: the Article has no tokens to compare
    spans: int

    @property
    def disagreement(self) -> float:
        """1 - (exact F1 + kappa) / 2, kappa clipped at 0: 0 is full agreement, 1 none."""
        kappa = 1.0 if self.kappa is None else max(self.kappa, 0.0)
        return 1.0 - (self.exact_f1 + kappa) / 2

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "exact_f1": self.exact_f1,
            "kappa": _number(self.kappa),
            "disagreement": self.disagreement,
            "spans": self.spans,
        }


@dataclass
class Agreement:
    """How far Annotators agree on the Articles they all marked done."""

    project: str
    annotators: list[str]
    labels: list[str]
    articles_total: int
    articles_counted: int
    tokens: int
    kappa_kind: str  # "cohen" for two Annotators, "fleiss" for more
    kappa: float | None
    alpha: float | None
    pairs: list[PairAgreement]
    per_label: list[LabelAgreement]
    articles: list[ArticleAgreement]  # most disagreeing first
    entities: dict[str, int] = field(default_factory=dict)  # counted spans per Annotator

    def mean(self, figure: str) -> float | None:
        """The mean over pairs of a pairwise figure: exact, overlap, kappa, relations, ..."""
        values = []
        for pair in self.pairs:
            value = getattr(pair, figure)
            values.append(value.f1 if isinstance(value, SpanCounts) else value)
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    @property
    def counted_line(self) -> str:
        return (
            f"{self.articles_counted} of {self.articles_total} articles counted "
            f"(marked done by all of {', '.join(self.annotators)}); "
            f"{self.tokens:,} tokens"
        )

    def overall(self) -> list[tuple[str, float | None]]:
        """The headline figures, in the order the table and the dialog show them."""
        kind = "Cohen's" if self.kappa_kind == "cohen" else "Fleiss'"
        return [
            ("entity F1, exact", self.mean("exact")),
            ("entity F1, overlap", self.mean("overlap")),
            (f"{kind} kappa, tokens", self.kappa),
            ("Krippendorff's alpha", self.alpha),
            ("relation F1", self.mean("relations")),
            ("relation F1, shared ends", self.mean("relations_shared")),
        ]

    def to_json(self) -> dict[str, Any]:
        means = {
            "exact_f1": self.mean("exact"),
            "overlap_f1": self.mean("overlap"),
            "cohen_kappa": self.mean("kappa"),
            "relation_f1": self.mean("relations"),
            "relation_f1_shared_ends": self.mean("relations_shared"),
        }
        return {
            "project": self.project,
            "annotators": self.annotators,
            "labels": self.labels,
            "articles_total": self.articles_total,
            "articles_counted": self.articles_counted,
            "tokens": self.tokens,
            "entities": self.entities,
            "overall": {
                **{k: _number(v) for k, v in means.items()},
                "kappa": _number(self.kappa),
                "kappa_kind": self.kappa_kind,
                "krippendorff_alpha": _number(self.alpha),
            },
            "pairs": [p.to_json() for p in self.pairs],
            "per_label": {x.label: x.to_json() for x in self.per_label},
            "articles": [a.to_json() for a in self.articles],
        }

    def format(self, top: int = 10) -> str:
        """A readable report; `top` most disagreeing Articles are listed."""
        lines = [
            f"{self.project}: agreement of {', '.join(self.annotators)}",
            self.counted_line,
            "",
        ]
        lines += [f"{name:28}{_fmt(value):>8}" for name, value in self.overall()]
        if len(self.pairs) > 1:
            lines += ["", f"{'pair':28}{'exact':>8}{'overlap':>8}{'kappa':>8}{'rel.':>8}"]
            for p in self.pairs:
                lines.append(
                    f"{p.name:28}{_fmt(p.exact.f1):>8}{_fmt(p.overlap.f1):>8}"
                    f"{_fmt(p.kappa):>8}{_fmt(p.relations.f1):>8}"
                )
        lines += ["", f"{'label':28}{'exact':>8}{'overlap':>8}{'kappa':>8}{'spans':>8}"]
        for x in self.per_label:
            lines.append(
                f"{x.label:28}{_fmt(x.exact_f1):>8}{_fmt(x.overlap_f1):>8}"
                f"{_fmt(x.kappa):>8}{x.spans:>8}"
            )
        for p in self.pairs:
            lines += ["", *_format_confusion(p)]
        shown = self.articles[:top]
        if shown:
            lines += [
                "",
                f"most disagreeing articles ({len(shown)} of {len(self.articles)}):",
                f"{'article':>8}  {'exact':>6}{'kappa':>8}  title",
            ]
            for a in shown:
                title = a.title if len(a.title) <= 50 else a.title[:49] + "…"
                lines.append(f"{a.article_id:>8}  {_fmt(a.exact_f1):>6}{_fmt(a.kappa):>8}  {title}")
        return "\n".join(lines)


def _format_confusion(pair: PairAgreement) -> list[str]:
    c = pair.confusion
    cell = max([6, *(len(label) + 1 for label in c.labels)])
    first = max([len(label) for label in c.labels] + [len("only " + pair.b)]) + 1
    last = len("only " + pair.a) + 2
    lines = [
        f"labels of spans with the same boundaries (rows {pair.a}, columns {pair.b}):",
        " " * first
        + "".join(f"{label:>{cell}}" for label in c.labels)
        + f"{'only ' + pair.a:>{last}}",
    ]
    for label, row in zip(c.labels, c.matrix):
        lines.append(
            f"{label:<{first}}"
            + "".join(f"{n:>{cell}}" for n in row)
            + f"{c.only_a[label]:>{last}}"
        )
    lines.append(
        f"{'only ' + pair.b:<{first}}" + "".join(f"{c.only_b[label]:>{cell}}" for label in c.labels)
    )
    return lines


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _number(value: float | None) -> float | None:
    """A figure for JSON: never NaN (None stands for 'not defined')."""
    return None if value is None or math.isnan(value) else float(value)
