"""Read what agreement compares, in one pass over the project: tokens, spans and BIO tags.

The counted Articles are laid end to end on one global character axis (each Article's
offsets shifted by the lengths of the Articles before it, plus one), so that every
Annotator's spans and every token become flat numpy arrays, and a token's tag comes from
one `np.searchsorted` over all spans instead of a loop per Article.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from annotation.model import ArticleStatus, EntityStatus
from annotation.nlp.tokens import decode_arrays
from annotation.project.store import Store

# Whether each code point up to U+3000 (the last one `str.isspace` knows) is whitespace;
# the extra last entry stands for every code point above.
_BLANK = np.array([chr(c).isspace() for c in range(0x3001)] + [False])
_NONE = 0xFFF  # the index SQL gives a Label or Annotator not asked for
_CHUNK = 512


def done_sql(annotators: list[str]) -> tuple[str, list[object]]:
    """SQL for the ids of the Articles every one of `annotators` marked done."""
    marks = ", ".join("?" * len(annotators))
    return (
        f"SELECT article_id FROM article_status WHERE status = ? AND annotator IN "
        f"({marks}) GROUP BY article_id HAVING count(*) = ?",
        [ArticleStatus.DONE, *annotators, len(annotators)],
    )


@dataclass
class Work:
    """One Annotator's accepted spans and Relations in the counted Articles, as arrays."""

    article: np.ndarray  # index into Corpus.ids
    label: np.ndarray  # index into Corpus.labels
    bound_key: np.ndarray  # one int per (start, end) on the global axis
    exact_key: np.ndarray  # one int per (start, end, Label)
    segment_start: np.ndarray  # start on an axis with one segment per Label
    segment_end: np.ndarray
    tags: np.ndarray  # a BIO tag id per token: 0 O, 1 + 2k B-label k, 2 + 2k I-label k
    relation_head: np.ndarray  # exact keys of the head and child Entities
    relation_child: np.ndarray
    relation_label: np.ndarray  # index into Corpus.relation_labels

    @functools.cached_property
    def exact_sorted(self) -> np.ndarray:
        return np.sort(self.exact_key)

    @functools.cached_property
    def bound_sorted(self) -> np.ndarray:
        return np.sort(self.bound_key)


@dataclass
class Corpus:
    annotators: list[str]
    labels: list[str]
    ids: np.ndarray  # the counted Articles' ids, ascending
    titles: list[str]
    token_article: np.ndarray  # each token's Article index
    works: list[Work]
    relation_labels: list[str]
    symmetric: np.ndarray  # indexes of the symmetric Relation Labels

    @property
    def articles(self) -> int:
        return len(self.ids)

    @property
    def tokens(self) -> int:
        return len(self.token_article)


