"""Candidate entity pairs of an article and the features the relation model reads.

A candidate pair is an ordered pair of entities (head, child) in the same sentence (or, with
`window` 1, in neighbouring ones) for which the schema allows at least one relation type.
Its features are plain strings: the two labels and their order, the distance in words
(bucketed), the words between (lower-cased, an entity between counts as one word and is
written as its label), the words just around both ends, clause words, quotes and commas
between, the entities between, and what the rule suggester proposed for this pair (label,
origin, score bucket and trigger words). The model keeps a weight vector per feature it
saw in training, so unseen features cost nothing and the weights can be read by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from annotation.nlp.docview import View
from annotation.nlp.suggestion import Candidate, RelationCandidate
from annotation.schema import LabelSchema

# Words that open a clause or a quote: a relation rarely reaches across one.
CLAUSE_WORDS = frozenset(
    (
        "bahwa",
        "namun",
        "tetapi",
        "tapi",
        "sedangkan",
        "sementara",
        "karena",
        "sehingga",
        "agar",
        "supaya",
        "setelah",
        "sebelum",
        "ketika",
        "meski",
        "meskipun",
        "walaupun",
        "jika",
        "kata",
        "ujar",
        "ucap",
        "ungkap",
        "tutur",
        "menurut",
        "yang",
        ";",
        ":",
    )
)
QUOTES = frozenset(('"', "\u201c", "\u201d", "'", "\u2018", "\u2019"))
MAX_BETWEEN = 12  # words between kept from each end; the middle of a long gap says little
_DISTANCE_BUCKETS = (0, 1, 2, 3, 5, 8, 12, 20)


@dataclass
class Pair:
    """One ordered candidate pair: indexes into the caller's entity list, and its features."""

    head: int
    child: int
    allowed: tuple[str, ...]  # the relation types the schema allows for head -> child
    features: list[str]
    rules: dict[str, tuple[float, str]] = field(default_factory=dict)  # label: score, origin
    reverse: frozenset[str] = frozenset()  # labels the rules proposed for child -> head


def bucket(value: float, edges: Sequence[float] = _DISTANCE_BUCKETS) -> str:
    """The smallest edge at or above `value`, or "more" beyond the last."""
    for edge in edges:
        if value <= edge:
            return str(edge)
    return "more"


class _Units:
    """An article as a list of units: each word, except that an entity is one unit."""

    def __init__(self, doc: Any, entities: Sequence[Candidate]) -> None:
        import numpy as np
        from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

        arr = doc.to_array([IDX, LENGTH, IS_SPACE, SENT_START])
        keep = arr[:, 2] == 0
        sent = (arr[:, 3] == 1).cumsum()[keep]
        starts, ends = arr[keep, 0], arr[keep, 0] + arr[keep, 1]
        lower = [t.lower_ for t, k in zip(doc, keep.tolist()) if k]
        firsts = np.searchsorted(ends, [e.start for e in entities], side="right").tolist()
        lasts = np.searchsorted(starts, [e.end for e in entities], side="left").tolist()
        begins: dict[int, tuple[int, int]] = {}  # first word -> (entity index, last word)
        last_end = -1
        for i in sorted(range(len(entities)), key=lambda i: (entities[i].start, entities[i].end)):
            if entities[i].start < last_end or firsts[i] >= lasts[i]:
                continue  # overlapping an earlier entity, or between words
            last_end = entities[i].end
            begins[firsts[i]] = (i, lasts[i])
        self.words: list[str] = []  # lower-cased word, or "<LABEL>" for an entity
        self.sent: list[int] = []
        self.unit_of: dict[int, int] = {}  # entity index -> its unit
        w, n = 0, len(lower)
        while w < n:
            if w in begins:
                i, last = begins[w]
                self.unit_of[i] = len(self.words)
                self.words.append(f"<{entities[i].label}>")
                self.sent.append(int(sent[w]))
                w = max(last, w + 1)
            else:
                self.words.append(lower[w])
                self.sent.append(int(sent[w]))
                w += 1


