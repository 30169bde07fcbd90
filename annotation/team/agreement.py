"""Inter-annotator agreement: how far Annotators agree on the Articles they all marked done.

An Annotator's work is their accepted Entities and Relations (Suggestions have no
Annotator and never count). Only Articles that every compared Annotator marked `done`
count. The figures (see `Agreement`):

- entity F1 for each pair of Annotators, exact (same start, end and Label) and overlap
  (the spans overlap and the Labels are equal; a span counts as matched when the other
  Annotator has any such span, so one long span may match two short ones);
- kappa over tokens with BIO tags (`B-PER`, `I-PER`, `O`): Cohen's for each pair, and
  Fleiss' over all Annotators when there are more than two; Krippendorff's alpha (nominal)
  over the same tags. The tokens are the Article's stored spaCy tokens, whitespace-only
  tokens left out. A token takes the Label of an Entity it overlaps (spaCy's "expand"
  alignment), `B-` on the Entity's first token; if two Entities overlap it, the one that
  starts later wins;
- relation F1: a Relation of A matches one of B when both ends match exactly and the
  Relation Labels are equal, in either direction for a symmetric Relation Label; also
  counted only over Relations whose two ends both Annotators marked ("shared ends");
- a confusion matrix of Labels for spans with the same boundaries, and the spans only
  one Annotator has.

Where a kappa or alpha is undefined because the expected agreement is 1 (e.g. every token
`O` for everyone), it is reported as 1.0, which is then also the observed agreement.
Everything is accumulated from counts with numpy, over one read of the project.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from annotation.model import EntityStatus
from annotation.project.store import Store
from annotation.team.agreement_measures import (
    SpanCounts,
    binary_confusion,
    cohen_kappa,
    coincidences,
    fleiss_kappa,
    kappa_per_item,
    krippendorff_alpha,
)
from annotation.team.agreement_report import (
    Agreement,
    ArticleAgreement,
    Confusion,
    LabelAgreement,
    PairAgreement,
)
from annotation.team.agreement_tokens import Corpus, Work, done_sql, load_corpus, member

__all__ = [
    "Agreement",
    "AgreementError",
    "article_disagreement",
    "compute_agreement",
    "counted_articles",
    "resolve_annotators",
]


class AgreementError(Exception):
    """Agreement cannot be measured: too few Annotators, or no Article all marked done."""


def resolve_annotators(store: Store, annotators: list[str] | None = None) -> list[str]:
    """The Annotators to compare: those given (checked), else everyone with work."""
    known = store.annotators()
    names = list(dict.fromkeys(annotators)) if annotators else known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise AgreementError(
            f"no work by {', '.join(unknown)} in this project "
            f"(annotators: {', '.join(known) or 'none'})"
        )
    if len(names) < 2:
        have = f"only {names[0]}" if names else "nobody"
        raise AgreementError(f"agreement needs at least two annotators; {have} to compare")
    return names


def counted_articles(store: Store, annotators: list[str]) -> list[int]:
    """The ids of the Articles every one of `annotators` marked done, in order."""
    sql, params = done_sql(annotators)
    return sorted(r[0] for r in store.db.execute(sql, params))


def compute_agreement(
    store: Store,
    annotators: list[str] | None = None,
    labels: list[str] | None = None,
) -> Agreement:
    """Measure agreement between Annotators (default: everyone with work in the project).

    `labels` restricts the comparison to these Entity Labels; spans of other Labels are
    left out as if nobody had marked them. Raise AgreementError with a message for the
    researcher when there are fewer than two Annotators or no counted Article.
    """
    names = resolve_annotators(store, annotators)
    if labels is not None:
        known = set(store.schema.entity_labels) | {
            r[0]
            for r in store.db.execute(
                "SELECT DISTINCT label FROM entities WHERE status = ?", (EntityStatus.ACCEPTED,)
            )
        }
        unknown = [x for x in labels if x not in known]
        if unknown:
            raise AgreementError(f"unknown entity label {', '.join(unknown)}")
    total = store.count_articles()
    corpus = load_corpus(store, names, labels)
    if corpus.articles == 0:
        raise AgreementError(
            f"no article is marked done by all of {', '.join(names)} "
            f"({total} articles in the project); agreement counts only those"
        )
    return _measure(corpus, str(store.path or ":memory:"), total)


def article_disagreement(
    store: Store,
    annotators: list[str] | None = None,
) -> list[tuple[int, float]]:
    """(article id, disagreement) for every counted Article, most disagreeing first.

    Disagreement is 1 - (exact entity F1 + token kappa) / 2, with F1 the mean over pairs
    of Annotators and kappa clipped at 0: 0 means full agreement, 1 none.
    """
    report = compute_agreement(store, annotators)
    return [(a.article_id, a.disagreement) for a in report.articles]


# -- measuring ------------------------------------------------------------------------------


@dataclass
class _PairCounts:
    """What one pair adds to the multi-annotator and per-Article figures."""

    confusion: np.ndarray  # tag x tag
    article_agreements: np.ndarray  # agreeing tokens per Article
    article_exact: tuple[np.ndarray, np.ndarray, np.ndarray]  # matched, A's and B's spans


def _measure(corpus: Corpus, project: str, total: int) -> Agreement:
    names, labels = corpus.annotators, corpus.labels
    tags = 1 + 2 * len(labels)
    tag_counts = [
        np.bincount(corpus.token_article * tags + w.tags, minlength=corpus.articles * tags).reshape(
            corpus.articles, tags
        )
        for w in corpus.works
    ]
    index_pairs = list(combinations(range(len(names)), 2))
    pairs, counts = [], []
    for i, j in index_pairs:
        pair, count = _compare(corpus, corpus.works[i], corpus.works[j], names[i], names[j])
        pairs.append(pair)
        counts.append(count)
    confusions = [c.confusion for c in counts]
    raters = len(names)
    totals = [c.sum(axis=0) for c in tag_counts]
    if raters == 2:
        kind, kappa = "cohen", pairs[0].kappa
    else:
        kind = "fleiss"
        kappa = fleiss_kappa(sum(float(np.trace(c)) for c in confusions), sum(totals), raters)
    alpha = krippendorff_alpha(coincidences(confusions, raters))
    per_label = []
    for k, label in enumerate(labels):
        members = _label_tags(k, tags)
        if raters == 2:
            label_kappa = pairs[0].label_kappa[label]
        else:
            binaries = [binary_confusion(c, members) for c in confusions]
            agreeing = sum(float(b[0, 0] + b[1, 1]) for b in binaries)
            inside = sum(float(t[members].sum()) for t in totals)
            label_kappa = fleiss_kappa(
                agreeing, np.array([inside, corpus.tokens * raters - inside]), raters
            )
        per_label.append(
            LabelAgreement(
                label,
                float(np.mean([p.label_exact[label].f1 for p in pairs])),
                float(np.mean([p.label_overlap[label].f1 for p in pairs])),
                label_kappa,
                int(sum((w.label == k).sum() for w in corpus.works)),
            )
        )
    articles = _articles(corpus, counts, tag_counts, index_pairs)
    return Agreement(
        project=project,
        annotators=names,
        labels=labels,
        articles_total=total,
        articles_counted=corpus.articles,
        tokens=corpus.tokens,
        kappa_kind=kind,
        kappa=kappa,
        alpha=alpha,
        pairs=pairs,
        per_label=per_label,
        articles=articles,
        entities={n: int(len(w.label)) for n, w in zip(names, corpus.works)},
    )


def _articles(
    corpus: Corpus,
    counts: list[_PairCounts],
    tag_counts: list[np.ndarray],
    index_pairs: list[tuple[int, int]],
) -> list[ArticleAgreement]:
    f1s = []
    for c in counts:
        matched, a_total, b_total = c.article_exact
        f1s.append(_f1_array(matched, a_total, matched, b_total))
    exact = np.mean(f1s, axis=0)
    kappa = kappa_per_item(
        np.array([c.article_agreements for c in counts]), tag_counts, index_pairs
    )
    spans = np.zeros(corpus.articles, dtype=np.intp)  # spans per article, all works together
    for w in corpus.works:
        spans += np.bincount(w.article, minlength=corpus.articles)
    rows = [
        ArticleAgreement(int(aid), title, float(f), None if np.isnan(k) else float(k), int(s))
        for aid, title, f, k, s in zip(
            corpus.ids.tolist(), corpus.titles, exact.tolist(), kappa.tolist(), spans.tolist()
        )
    ]
    rows.sort(key=lambda a: (-a.disagreement, a.article_id))
    return rows


def _f1_array(
    a_matched: np.ndarray, a_total: np.ndarray, b_matched: np.ndarray, b_total: np.ndarray
) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(a_total > 0, a_matched / np.maximum(a_total, 1), 0.0)
        r = np.where(b_total > 0, b_matched / np.maximum(b_total, 1), 0.0)
        f1 = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1.0), 0.0)
    return np.where((a_total == 0) & (b_total == 0), 1.0, f1)


def _label_tags(k: int, tags: int) -> np.ndarray:
    members = np.zeros(tags, dtype=bool)
    members[[1 + 2 * k, 2 + 2 * k]] = True
    return members


def _compare(
    corpus: Corpus,
    a: Work,
    b: Work,
    name_a: str,
    name_b: str,
) -> tuple[PairAgreement, _PairCounts]:
    labels, n_labels, n_articles = corpus.labels, len(corpus.labels), corpus.articles
    tags = 1 + 2 * n_labels
    confusion = np.bincount(a.tags.astype(np.int64) * tags + b.tags, minlength=tags * tags).reshape(
        tags, tags
    )
    agreeing = np.bincount(corpus.token_article[a.tags == b.tags], minlength=n_articles)

    # Exact: the same boundaries and Label.
    exact_a, exact_b = member(a.exact_key, b.exact_sorted), member(b.exact_key, a.exact_sorted)
    # Overlap: B's spans sorted by start within Label segments, with the running maximum of
    # their ends; an A span overlaps one of them iff the last B span starting before A's end
    # (or any before it) ends after A's start.
    overlap_a, overlap_b = _overlaps(a, b), _overlaps(b, a)
    # Boundaries only: where B has a span with A's start and end, which Label B gave it.
    order = np.argsort(b.bound_key, kind="stable")
    sorted_bounds = b.bound_key[order]
    at = np.minimum(np.searchsorted(sorted_bounds, a.bound_key), max(len(order) - 1, 0))
    found = (sorted_bounds[at] == a.bound_key) if len(order) else np.zeros(len(at), bool)
    label_b = np.where(exact_a, a.label, b.label[order][at] if len(order) else a.label)
    matrix = np.bincount(
        a.label[found] * n_labels + label_b[found], minlength=n_labels * n_labels
    ).reshape(n_labels, n_labels)
    only_a = np.bincount(a.label[~found], minlength=n_labels)
    only_b = np.bincount(b.label[~member(b.bound_key, a.bound_sorted)], minlength=n_labels)

    def by_label(matched_a: np.ndarray, matched_b: np.ndarray) -> dict[str, SpanCounts]:
        return {
            label: SpanCounts(*map(int, (m_a, t_a, m_b, t_b)))
            for label, m_a, t_a, m_b, t_b in zip(
                labels,
                np.bincount(a.label[matched_a], minlength=n_labels),
                np.bincount(a.label, minlength=n_labels),
                np.bincount(b.label[matched_b], minlength=n_labels),
                np.bincount(b.label, minlength=n_labels),
            )
        }

    label_kappa = {
        label: cohen_kappa(binary_confusion(confusion, _label_tags(k, tags)))
        for k, label in enumerate(labels)
    }
    shared = np.sort(a.exact_key[exact_a])
    relations, relations_shared, relation_labels = _relations(corpus, a, b, shared)
    pair = PairAgreement(
        a=name_a,
        b=name_b,
        exact=SpanCounts(int(exact_a.sum()), len(exact_a), int(exact_b.sum()), len(exact_b)),
        overlap=SpanCounts(
            int(overlap_a.sum()), len(overlap_a), int(overlap_b.sum()), len(overlap_b)
        ),
        kappa=cohen_kappa(confusion),
        label_exact=by_label(exact_a, exact_b),
        label_overlap=by_label(overlap_a, overlap_b),
        label_kappa=label_kappa,
        relations=relations,
        relations_shared=relations_shared,
        relation_labels=relation_labels,
        confusion=Confusion(
            labels,
            matrix.tolist(),
            dict(zip(labels, map(int, only_a))),
            dict(zip(labels, map(int, only_b))),
        ),
    )
    article_exact = (
        np.bincount(a.article[exact_a], minlength=n_articles),
        np.bincount(a.article, minlength=n_articles),
        np.bincount(b.article, minlength=n_articles),
    )
    return pair, _PairCounts(confusion, agreeing, article_exact)


def _overlaps(a: Work, b: Work) -> np.ndarray:
    if len(b.segment_start) == 0:
        return np.zeros(len(a.segment_start), dtype=bool)
    order = np.argsort(b.segment_start, kind="stable")
    starts = b.segment_start[order]
    reach = np.maximum.accumulate(b.segment_end[order])
    last = np.searchsorted(starts, a.segment_end, side="left") - 1
    return (last >= 0) & (reach[np.maximum(last, 0)] > a.segment_start)


def _relations(
    corpus: Corpus,
    a: Work,
    b: Work,
    shared: np.ndarray,
) -> tuple[SpanCounts, SpanCounts, dict[str, SpanCounts]]:
    """Relation F1 counts: all Relations, those whose ends both marked, and per Label."""
    keys_a, given_a = _relation_keys(a, corpus.symmetric, shared)
    keys_b, given_b = _relation_keys(b, corpus.symmetric, shared)
    both = keys_a & keys_b
    everything = SpanCounts(len(both), len(keys_a), len(both), len(keys_b))
    common = len(given_a & given_b)
    given = SpanCounts(common, len(given_a), common, len(given_b))
    totals_a, totals_b, matched = (Counter(k[2] for k in keys) for keys in (keys_a, keys_b, both))
    names = corpus.relation_labels
    per_label = {
        names[k]: SpanCounts(matched[k], totals_a[k], matched[k], totals_b[k])
        for k in sorted(set(totals_a) | set(totals_b), key=lambda k: names[k])
    }
    return everything, given, per_label


def _relation_keys(
    work: Work,
    symmetric: np.ndarray,
    shared: np.ndarray,
) -> tuple[set[tuple[int, int, int]], set[tuple[int, int, int]]]:
    """(head, child, Label) of each Relation, ends in order for a symmetric Label; also
    those of them whose two ends are both in `shared`."""
    head, child, label = work.relation_head, work.relation_child, work.relation_label
    swap = np.isin(label, symmetric) & (child < head)
    head, child = np.where(swap, child, head), np.where(swap, head, child)
    ends_shared = member(head, shared) & member(child, shared)
    keys = set(zip(head.tolist(), child.tolist(), label.tolist()))
    given = set(
        zip(head[ends_shared].tolist(), child[ends_shared].tolist(), label[ends_shared].tolist())
    )
    return keys, given