def member(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Whether each key is among `sorted_keys` (ascending)."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    found: np.ndarray = sorted_keys[at] == keys
    return found


def load_corpus(store: Store, annotators: list[str], labels: list[str] | None) -> Corpus:
    """Read the Articles all `annotators` marked done, with their tokens and work."""
    done, params = done_sql(annotators)
    ids, titles, bases, starts, ends, size = _articles(store, done, params)
    token_article = np.searchsorted(bases, starts, side="right") - 1
    marks = ", ".join("?" * len(annotators))
    who_case, who_params = _case("annotator", annotators)
    # The counted Articles are picked in numpy: asking SQLite to look each row's Article
    # up in the list of done ones takes longer than reading the rows.
    work_params = [EntityStatus.ACCEPTED, *annotators]

    # The integers of each span packed into two, so that SQLite hands over two ints a row.
    candidates = (
        list(dict.fromkeys(labels))
        if labels is not None
        else [
            r[0]
            for r in store.db.execute(
                f"SELECT DISTINCT label FROM entities WHERE status = ? AND annotator IN ({marks})",
                [EntityStatus.ACCEPTED, *annotators],
            )
        ]
    )
    label_case, label_params = _case("label", candidates)
    packed = np.array(
        store.db.execute(
            f'SELECT (article_id << 32) + start, (("end" - start) << 24) + ({who_case} << 12) + '
            f"{label_case} FROM entities "
            f"WHERE status = ? AND annotator IN ({marks})",
            [*who_params, *label_params, *work_params],
        ).fetchall(),
        dtype=np.int64,
    ).reshape(-1, 2)
    packed = packed[((packed[:, 1] & _NONE) != _NONE) & member(packed[:, 0] >> 32, ids)]
    label = packed[:, 1] & _NONE
    if labels is None:
        used = {candidates[k] for k in np.unique(label).tolist()}
        order = [x for x in store.schema.entity_labels if x in used]
        labels = order + sorted(used - set(order))
    else:
        labels = candidates
    remap = np.full(len(candidates) + 1, _NONE, dtype=np.int64)
    remap[[candidates.index(x) for x in labels]] = np.arange(len(labels))
    label = remap[label]
    article = np.searchsorted(ids, packed[:, 0] >> 32)
    global_start = bases[article] + (packed[:, 0] & 0xFFFFFFFF)
    global_end = global_start + (packed[:, 1] >> 24)
    who = (packed[:, 1] >> 12) & _NONE

    relation_labels = [
        r[0]
        for r in store.db.execute(
            f"SELECT DISTINCT label FROM relations WHERE status = ? AND annotator IN ({marks})",
            [EntityStatus.ACCEPTED, *annotators],
        )
    ]
    relation_case, relation_params = _case("r.label", relation_labels)
    head_case, head_params = _case("h.label", labels)
    child_case, child_params = _case("c.label", labels)
    relations = np.array(
        store.db.execute(
            f"SELECT {_case('r.annotator', annotators)[0]}, {relation_case}, "
            f'r.article_id, h.start, h."end", {head_case}, c.start, c."end", {child_case} '
            "FROM relations r JOIN entities h ON h.id = r.head JOIN entities c ON c.id = r.child "
            f"WHERE r.status = ? AND r.annotator IN ({marks})",
            [*who_params, *relation_params, *head_params, *child_params, *work_params],
        ).fetchall(),
        dtype=np.int64,
    ).reshape(-1, 9)
    relations = relations[
        (relations[:, 5] != _NONE) & (relations[:, 8] != _NONE) & member(relations[:, 2], ids)
    ]

    # Keys: (start, length) and (start, length, Label) packed into one int64 each.
    width = 1 + max(
        _largest(global_end - global_start),
        _largest(relations[:, 4] - relations[:, 3]),
        _largest(relations[:, 7] - relations[:, 6]),
    )
    n_labels = max(len(labels), 1)
    if size * width * n_labels >= 2**62:
        raise ValueError("the project is too large to pack span keys into 64 bits")
    at = bases[np.searchsorted(ids, relations[:, 2])]
    head = (
        (at + relations[:, 3]) * width + relations[:, 4] - relations[:, 3]
    ) * n_labels + relations[:, 5]
    child = (
        (at + relations[:, 6]) * width + relations[:, 7] - relations[:, 6]
    ) * n_labels + relations[:, 8]

    works = []
    for i in range(len(annotators)):
        mine = who == i
        s, e, k = global_start[mine], global_end[mine], label[mine]
        bound = s * width + (e - s)
        theirs = relations[:, 0] == i
        works.append(
            Work(
                article=article[mine],
                label=k,
                bound_key=bound,
                exact_key=bound * n_labels + k,
                segment_start=k * size + s,
                segment_end=k * size + e,
                tags=_tags(starts, ends, s, e, k),
                relation_head=head[theirs],
                relation_child=child[theirs],
                relation_label=relations[theirs, 1],
            )
        )
    symmetric = np.array(
        [
            i
            for i, name in enumerate(relation_labels)
            if (r := store.schema.relation(name)) is not None and r.symmetric
        ],
        dtype=np.int64,
    )
    return Corpus(annotators, labels, ids, titles, token_article, works, relation_labels, symmetric)


def _largest(values: np.ndarray) -> int:
    return int(values.max()) if len(values) else 0


def _case(column: str, values: list[str]) -> tuple[str, list[str]]:
    """SQL mapping `column`'s value to its index in `values`, or to _NONE."""
    if not values:
        return str(_NONE), []
    whens = " ".join(f"WHEN ? THEN {i}" for i in range(len(values)))
    return f"CASE {column} {whens} ELSE {_NONE} END", list(values)


def _articles(
    store: Store, done: str, params: list[object]
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray, int]:
    """Ids, titles and axis offsets of the counted Articles, their tokens on the axis, and
    the axis' length.

    Blank tokens are found a chunk of Articles at a time: their texts joined with one
    character between them, as on the axis, and looked at in one numpy pass.
    """
    ids: list[int] = []
    titles: list[str] = []
    bases: list[int] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    base = 0
    cursor = store.db.execute(
        "SELECT a.id, a.title, a.text, t.data FROM articles a "
        f"LEFT JOIN tokens t ON t.article_id = a.id WHERE a.id IN ({done}) ORDER BY a.id",
        params,
    )
    while batch := cursor.fetchmany(_CHUNK):
        first, texts, chunk_starts, chunk_ends = base, [], [], []
        for article_id, title, text, data in batch:
            s, e = _tokens(text, data)
            ids.append(article_id)
            titles.append(title)
            bases.append(base)
            chunk_starts.append(s + base)
            chunk_ends.append(e + base)
            texts.append(text)
            base += len(text) + 1
        s, e = np.concatenate(chunk_starts), np.concatenate(chunk_ends)
        codes = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), "<u4")
        blank = _BLANK[np.minimum(codes, len(_BLANK) - 1)]
        printed = np.concatenate(([0], np.cumsum(~blank)))
        keep = printed[e - first] > printed[s - first]
        starts.append(s[keep])
        ends.append(e[keep])
    empty = np.zeros(0, dtype=np.int64)
    return (
        np.array(ids, dtype=np.int64),
        titles,
        np.array(bases, dtype=np.int64),
        np.concatenate(starts) if starts else empty,
        np.concatenate(ends) if ends else empty,
        base + 1,
    )


def _tokens(text: str, data: bytes | None) -> tuple[np.ndarray, np.ndarray]:
    """The Article's token offsets, from storage or, where none are stored, made now."""
    if not data:
        # Articles stored without tokens (never by the importer): tokenize this one.
        from annotation.nlp.tokens import tokenize

        data = next(tokenize([text]))
    return decode_arrays(data)


def _tags(
    token_starts: np.ndarray,
    token_ends: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    labels: np.ndarray,
) -> np.ndarray:
    """Each token's BIO tag id from the spans it overlaps; a later-starting span wins."""
    tags = np.zeros(len(token_starts), dtype=np.int16)
    order = np.lexsort((ends, starts))
    starts, ends, labels = starts[order], ends[order], labels[order]
    first = np.searchsorted(token_ends, starts, side="right")  # first token ending after
    stop = np.searchsorted(token_starts, ends, side="left")  # tokens starting before end
    lengths = np.maximum(stop - first, 0)
    covered = lengths.sum()
    if covered:
        # Token indexes of every span, concatenated: each span's run first, first + 1, ...
        offsets = np.repeat(first - (np.cumsum(lengths) - lengths), lengths)
        tags[offsets + np.arange(covered)] = np.repeat(2 + 2 * labels, lengths)
        some = lengths > 0
        tags[first[some]] = 1 + 2 * labels[some]
    return tags
