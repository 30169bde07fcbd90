"""Whose country a place or a person is, and the visits that presence in a place states.

News seldom writes "berkunjung ke" when it can place a foreign actor somewhere: "A bertemu
B di Doha", "Diaz-Canel bicarakan ... di Qatar", "ujar Putin saat berada di Kremlin". Who
travelled follows from countries: the place's (a country, a city of the gazetteers' library
lists, or the next place of a chain "di Istana Konstantinovsky, St. Petersburg") and the
people's (the body written in their name, "Presiden Kuba Miguel Diaz-Canel", carried to
later mentions by surname). At a meeting, when one side is at home, the others visit; a
sentence's subject, or a quote's speaker, whose country differs from the place's visits it.
An actor whose country is not written is never taken as a visitor on its own.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from annotation.nlp.relation_mentions import EVENT, GPE, LOC, ORG, PER, ROLE
from annotation.paths import RESOURCES

_LIBRARY = RESOURCES / "gazetteers" / "library"
# Indonesian exonyms and short forms the library lists (ISO and GeoNames) spell otherwise.
_ALIASES = {
    "RI": "ID",
    "AS": "US",
    "Amerika": "US",
    "Inggris": "GB",
    "Britania Raya": "GB",
    "Korsel": "KR",
    "Korut": "KP",
    "Moskow": "RU",
    "Teheran": "IR",
    "Kairo": "EG",
    "Jenewa": "CH",
    "Brussel": "BE",
    "Den Haag": "NL",
    "St. Petersburg": "RU",
    "Yerusalem": "IL",
    "Tepi Barat": "PS",
    "Jalur Gaza": "PS",
    "Gaza": "PS",
    "Washington DC": "US",
    "Kremlin": "RU",
    "Gedung Putih": "US",
    "Istana Merdeka": "ID",
    "Istana Bogor": "ID",
    "Muskat": "OM",
    "Beograd": "RS",
    "Bagdad": "IQ",
    "Damaskus": "SY",
    "Mekkah": "SA",
    "Makkah": "SA",
    "Jeddah": "SA",
    "Kopenhagen": "DK",
    "Praha": "CZ",
    "Wina": "AT",
    "Roma": "IT",
    "Warsawa": "PL",
    "Athena": "GR",
    "Kiev": "UA",
    "Lisabon": "PT",
    "Dubai": "AE",
}
# Whose office an official named without a country holds, in Indonesian news:
# "Menteri Luar Negeri Sugiono" is Indonesia's.
HOME = "ID"
SCORE_MEETING_PLACE = 0.65  # "A bertemu B di Doha": the side not at home visits Doha
SCORE_NEUTRAL = 0.55  # "Iran dan AS menggelar perundingan di Muskat": both sides visit
SCORE_PRESENCE = 0.55  # "Diaz-Canel bicarakan ... di Qatar"
_SUBJECT_WITHIN = 6  # words before a sentence's subject ("Pada Minggu (3/12), X ...")
_PLACE_WITHIN = 8  # words from the subject to "di": "X bicarakan masalah Y di Qatar"


def _key(text: str) -> str:
    return "".join(text.lower().split())


@functools.lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Place name (lowercase, spaces removed) -> ISO 3166 country code."""
    found: dict[str, str] = {}
    for name in ("countries.tsv", "cities.tsv", "regions.tsv"):
        for line in (_LIBRARY / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or line.count("\t") < 2:
                continue
            text, _, note = line.split("\t")[:3]
            code = _code(note)
            if code:
                found.setdefault(_key(text), code)
    found.update((_key(k), v) for k, v in _ALIASES.items())
    return found


def _code(note: str) -> str | None:
    """The country code of a library note: "RU id short", "capital of QA; ...", "ID-JK ..."."""
    first = note.split(";")[0].split()
    for word in (first[0] if first else "", first[-1] if first else ""):
        code = word.split("-")[0]
        if len(code) == 2 and code.isupper():
            return code
    return None


class Countries:
    """The countries of an article's places and people, by entity position."""

    def __init__(self, art: Any) -> None:
        self.a = art
        self._place: dict[int, str | None] = {}

    @functools.cached_property
    def people(self) -> dict[int, str]:
        """Person position -> the country written with the person (built when first asked)."""
        return self._people()

    def text(self, pos: int) -> str:
        """An entity's words, lowercase and joined without spaces."""
        a, span = self.a, self.a.spans[pos]
        return "".join(a.strings[h] for h in a.lower[span.first : span.last])

    def place(self, pos: int) -> str | None:
        if pos not in self._place:
            self._place[pos] = countries().get(self.text(pos))
        return self._place[pos]

    def _people(self) -> dict[int, str]:
        a = self.a
        self.officials: set[int] = set()  # last words of people named with an office
        self.foreign: set[int] = set()  # ... and of people named with a country
        by_name: dict[int, str] = {}  # a person's last word -> the country written with it
        own: dict[int, str] = {}
        for mention in a.mentions:
            members = mention.members
            if len(members) == 1 and mention.person is None:
                continue  # most mentions: one name, no office or country written with it
            person = next((m for m in members if a.spans[m].label == PER), mention.person)
            if person is not None and a.spans[members[0]].label == ROLE:
                self.officials.add(a.lower[a.spans[person].last - 1])
            body = next((m for m in members if a.spans[m].label == GPE), None)
            if person is not None and body is not None:
                self.foreign.add(a.lower[a.spans[person].last - 1])
            if person is not None and body is not None and (code := self.place(body)):
                own[person] = code
                by_name.setdefault(a.lower[a.spans[person].last - 1], code)
        for person, body in a.origins:
            if a.spans[body].label == GPE and (code := self.place(body)):
                own.setdefault(person, code)
                by_name.setdefault(a.lower[a.spans[person].last - 1], code)
        for pos, span in enumerate(a.spans):
            if span.label == PER and pos not in own:
                code = by_name.get(a.lower[span.last - 1])
                if code is not None:
                    own[pos] = code
        return own

    def home(self, pos: int) -> str | None:
        """The country of a person, or Indonesia for an official named without a country."""
        self.people  # noqa: B018  builds `officials` and `foreign` too
        found = self.of(pos)
        name = self.a.lower[self.a.spans[pos].last - 1]
        if found is None and name in self.officials and name not in self.foreign:
            return HOME
        return found

    def of(self, pos: int) -> str | None:
        """The country of a person or a political entity, if the article writes it."""
        label = self.a.spans[pos].label
        return self.people.get(pos) if label == PER else self.place(pos) if label == GPE else None

    def chain(self, pos: int) -> tuple[list[int], str | None]:
        """The places visited in "di A, B, C" from `pos` on, and the first country known.

        The visit is to the places up to the first political entity, the city: "di Istana
        Konstantinovsky, St. Petersburg" names two, "di Moskow, Rusia" one.
        """
        a = self.a
        places, code, n = [pos], self.place(pos), pos
        while (
            n + 1 < len(a.spans)
            and a.spans[n + 1].label in (GPE, LOC)
            and a.spans[n + 1].sent == a.spans[pos].sent
            and a.spans[n + 1].first == a.spans[n].last + 1
            and a.lower[a.spans[n].last] == a.comma
        ):
            n += 1
            code = code or self.place(n)
            if a.spans[places[-1]].label != GPE:
                places.append(n)
        return places, code


def presence_visits(art: Any) -> Iterator[tuple[int, int, float]]:
    """(visitor, place, score) stated by meetings held in a place and by presence there."""
    c = None
    for start in sorted(art.after_di):
        span = art.spans[start]
        if span.label not in (GPE, LOC) or start - 1 in art.event_place_of:
            continue  # "di sela-sela KTT X di New York": the event's place, not a visit
        sides = art.meetings.get(span.sent, ())
        present = _present(art, span.sent, start)
        if not sides and not present:
            continue  # most places: nobody is placed there
        c = c or art.countries
        places, code = c.chain(start)
        if code is None or any(p in sides for p in places):
            continue
        known = {p: c.of(p) for p in sides}
        if code in known.values():  # one side is at home: the others travelled
            for p in sides:
                if known[p] != code and art.spans[p].label == PER:
                    yield from ((p, place, SCORE_MEETING_PLACE) for place in places)
        elif sides and None not in known.values():
            # Talks on neutral ground ("Iran dan AS menggelar perundingan di Muskat"): every
            # side, each of a known country other than the place's, travelled there.
            for p in sides:
                yield from ((p, place, SCORE_NEUTRAL) for place in places)
        for p in present:
            country = c.home(p)
            if country is not None and country != code:
                yield from ((p, place, SCORE_PRESENCE) for place in places)


def _present(art: Any, sent: int, place: int) -> list[int]:
    """The people a sentence places at `place`: its subject, or a quote's speaker."""
    di = art.spans[place].first - 1
    start = art.sent_first(di)
    found: list[int] = []
    k = art.first_group(start)
    while k is not None and k < len(art.groups):
        group = art.groups[k]
        if (
            group.sent != sent
            or group.last > di
            or art.cum[group.first] - art.cum[start] > _SUBJECT_WITHIN
            or art._any(art.stop_before, start, group.first)
        ):
            break
        people = group.pick((PER,))
        if people and group.first - 1 not in art.oblique:
            if (
                not art._any(art.stop_before, group.last, di)
                and art.cum[di] - art.cum[group.last] <= _PLACE_WITHIN
                and not art._any(art.yang_at, group.last, di)
            ):
                found = people
            break
        k += 1
    k = art.first_group(art.spans[place].first)
    if k and art.groups[k - 1].last == di:  # "Presiden Kuba Miguel Diaz-Canel di Doha"
        found += [p for p in art.groups[k - 1].pick((PER,)) if p not in found]
    speaker = art.discourse.said_by(di)
    if speaker is not None:
        found += [p for p in speaker.pick((PER,)) if p not in found]
    return found


SCORE_AT_EVENT = 0.55  # "Arrmanatha menyampaikan pernyataan dalam Sesi ke-60 Dewan HAM PBB"
_EVENT_WITHIN = 12  # words from the subject to "dalam"/"di"/"pada" before the event
_EVENT_AFTER = 3  # words from that preposition to the event: "pada pembukaan COP30"


def event_presence(art: Any) -> Iterator[tuple[int, int, float]]:
    """(participant, event) stated by acting at an event: "X ... dalam/di/pada EVENT"."""
    for pos, span in enumerate(art.spans):
        if span.label != EVENT:
            continue
        i = bisect_left(art.at_words, span.first) - 1
        if i < 0:
            continue
        at = art.at_words[i]
        if (
            art.sent[at] != span.sent
            or span.first - at - 1 > _EVENT_AFTER
            or any(art.inside[at : span.first])
        ):
            continue
        actors = (PER, GPE, ORG)
        found = art.clause_subject(at, actors)
        people: list[int] = []
        if (
            found is not None
            and found[0].last <= at
            and art.cum[at] - art.cum[found[0].last] <= _EVENT_WITHIN
            and not art._any(art.stop_before, found[0].last, at)
            and not art._any(art.yang_at, found[0].last, at)
        ):
            people += found[1]
        people += sorted(art.meetings.get(span.sent, ()))
        speaker = art.discourse.said_by(at)
        if speaker is not None:
            people += speaker.pick(actors)
        for p in dict.fromkeys(people):
            if p != pos:
                yield p, pos, SCORE_AT_EVENT
