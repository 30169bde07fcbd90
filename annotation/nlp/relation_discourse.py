"""Who a relation's left-out subject is: a quote's speaker, or what a pronoun stands for.

News writing names an actor once and then leaves it out or refers back to it:

- A quote is attributed after it closes ("...," kata Lavrov) and may run over several
  sentences; inside it "kami", "kita" and "saya" are the speaker ("Kami mengecam ...").
  A verb with no named subject is not taken as the speaker's: its subject is most often a
  common noun ("semua negara ... bekerja bersama"). A spokesperson ("Juru bicara Kremlin
  Dmitry Peskov") speaks for the body, so the body stands in for "kami".
- "Ia", "dia" and "beliau" refer to a person: the first one named in the same sentence
  before the pronoun ("X mengatakan bahwa ia ..."), else in the nearest earlier sentence
  that names one, which is usually its subject.
- "Pihaknya" refers to the party the sentence or the one before is about.
- "Keduanya", "kedua negara", "kedua pemimpin" ... refer to a pair: the last coordinated
  group of two or more actors in this or the previous sentences, else the pair that met or
  agreed in the previous sentence.

Everything reads word hashes and positions from `relation_article.ArticleBase`, like the rest.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from annotation.nlp.relation_lexicon import word_hash
from annotation.nlp.relation_mentions import GPE, PER, ROLE, Group, Mention, Span

# The verbs of a trailing attribution: '"...," kata X'. With -nya ("tambahnya") the speaker
# is a pronoun, resolved like "ia".
SAY = (
    "kata",
    "ujar",
    "ucap",
    "ungkap",
    "tutur",
    "pungkas",
    "sambung",
    "imbuh",
    "papar",
    "tandas",
    "kilah",
    "katanya",
    "ujarnya",
    "ucapnya",
    "ungkapnya",
    "tuturnya",
    "pungkasnya",
    "sambungnya",
    "terangnya",
    "tambahnya",
    "jelasnya",
    "imbuhnya",
    "tegasnya",
    "paparnya",
    "lanjutnya",
    "tandasnya",
    "sebutnya",
)
# Also adjectives or verbs ("sikap tegas", "jelas"): an attribution only right after a quote.
SAY_AFTER_QUOTE = ("terang", "tambah", "jelas", "tegas", "lanjut", "sebut")
PERSON = ("ia", "dia", "beliau")
SPEAKER = ("kami", "kita", "saya", "aku")
PARTY = ("pihaknya",)
BOTH = ("keduanya",)
BOTH_OF = ("kedua",)  # followed by one of PAIR_NOUNS
PAIR_PEOPLE = ("pemimpin", "menteri", "presiden", "kepala", "diplomat", "tokoh", "delegasi")
PAIR_STATES = ("negara", "pemerintah")
PAIR_PARTIES = ("pihak", "belah")
QUOTES = ('"', "\u201c", "\u201d")
SPOKESPERSON = ("juru", "jubir")  # "juru bicara", the first word of the ROLE
_LOOKBACK = 3  # sentences searched back for an antecedent


@functools.lru_cache(maxsize=1)
def _hashes() -> dict[str, Any]:
    def h(words: Sequence[str]) -> frozenset[int]:
        return frozenset(word_hash(w) for w in words)

    return {
        "person": h(PERSON),
        "party": h(PARTY),
        "both": h(BOTH),
        "both_of": h(BOTH_OF),
        "speaker": h(SPEAKER),
        "people": h(PAIR_PEOPLE),
        "states": h(PAIR_STATES),
        "parties": h(PAIR_PARTIES),
        "open": word_hash("\u201c"),
        "close": word_hash("\u201d"),
        "plain": word_hash('"'),
        "comma": word_hash(","),
        "nya": frozenset(word_hash(w) for w in SAY if w.endswith("nya")),
        "spokes": h(SPOKESPERSON),
    }


class Discourse:
    """Quotes with their speakers and pronoun antecedents of one article."""

    def __init__(self, art: Any, pronouns: list[int], quotes: list[int], says: list[int]):
        self.a = art
        self.pronouns = pronouns  # sorted positions of PERSON, PARTY, BOTH and BOTH_OF words
        self._marks, self._says = quotes, says
        self._quotes: list[tuple[int, int, Group]] | None = None  # (open, close, speaker)

    # -- quotes ---------------------------------------------------------------------------

    def _find_quotes(self, quotes: list[int], says: set[int]) -> None:
        self._quotes = []
        h, a = _hashes(), self.a
        lower, broken = a.lower, a.words.broken
        opened: int | None = None
        for q in quotes:
            if opened is not None and any(broken[opened + 1 : q + 1]):
                opened = None  # a quote left open at a paragraph's end is no longer open
            word = lower[q]
            if word == h["open"] or (word == h["plain"] and opened is None):
                opened = q
                continue
            start, opened = (opened if opened is not None else a.sent_first(q)), None
            say = q + 1 if q + 1 < len(lower) and lower[q + 1] != h["comma"] else q + 2
            if say not in says or a.sent[say] != a.sent[q]:
                continue
            speaker = self._speaker(say)
            if speaker is not None:
                self._quotes.append((start, q, speaker))

    def _speaker(self, say: int) -> Group | None:
        a = self.a
        if a.lower[say] in _hashes()["nya"]:  # "tambahnya": the speaker of the last quote
            return self._quotes[-1][2] if self._quotes else self._person(say, a.sent[say])
        k = bisect_left(a.group_firsts, say + 1)
        if k == len(a.groups) or a.groups[k].first != say + 1:
            return None
        group: Group = a.groups[k]
        mention = group.mentions[0]
        labels = [a.spans[m].label for m in mention.members]
        if ROLE in labels and a.lower[a.spans[mention.members[0]].first] in _hashes()["spokes"]:
            bodies = [m for m in mention.members if a.spans[m].label not in (ROLE, PER)]
            if bodies:  # the spokesperson's body speaks
                return _group_of(a.spans, [bodies[0]])
        return group

    def quotes(self) -> list[tuple[int, int, Group]]:
        """The article's attributed quotes: (opening word, closing mark, speaker)."""
        if self._quotes is None:
            self._find_quotes(self._marks, set(self._says))
        assert self._quotes is not None
        return self._quotes

    def said_by(self, position: int) -> Group | None:
        """The speaker whose attribution `position` follows: '"...," ujar X saat di P'."""
        a = self.a
        first = a.sent_first(position)
        if not a._any(self._says, first, position):
            return None  # no attribution in the sentence: the quotes need not be found
        if self._quotes is None:
            self._find_quotes(self._marks, set(self._says))
        assert self._quotes is not None
        # Quotes close in text order: only those closing in this sentence before `position`
        # can be its attribution's, the first that fits wins.
        quotes = self._quotes
        k = bisect_left(quotes, first, key=_close)
        for j in range(k, len(quotes)):
            _, close, speaker = quotes[j]
            if close >= position:
                break
            if speaker.last <= position:
                return speaker
        return None

    def speaker(self, position: int) -> Group | None:
        """The speaker of the quote that `position` lies in, if it is attributed."""
        if self._quotes is None:
            self._find_quotes(self._marks, set(self._says))
        assert self._quotes is not None
        for start, close, speaker in self._quotes:
            if start < position < close:
                return speaker
        return None

    # -- pronouns -------------------------------------------------------------------------

    def pronoun(self, first: int, limit: int, after: int) -> tuple[Group, int, int] | None:
        """(antecedent, distance, position) of a pronoun subject of the trigger at `first`.

        The pronoun lies after word `after` and at most `limit` words before the trigger,
        with no clause boundary between.
        """
        a, h = self.a, _hashes()
        k = bisect_left(self.pronouns, first) - 1
        if k < 0:
            return None
        p = self.pronouns[k]
        dist = a.cum[first] - a.cum[p + 1]
        if (
            p < after
            or a.sent[p] != a.sent[first]
            or dist > limit
            or a._any(a.stop_before, p + 1, first)
        ):
            return None
        word = a.lower[p]
        label = None  # what each member of a pair must name
        if word in h["both_of"]:
            noun = a.lower[p + 1] if p + 1 < first else 0
            if noun in h["people"]:
                label = PER
            elif noun in h["states"]:
                label = GPE
            elif noun not in h["parties"]:
                return None
            dist = a.cum[first] - a.cum[p + 2]
        if word in h["person"]:
            found = self._person(p, a.sent[p])
        elif word in h["party"]:
            found = self._first_actor(p, a.sent[p])
        elif word in h["speaker"]:
            found = self.speaker(p)
        else:
            found = self._pair(p, a.sent[p], label)
        return (found, dist, p) if found is not None else None

    def _sentences_back(self, position: int, sent: int) -> list[tuple[int, int]]:
        """Group index ranges [lo, hi) of this sentence before `position`, then earlier ones."""
        a = self.a
        hi = bisect_right(a.group_lasts, position)
        ranges = []
        for s in range(sent, sent - _LOOKBACK - 1, -1):
            lo = hi
            while lo > 0 and a.groups[lo - 1].sent == s:
                lo -= 1
            ranges.append((lo, hi))
            hi = lo
            if hi == 0:
                break
        return ranges

    def _person(self, position: int, sent: int) -> Group | None:
        a = self.a
        for lo, hi in self._sentences_back(position, sent):
            for group in a.groups[lo:hi]:
                for mention in group.mentions:
                    if any(a.spans[m].label == PER for m in mention.members):
                        return _group_of(a.spans, mention.members)
        return None

    def _first_actor(self, position: int, sent: int) -> Group | None:
        groups: list[Group] = self.a.groups
        for lo, hi in self._sentences_back(position, sent):
            for group in groups[lo:hi]:
                if group.mentions[0].kind == "actor":
                    return group
        return None

    def _pair(self, position: int, sent: int, label: str | None) -> Group | None:
        a = self.a

        def names(members: Sequence[int]) -> bool:
            return label is None or any(a.spans[m].label == label for m in members)

        groups: list[Group] = a.groups
        for i, (lo, hi) in enumerate(self._sentences_back(position, sent)):
            for group in reversed(groups[lo:hi]):
                if (
                    len(group.mentions) > 1
                    and group.mentions[0].kind == "actor"
                    and all(names(m.members) for m in group.mentions)
                ):
                    return group
            pair = a.pairs.get(sent - i)
            if i > 0 and pair is not None and names(pair[:1]) and names(pair[1:]):
                return _group_of(a.spans, [pair[0]], [pair[1]])  # "A bertemu B. Keduanya"
        return None


def _close(quote: tuple[int, int, Group]) -> int:
    return quote[1]


def _group_of(spans: Sequence[Span], *members: list[int]) -> Group:
    """A group of new mentions made of the given entity positions."""
    mentions = []
    for positions in members:
        mention = Mention(positions[0], spans[positions[0]])
        mention.members = list(positions)
        mention.last = spans[positions[-1]].last
        mention.finish(spans)
        mentions.append(mention)
    group = Group(mentions[0])
    for mention in mentions[1:]:
        group.add(mention)
    return group
