"""Who speaks for a country: an official's statement names the country it speaks for.

"Menteri Luar Negeri Sugiono mengatakan Indonesia mendukung ...", "Menurut Mohamad Hasan,
Kuala Lumpur menyambut baik ...", '"Vietnam menuntut ...," ujar Hang': the speaker
represents the country (or its capital) that the statement opens with, when it is the
speaker's own: the one written with the speaker's name ("Presiden Kuba ..."), else, for an
official named without one, Indonesia, as Indonesian news leaves its own officials'
country out. A statement is a quote with its attribution, what follows a speech verb whose
subject is the speaker, or what follows "Menurut X,".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from annotation.nlp.relation_mentions import GPE, PER

SCORE_SPEAKS_FOR = 0.55
_OPENS = 3  # words from a statement's start to the country it opens with


def speakers(art: Any) -> Iterator[tuple[int, int, float]]:
    """(person, country) pairs where the person's statement speaks for the country."""
    for person, start, end in _statements(art):
        yield from ((person, gpe, SCORE_SPEAKS_FOR) for gpe in _spoken_for(art, person, start, end))


def _statements(art: Any) -> Iterator[tuple[int, int, int]]:
    """(speaker, first word, end word) of each statement with a named speaker."""
    for start, close, group in art.discourse.quotes():
        for person in group.pick((PER,))[:1]:
            yield person, start + 1, close
    for verb in art.speech:
        found = art.clause_subject(verb, (PER,))
        if found is not None and found[0].last <= verb:
            yield found[1][0], verb + 1, _sentence_end(art, verb)
    for word in art.according:
        k = art.first_group(word + 1)
        if k is not None and art.groups[k].first == word + 1:
            people = art.groups[k].pick((PER,))
            if people:
                yield people[0], art.groups[k].last, _sentence_end(art, word)


def _sentence_end(art: Any, position: int) -> int:
    sent, n = art.sent[position], len(art.sent)
    end = position
    while end < n and art.sent[end] == sent:
        end += 1
    return end


def _spoken_for(art: Any, person: int, start: int, end: int) -> list[int]:
    """The countries the statement opens with that are the speaker's own."""
    k = art.first_group(start)
    if k is None:
        return []
    group = art.groups[k]
    if group.first >= end or art.cum[group.first] - art.cum[start] > _OPENS:
        return []
    opening = group.pick((GPE,))
    if not opening:
        return []
    c = art.countries
    own = c.home(person)
    return [pos for pos in opening if own is not None and c.place(pos) == own]


SCORE_TOLD = 0.6


def told(art: Any) -> Iterator[tuple[int, int, float]]:
    """(speaker, listener) of '"...," ucap Putin kepada Diaz-Canel': the two meet."""
    kepada = art.o._kepada
    for _, _, group in art.discourse.quotes():
        at = group.last
        if at + 1 >= len(art.lower) or art.lower[at] != kepada:
            continue
        k = art.first_group(at + 1)
        if k is None or art.groups[k].first != at + 1:
            continue
        for person in group.pick((PER,))[:1]:
            for listener in art.groups[k].pick((PER,)):
                yield person, listener, SCORE_TOLD
