"""Mentions and coordinated groups of entities, and the relations their layout states.

A mention is the run of entities that names one actor: "Presiden Prancis Emmanuel Macron"
is ROLE + GPE + PER, "Amerika Serikat (AS)" is a name and its bracketed alias. A group is
mentions joined by "dan", "serta", "bersama" or a comma list ending in "dan" ("Rusia dan
Iran", "Kuba-Iran"), which act together on a trigger. Written side by side, a mention also
states relations by itself: the person holds the role and represents the country
(HOLDS_ROLE, REPRESENTS); "di Istanbul, Turki" and "KTT G20 di Bali" state LOCATED_IN.

Everything here reads word hashes (spaCy's LOWER) and word offsets, never the text, so that
no Doc has to rebuild its text.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

from annotation.nlp.relation_lexicon import word_hash

PER, ROLE, GPE, ORG, LOC, EVENT = "PER", "ROLE", "GPE", "ORG", "LOC", "EVENT"
HOLDS_ROLE, REPRESENTS, LOCATED_IN = "HOLDS_ROLE", "REPRESENTS", "LOCATED_IN"
_BODIES = (GPE, ORG)  # whose office a ROLE is
_KIND = {PER: "actor", GPE: "actor", ORG: "actor", LOC: "place", EVENT: "event"}
# Words that join coordinated mentions; a list of bare commas must end in one of these.
COORDINATORS = (
    "dan",
    ", dan",
    "serta",
    ", serta",
    "bersama",
    ", bersama",
    "maupun",
    "atau",
    ", atau",
    "&",
    "dan juga",
)
# Collective nouns and quantifiers that may open a conjunct before its name: "Indonesia dan
# anggota OKI", "Indonesia bersama 57 negara OKI", "AS dan kekuatan-kekuatan Barat".
COLLECTIVE = (
    "anggota",
    "negara",
    "negara-negara",
    "para",
    "semua",
    "seluruh",
    "pihak",
    "kelompok",
    "sekutu",
    "sekutunya",
    "mitra",
    "kekuatan",
    "sejumlah",
    "beberapa",
    "pemerintah",
    "delegasi",
    "-",
)
_MAX_COLLECTIVE = 3  # words of them in one conjunct

# Scores of relations stated by layout alone, without a trigger word.
SCORE_ROLE = 0.9  # "Presiden Joko Widodo"
SCORE_ROLE_COMMA = 0.85  # "Menteri Luar Negeri Rusia, Sergei Lavrov"
SCORE_REPRESENTS = 0.85  # "Presiden Prancis Emmanuel Macron": Macron -> Prancis
SCORE_APPOSITION = 0.75  # "Sergei Lavrov, Menteri Luar Negeri Rusia"
SCORE_ROLE_REPRESENTS = 0.6  # "Presiden Kuba" with no name: the ROLE -> Kuba
SCORE_PLACE_PAIR = 0.5  # "di Istanbul, Turki"
SCORE_EVENT_PLACE = 0.6  # "KTT G20 di Bali"


@functools.lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    comma, dash, open_, close = (word_hash(w) for w in (",", "-", "(", ")"))
    coordinators = {
        tuple(word_hash(w) for w in c.split())
        for c in (c.replace(",", " , ") for c in COORDINATORS)
    }
    return {
        "comma": (comma,),
        "dash": (dash,),
        "open": (open_,),
        "close": close,
        "di": word_hash("di"),
        "coordinators": coordinators,
        "collective": {word_hash(w) for w in COLLECTIVE},
    }


class Words(NamedTuple):
    """An article's words (whitespace tokens left out): lowercase hashes and layout."""

    lower: list[int]
    starts: list[int]
    ends: list[int]
    broken: list[bool]  # a line break or extra space comes before this word
    numeric: Sequence[bool] = ()  # the word is a number ("57 negara")
    title: Sequence[bool] = ()  # the word is capitalised ("Jenderal")

    def gap(self, first: int, last: int) -> tuple[int, ...]:
        """Hashes of the words in [first, last)."""
        return tuple(self.lower[first:last])

    def flowing(self, first: int, last: int) -> bool:
        """Whether no line break or extra space lies between word first - 1 and word last."""
        return not any(self.broken[first : last + 1])


class Span(NamedTuple):
    """An entity placed in the Doc: label, words [first, last) and sentence."""

    label: str
    first: int
    last: int
    sent: int


