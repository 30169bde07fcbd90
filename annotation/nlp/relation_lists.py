"""Members listed after an organisation: "kelompok Quad, yakni AS, Jepang, India, dan
Australia", "negara anggota UE seperti Polandia dan Lituania".

A list opened by "yakni", "yaitu", "seperti", "termasuk" or "antara lain" right after an
organisation (a comma may come between) names its members: each country or organisation of
the list is a MEMBER_OF it. People are left out: "pejabat PBB, termasuk Guterres" lists
officials, whose tie to the body is an office, not membership.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from annotation.nlp.relation_lexicon import word_hash
from annotation.nlp.relation_mentions import GPE, ORG

SCORE_LISTED = 0.6
_MARKERS = ("yakni", "yaitu", "seperti", "termasuk", "antara lain", "di antaranya")


@functools.lru_cache(maxsize=1)
def _markers() -> frozenset[tuple[int, ...]]:
    return frozenset(tuple(word_hash(w) for w in m.split()) for m in _MARKERS)


def listed_members(art: Any) -> Iterator[tuple[int, int, float]]:
    """(member, organisation, score) for each list of members written after an organisation."""
    markers, lower, comma = _markers(), art.lower, art.comma
    ends = {m.last: m for m in art.mentions}
    for group in art.groups:
        first = group.first
        for size in (1, 2):
            start = first - size
            if start < 1 or tuple(lower[start:first]) not in markers:
                continue
            end = start - 1 if lower[start - 1] == comma else start
            owner = ends.get(end)
            if owner is None or owner.sent != group.sent or not art.words.flowing(end, first):
                break
            body = owner.pick((ORG,))
            if body is None or art.spans[owner.members[0]].label != ORG:
                break
            for member in group.pick((GPE, ORG)):
                if member != body:
                    yield member, body, SCORE_LISTED
            break