def candidate_pairs(
    doc: Any,
    entities: Sequence[Candidate],
    schema: LabelSchema,
    rules: Sequence[RelationCandidate] = (),
    window: int = 0,
) -> list[Pair]:
    """Every ordered pair the schema allows, within `window` sentences, with its features.

    `rules` are the rule suggester's candidates for the same `entities`; `doc` has sentence
    boundaries. Entities that overlap an earlier one are left out, as the rules do.
    """
    if len(entities) < 2 or len(doc) == 0:
        return []
    units = _Units(doc, entities)
    allowed: dict[tuple[str, str], tuple[str, ...]] = {}
    symmetric = {r.name for r in schema.relations if r.symmetric}
    by_pair: dict[tuple[int, int], list[str]] = {}
    proposed: dict[tuple[int, int], dict[str, tuple[float, str]]] = {}
    text = View.of(doc).text  # once: Doc.text joins every token anew
    for rc in rules:
        ends = [(rc.head, rc.child)] + ([(rc.child, rc.head)] if rc.label in symmetric else [])
        for key in ends:
            old = proposed.setdefault(key, {}).get(rc.label)
            if old is None or rc.score > old[0]:
                proposed[key][rc.label] = (rc.score, rc.origin)
        trigger = text[rc.trigger[0] : rc.trigger[1]].lower() if rc.trigger else ""
        feats = [
            f"R={rc.label}",
            f"RO={rc.origin}|{rc.label}",
            f"RS={bucket(rc.score, (0.3, 0.5, 0.7, 0.9))}|{rc.label}",
        ]
        feats += [f"RT={word}|{rc.label}" for word in trigger.split()]
        by_pair.setdefault((rc.head, rc.child), []).extend(["RULE", *feats])
        if rc.label in symmetric:
            by_pair.setdefault((rc.child, rc.head), []).extend(["RULE", *feats])
        else:
            by_pair.setdefault((rc.child, rc.head), []).append(f"RR={rc.label}")
    placed = sorted(units.unit_of.items(), key=lambda item: item[1])
    pairs = []
    for x, (a, ua) in enumerate(placed):
        for y in range(x + 1, len(placed)):  # not a slice: that copies the rest each time
            b, ub = placed[y]
            gap = units.sent[ub] - units.sent[ua]
            if gap > window:
                break
            for head, child in ((a, b), (b, a)):
                la, lb = entities[head].label, entities[child].label
                types = allowed.get((la, lb))
                if types is None:
                    types = tuple(r.name for r in schema.relations if r.allows(la, lb))
                    allowed[(la, lb)] = types
                if types:
                    feats = _features(units, entities, head, child, ua, ub, gap)
                    feats += by_pair.get((head, child), ())
                    reverse = frozenset(proposed.get((child, head), {})) - set(
                        proposed.get((head, child), {})
                    )
                    pairs.append(
                        Pair(head, child, types, feats, proposed.get((head, child), {}), reverse)
                    )
    return pairs


def _features(
    units: _Units, entities: Sequence[Candidate], head: int, child: int, lo: int, hi: int, gap: int
) -> list[str]:
    """The features of head -> child, whose units are lo < hi in some order."""
    words = units.words
    la, lb = entities[head].label, entities[child].label
    forward = units.unit_of[head] == lo
    way = "f" if forward else "b"
    labels = f"{la}>{lb}"
    between = words[lo + 1 : hi]
    distance = bucket(len(between))
    feats = [
        "bias",
        f"L={labels}",
        f"O={way}|{labels}",
        f"D={distance}|{way}",
        f"DL={distance}|{labels}",
    ]
    if gap:
        feats.append(f"S={gap}|{way}")
    h, c = units.unit_of[head], units.unit_of[child]
    for name, at in (
        ("HP", h - 1),
        ("HN", h + 1),
        ("CP", c - 1),
        ("CN", c + 1),
        ("P1", lo - 1),
        ("P2", lo - 2),
        ("N1", hi + 1),
        ("N2", hi + 2),
    ):
        if 0 <= at < len(words) and units.sent[at] in (units.sent[lo], units.sent[hi]):
            feats.append(f"{name}={words[at]}")
    if not between:
        return [*feats, f"ADJ|{way}"]
    if gap == 0:
        kept = (
            between
            if len(between) <= 2 * MAX_BETWEEN
            else (between[:MAX_BETWEEN] + between[-MAX_BETWEEN:])
        )
        feats += [f"BF={kept[0]}", f"BL={kept[-1]}"]
        for i, word in enumerate(kept):
            feats += [f"B={word}", f"B{way}={word}"]
            if len(word) > 5 and not word.startswith("<"):
                feats.append(f"B5={word[:5]}")
            if i:
                feats.append(f"BB={kept[i - 1]}_{word}")
    entities_between = [w for w in between if w.startswith("<")]
    commas = between.count(",")
    feats += [f"E={min(len(entities_between), 3)}", f"C={min(commas, 3)}"]
    feats += [f"EL={w}" for w in set(entities_between)]
    if f"<{la}>" in entities_between:
        feats.append("SAME_HEAD_LABEL_BETWEEN")
    if f"<{lb}>" in entities_between:
        feats.append("SAME_CHILD_LABEL_BETWEEN")
    if any(w in CLAUSE_WORDS for w in between):
        feats.append(f"CLAUSE|{way}")
    if any(w in QUOTES for w in between):
        feats.append("QUOTE")
    return feats
