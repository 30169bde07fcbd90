"""Where things are, as news writes it without a verb: "X di Y" and chains "di A, B, C".

- An organisation, a site or an event written right before "di" and a place is in it:
  "Kedutaan Besar AS di Hanoi", "Mahkamah Internasional (ICJ) di Den Haag", "blok Ambalat
  di Laut Sulawesi".
- A chain of places separated by commas, after "di" or after "di" and a common noun
  ("di kamp Adre, Chad", "di pantai Desa Lampanah, Kabupaten Aceh Besar"), goes from the
  smaller place to the larger: each place lies in the next ("di Istana Konstantinovsky,
  St. Petersburg, Rusia"). "X, ibu kota Y" and "X, negara bagian Y" say the same.

`relation_mentions.build_groups` already pairs "di A, B" for two bare places; this adds the
rest of the chain, the nouns before it and "X di Y".
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from annotation.nlp.relation_lexicon import word_hash
from annotation.nlp.relation_mentions import EVENT, GPE, LOC, ORG

SCORE_AT = 0.55  # "Kedutaan Besar AS di Hanoi"
SCORE_CHAIN = 0.5  # "di kamp Adre, Chad"
_NOUNS = 2  # common nouns between "di" and a chain's first place: "di pelabuhan Ly Son"
_PLACES = (GPE, LOC)
# A comma and then one of these before a place: "El Fasher, ibu kota Darfur Utara".
_CONTAINERS = (
    "ibu kota",
    "ibukota",
    "negara bagian",
    "provinsi",
    "wilayah",
    "kabupaten",
    "kota",
    "kawasan",
    "region",
    "distrik",
    "bagian",
)


@functools.lru_cache(maxsize=1)
def _containers() -> frozenset[tuple[int, ...]]:
    return frozenset(tuple(word_hash(w) for w in c.split()) for c in _CONTAINERS)


def located(art: Any) -> Iterator[tuple[int, int, float]]:
    """(thing, place, score) for "X di Y" and for each link of a chain of places."""
    spans, mentions, lower, di = art.spans, art.mentions, art.lower, art.di
    by_first = {s.first: pos for pos, s in enumerate(spans)}
    for mention in mentions:
        if len(mention.members) != 1 or mention.last not in di:
            continue
        head = mention.members[0]
        place = by_first.get(mention.last + 1)
        if (
            place is not None
            and spans[head].label in (ORG, LOC, EVENT)
            and spans[place].label in _PLACES
            and spans[place].sent == mention.sent
            and not art.words.broken[mention.last]
        ):
            yield head, place, SCORE_AT
    containers = _containers()
    for pos, span in enumerate(spans):
        if span.label not in _PLACES or not _after_di(art, span.first):
            continue
        n = pos
        while n + 1 < len(spans):
            nxt = spans[n + 1]
            gap = tuple(lower[spans[n].last : nxt.first])
            if (
                nxt.label not in _PLACES
                or nxt.sent != span.sent
                or not gap
                or gap[0] != art.comma
                or art.words.broken[nxt.first]
                or (len(gap) > 1 and gap[1:] not in containers)
                or _coordinated(art, nxt.first)
            ):
                break
            yield n, n + 1, SCORE_CHAIN
            n += 1


def _coordinated(art: Any, first: int) -> bool:
    """Whether the entity at word `first` opens a coordinated group ("Di Jakarta, Indonesia
    dan Malaysia sepakat ..."): a subject after a fronted place, not a larger place."""
    k = bisect_right(art.group_firsts, first) - 1
    return k >= 0 and len(art.groups[k].mentions) > 1


def _after_di(art: Any, first: int) -> bool:
    """Whether "di" comes right before word `first`, or "di" and a few lowercase nouns."""
    for back in range(1, _NOUNS + 2):
        i = first - back
        if i < 0 or art.sent[i] != art.sent[first] or art.inside[i]:
            return False
        if i in art.di:
            return True
        if art.title[i] or art.words.numeric[i] or art.lower[i] == art.comma:
            return False
    return False