class Mention:
    """Entities naming one actor, by position in the sorted entity list."""

    __slots__ = (
        "members",
        "first",
        "last",
        "sent",
        "comma",
        "appositive",
        "order",
        "kind",
        "person",
    )

    def __init__(self, pos: int, span: Span) -> None:
        self.members = [pos]
        self.first, self.last, self.sent = span.first, span.last, span.sent
        self.comma = False  # "ROLE GPE, PER"
        self.appositive = False  # "PER, ROLE GPE"
        self.order: list[tuple[str, int]] = []  # (label, member), best first
        self.kind: str | None = None  # "actor", "place", "event": what it may join
        self.person: int | None = None  # "Wakil Tetap RI di Jenewa, X": X, a mention apart

    def finish(self, spans: Sequence[Span]) -> None:
        """Rank the members (the person first, then from the name backwards) and set kind."""
        if len(self.members) == 1:  # most mentions: one entity
            label = spans[self.members[0]].label
            self.order, self.kind = [(label, self.members[0])], _KIND.get(label)
            return
        labelled = [(spans[m].label, m) for m in self.members]
        self.order = [x for x in labelled if x[0] == PER]
        self.order += [x for x in reversed(labelled) if x[0] != PER]
        kinds = {_KIND.get(label) for label, _ in labelled} - {None}
        self.kind = "actor" if "actor" in kinds else (kinds.pop() if len(kinds) == 1 else None)

    def pick(self, allowed: Collection[str]) -> int | None:
        """The member that stands for the mention in a relation: the person if allowed."""
        for label, member in self.order:
            if label in allowed:
                return member
        return None


class Group:
    """Coordinated mentions, which share a trigger ("Rusia dan Iran mendesak ...")."""

    __slots__ = ("mentions", "first", "last", "sent")

    def __init__(self, mention: Mention) -> None:
        self.mentions = [mention]
        self.first, self.last, self.sent = mention.first, mention.last, mention.sent

    def add(self, mention: Mention) -> None:
        """Add the next coordinated mention."""
        self.mentions.append(mention)
        self.last = mention.last

    def pick(self, allowed: Collection[str]) -> list[int]:
        """Each mention's entity that `allowed` labels admit, for mentions that have one."""
        picked = (m.pick(allowed) for m in self.mentions)
        return [p for p in picked if p is not None]


def build_mentions(words: Words, spans: Sequence[Span]) -> list[Mention]:
    """Join ROLE, GPE/ORG and PER written next to each other, and bracketed aliases."""
    w = _words()
    mentions: list[Mention] = []
    cur: Mention | None = None
    labels: tuple[str, ...] = ()
    for pos, span in enumerate(spans):
        # Joined entities have at most one word between them: "(", "," or nothing.
        if cur is not None and cur.sent == span.sent and span.first - cur.last <= 1:
            gap = words.gap(cur.last, span.first)
            if (
                gap == w["open"]
                and span.last < len(words.lower)
                and words.lower[span.last] == w["close"]
            ):
                cur.last = span.last + 1  # "Amerika Serikat (AS)": AS is an alias
                continue
            glued = words.flowing(cur.last, span.first)
            if glued and not gap and labels == (ROLE,) and span.label in _BODIES:
                cur.members.append(pos)
                cur.last, labels = span.last, (ROLE, span.label)
                continue
            if (
                glued and not gap and len(labels) == 2 and labels[0] == ROLE and span.label == ROLE
            ):  # a rank: "Panglima Angkatan Bersenjata Jenderal"
                cur.members.append(pos)
                cur.last, labels = span.last, (*labels, ROLE)
                continue
            rank = (
                len(gap) == 1 and bool(words.title) and words.title[cur.last] and gap != w["open"]
            )  # "Panglima ... Sudan Jenderal Abdel Fattah"
            if (
                glued
                and (not gap or gap == w["comma"] or rank)
                and labels[0] == ROLE
                and PER not in labels
                and span.label == PER
            ):
                cur.members.append(pos)
                cur.last, labels, cur.comma = span.last, (*labels, PER), bool(gap)
                continue
        cur, labels = Mention(pos, span), (span.label,)
        mentions.append(cur)
    return _join_appositions(words, spans, mentions)


def _join_appositions(
    words: Words, spans: Sequence[Span], mentions: list[Mention]
) -> list[Mention]:
    """Merge "PER, ROLE [GPE]" into one mention headed by the person."""
    comma = _words()["comma"]
    out: list[Mention] = []
    for mention in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and mention.first - prev.last == 1
            and prev.sent == mention.sent
            and spans[mention.members[0]].label == ROLE
            and all(spans[m].label != PER for m in mention.members)
            and len(prev.members) == 1
            and spans[prev.members[0]].label == PER
            and words.gap(prev.last, mention.first) == comma
        ):
            prev.members += mention.members
            prev.last, prev.appositive = mention.last, True
            continue
        out.append(mention)
    for mention in out:
        mention.finish(spans)
    di = _words()["di"]
    for a, b, c in zip(out, out[1:], out[2:]):  # "Perwakilan UNHCR di Indonesia, Erika"
        if (
            spans[a.members[0]].label == ROLE
            and a.order[0][0] != PER
            and len(b.members) == 1
            and len(c.members) == 1
            and spans[b.members[0]].label in (GPE, LOC)
            and spans[c.members[0]].label == PER
            and b.first == a.last + 1
            and words.lower[a.last] == di
            and a.sent == b.sent == c.sent
            and words.flowing(a.last, c.first)
            and (c.first == b.last or words.gap(b.last, c.first) == comma)
        ):
            a.person = c.members[0]
    return out


