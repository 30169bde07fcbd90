"""Choosing a relation's other end and type by keyboard: hint codes, reach and type order.

From the current entity the researcher presses a key and every entity it may be linked to
nearby gets a short code of letters drawn on it (browser hint keys); typing a code picks it.
The codes are prefix-free, so a code is complete the moment it is typed, and the nearest
entities get the one-letter codes. Only entities in the current entity's sentence and its
neighbours are offered, and only those the schema allows some relation with, in either
direction. The types are then offered in the order the sentence suggests: a type whose
trigger word appears around the pair comes first.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache

from annotation.model import Entity
from annotation.nlp.sentences import sentence_starts
from annotation.schema import LabelSchema

# Home row first, then the rows above and below: the commonest codes under resting fingers.
HINT_LETTERS = "asdfghjklqwertyuiopzxcvbnm"
Choice = tuple[int, int, str]  # head id, child id, relation label


def hint_codes(count: int, letters: str = HINT_LETTERS) -> list[str]:
    """`count` prefix-free codes, shortest first: one letter each while they last.

    With more entities than letters, the last letters become prefixes of two-letter codes
    (and so on), as few as needed, so that the first codes stay one key long.
    """
    if count <= 0:
        return []
    codes = list(letters)
    while len(codes) < count:
        # The last of the shortest codes becomes a prefix of len(letters) longer ones.
        shortest = min(map(len, codes))
        prefix = codes.pop(max(i for i, c in enumerate(codes) if len(c) == shortest))
        codes += [prefix + letter for letter in letters]
    codes.sort(key=len)  # stable: near entities keep the short codes, in letter order
    return codes[:count]


def sentence_bounds(text: str, starts: Sequence[int], ends: Sequence[int]) -> list[int]:
    """The `str` offsets where the article's sentences start (the same splitter as the
    suggesters, on the stored tokens)."""
    words = [text[s:e] for s, e in zip(starts, ends)]
    spaces = [
        e < len(text) and text[e] == " " and (i + 1 >= len(starts) or starts[i + 1] == e + 1)
        for i, e in enumerate(ends)
    ]
    return [starts[i] for i in sentence_starts(words, spaces)] if words else [0]


def pick_targets(
    schema: LabelSchema,
    current: Entity,
    entities: Sequence[Entity],
    bounds: Sequence[int],
    reach: int = 1,
) -> list[Entity]:
    """The entities `current` may be linked to: within `reach` sentences of it and allowed
    some relation type in either direction, nearest first."""

    def sentence(offset: int) -> int:
        return bisect.bisect_right(bounds, offset) - 1

    here = sentence(current.start)
    targets = [
        e
        for e in entities
        if e.id != current.id
        and abs(sentence(e.start) - here) <= reach
        and (
            schema.allowed_relations(current.label, e.label)
            or schema.allowed_relations(e.label, current.label)
        )
    ]
    return sorted(targets, key=lambda e: (_gap(current, e), e.start))


def _gap(a: Entity, b: Entity) -> int:
    return max(0, b.start - a.end, a.start - b.end)


def type_options(
    schema: LabelSchema,
    head: Entity,
    child: Entity,
    text: str,
    cues: dict[str, Sequence[str]] | None = None,
    prior: dict[tuple[str, str, str], int] | None = None,
) -> list[Choice]:
    """The relation types allowed from `head` to `child`, most likely first.

    Each type scores by how the text around the pair speaks for it: a cue (a trigger phrase
    of the lexicon, `cues`) between the two entities counts most, one just around them
    less; a name written with its country ("Presiden Kuba Miguel Diaz-Canel") speaks for
    REPRESENTS-like layouts, a place after a comma or "di" for LOCATED_IN-like ones. Ties
    go to the type the project has accepted most often between these labels (`prior`,
    keyed by head label, child label, type), then to the schema's order.
    """
    labels = schema.allowed_relations(head.label, child.label)
    first, second = sorted((head, child), key=lambda e: e.start)
    between = text[first.end : second.start].lower()
    around = _window(text, head, child).lower()

    def score(label: str) -> tuple[float, int]:
        points = 0.0
        for phrase in (cues or {}).get(label, ()):
            if _has(between, phrase):
                points = max(points, 3.0)
            elif _has(around, phrase):
                points = max(points, 1.0)
        points += _layout(label, head, child, between)
        return points, (prior or {}).get((head.label, child.label, label), 0)

    ranked = sorted(labels, key=lambda label: score(label), reverse=True)  # stable
    return [(head.id, child.id, label) for label in ranked]


def _layout(label: str, head: Entity, child: Entity, between: str) -> float:
    """What the ends written side by side say for a type (the layouts the rule suggester
    reads too, in relation_mentions, as far as a gap of a few characters shows)."""
    gap = between.strip()
    if label == "REPRESENTS" and child.end <= head.start and gap == "":
        return 2.0  # "Presiden Kuba Miguel Diaz-Canel": the country just before the name
    if label == "LOCATED_IN" and head.end <= child.start and gap in (",", "di"):
        return 2.0  # "Dubai, Uni Emirat Arab", "KTT ... di Kazan"
    return 0.0


def _window(text: str, a: Entity, b: Entity, margin: int = 60) -> str:
    lo, hi = min(a.start, b.start), max(a.end, b.end)
    return text[max(0, lo - margin) : hi + margin]


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)")


def _has(window: str, phrase: str) -> bool:
    return _pattern(phrase).search(window) is not None


def match_code(codes: dict[str, int], typed: str) -> tuple[int | None, dict[str, int]]:
    """(the entity whose code is `typed`, else None; the codes still open after `typed`)."""
    if typed in codes:
        return codes[typed], {}
    return None, {code: i for code, i in codes.items() if code.startswith(typed)}


@lru_cache(maxsize=1)
def lexicon_cues() -> dict[str, tuple[str, ...]]:
    """The shipped trigger lexicon as cues: relation label -> its trigger phrases."""
    from annotation.nlp.relation_lexicon import load_triggers
    from annotation.paths import RESOURCES

    cues: dict[str, list[str]] = {}
    for trigger in load_triggers(RESOURCES / "lexicons" / "relation_triggers.tsv"):
        cues.setdefault(trigger.label, []).append(trigger.phrase)
    return {label: tuple(phrases) for label, phrases in cues.items()}


def candidate_rows(
    schema: LabelSchema,
    entity: Entity,
    others: Sequence[Entity],
    text: str,
    cues: dict[str, Sequence[str]] | None = None,
    prior: dict[tuple[str, str, str], int] | None = None,
) -> list[tuple[Entity, list[Choice]]]:
    """Each other entity once, nearest first, with every relation the schema allows between
    it and `entity` in either direction (a symmetric type once), each direction's types
    most likely first (see `type_options`)."""
    rows = []
    for other in sorted(others, key=lambda o: (_gap(entity, o), o.start)):
        if other.id == entity.id:
            continue
        forward = type_options(schema, entity, other, text, cues, prior)
        symmetric = {
            label
            for _, _, label in forward
            if (t := schema.relation(label)) is not None and t.symmetric
        }
        backward = [
            o
            for o in type_options(schema, other, entity, text, cues, prior)
            if o[2] not in symmetric
        ]
        if forward or backward:
            rows.append((other, forward + backward))
    return rows


def context(text: str, entity: Entity, width: int = 48) -> tuple[int, str]:
    """(line number from 1, the text around `entity` on one line with it in brackets)."""
    line = text.count("\n", 0, entity.start) + 1
    before = text[max(0, entity.start - width) : entity.start]
    after = text[entity.end : entity.end + width]
    before = before[before.rfind("\n") + 1 :]
    after = after.split("\n", 1)[0]
    shown = f"{before}[{text[entity.start : entity.end]}]{after}"
    return line, " ".join(shown.split())