def build_groups(
    words: Words,
    spans: Sequence[Span],
    mentions: Sequence[Mention],
    place_pair: Collection[tuple[str, str]] = (),
    after_di: Collection[int] = (),
) -> tuple[list[Group], list[tuple[int, int]]]:
    """Group coordinated mentions; also return "X, Y" place pairs (positions X, Y).

    Indonesian ends a list with "dan"/"serta", so mentions joined by bare commas only
    ("Merapat ke Rusia, Israel Minta ...") are no group: the comma separates clauses or
    appositions. Two single places joined by such a comma, the first right after "di"
    (`after_di` holds the positions of those), read as "di Istanbul, Turki" (Y contains X)
    when `place_pair` allows (label X, label Y).
    """
    w = _words()
    links: list[bool] = []
    commas: list[bool] = []
    comma = w["comma"]
    for a, b in zip(mentions, mentions[1:]):
        same = a.sent == b.sent and a.kind is not None and a.kind == b.kind
        if b.first - a.last > 2:  # no coordinator is longer than ", dan"
            links.append(same and _collective(words, a.last, b.first, w))
            commas.append(False)
            continue
        gap = words.gap(a.last, b.first)
        if gap == w["dash"]:  # "Kuba-Iran", but not a dateline's spaced dash
            linked = (
                same
                and words.ends[a.last - 1] == words.starts[a.last]
                and words.ends[a.last] == words.starts[b.first]
            )
        else:
            linked = (
                same
                and words.flowing(a.last, b.first)
                and (
                    gap in w["coordinators"]
                    or gap == comma
                    or _collective(words, a.last, b.first, w)
                )
            )
        links.append(linked)
        commas.append(gap == comma)
    i = 0
    while i < len(links):  # unlink runs joined by bare commas only
        j = i
        while j < len(links) and links[j]:
            j += 1
        if j > i and all(commas[i:j]):
            links[i:j] = [False] * (j - i)
        i = j + 1
    pairs = []
    for i, (a, b) in enumerate(zip(mentions, mentions[1:])):
        if (
            commas[i]
            and not links[i]
            and len(a.members) == 1
            and len(b.members) == 1
            and a.sent == b.sent
            and a.members[0] in after_di
            and (spans[a.members[0]].label, spans[b.members[0]].label) in place_pair
            and not (i + 1 < len(links) and links[i + 1])
        ):
            pairs.append((a.members[0], b.members[0]))
    groups: list[Group] = []
    for i, mention in enumerate(mentions):
        if i and links[i - 1]:
            groups[-1].add(mention)
        else:
            groups.append(Group(mention))
    return groups, pairs


def _collective(words: Words, first: int, last: int, w: dict[str, Any]) -> bool:
    """Whether words [first, last) are a coordinator and then collective nouns or numbers."""
    if last - first > 2 + _MAX_COLLECTIVE or not words.flowing(first, last):
        return False
    for size in (1, 2):
        if words.gap(first, first + size) in w["coordinators"]:
            rest = range(first + size, last)
            if 0 < len(rest) <= _MAX_COLLECTIVE and all(
                words.lower[i] in w["collective"] or (words.numeric and words.numeric[i])
                for i in rest
            ):
                return True
    return False


def layout_relations(
    spans: Sequence[Span], mentions: Sequence[Mention]
) -> list[tuple[int, int, str, float]]:
    """(head, child, label, score) stated by how a mention is written, by entity position."""
    found = []
    for mention in mentions:
        if len(mention.members) < 2 and mention.person is None:
            continue
        by_label: dict[str, int] = {}
        for m in mention.members:
            by_label.setdefault(spans[m].label, m)
        role, per = by_label.get(ROLE), by_label.get(PER, mention.person)
        body = next((m for m in mention.members if spans[m].label in _BODIES), None)
        if role is None:
            continue
        if per is not None:
            if mention.appositive:
                scores = (SCORE_APPOSITION, SCORE_APPOSITION - 0.05)
            else:
                scores = (SCORE_ROLE_COMMA if mention.comma else SCORE_ROLE, SCORE_REPRESENTS)
            found += [
                (per, m, HOLDS_ROLE, scores[0]) for m in mention.members if spans[m].label == ROLE
            ]
            if body is not None:
                found.append((per, body, REPRESENTS, scores[1]))
        elif body is not None:
            found.append((role, body, REPRESENTS, SCORE_ROLE_REPRESENTS))
    return found


def event_places(spans: Sequence[Span], after_di: Collection[int]) -> list[tuple[int, int]]:
    """(event, place) positions written "KTT G20 di Bali": the event takes place there."""
    return [
        (i, i + 1)
        for i in range(len(spans) - 1)
        if spans[i].label == EVENT
        and i + 1 in after_di
        and spans[i + 1].first == spans[i].last + 1
        and spans[i + 1].sent == spans[i].sent
    ]
