"""The pattern rules of the rule layer: organisation and event names, titles, repeats.

They work on a `View` of a Doc (token texts and offsets as plain lists) and on the spans
the earlier stages kept, given per token as `owner` (the span covering it, or None).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotation.nlp.docview import Span, View, word_ids
from annotation.nlp.wordlists import words as listed

CONTEXT = 0.75  # a two-label gazetteer entry, decided by the word before it
TITLE_PER, TITLE_PER_AFTER_COMMA = 0.8, 0.65
ROLE_EXTENDED, ROLE_WORDS = 0.8, 0.6
ORG_HEAD = EVENT_HEAD = ACRONYM = 0.75
HEADLINE = 0.4  # a pattern match inside a title-case headline, where every word is capitalised
REPEAT, FIRST_NAME, ACRONYM_REPEAT = 0.6, 0.55, 0.7
ORDINAL_EVENT, CREDIT, OUTLET = 0.7, 0.6, 0.7
BARE_YEAR = 0.4  # the dates' score for a bare year, which an event name may end with

_ROMAN = frozenset({"I", "II", "III", "IV", "V", "VI", "VII", "VIII"})
_JOINERS = frozenset({"-", "'", "’"})
_DASHES = frozenset({"-", "–", "—", "--"})
_INITIAL = re.compile(r"^[A-Z]\.$")


@dataclass
class RuleWords:
    """The word lists the patterns use (resources/rules/patterns.tsv), and stop words."""

    org_connectors: frozenset[str]
    role_prefixes: dict[str, tuple[tuple[str, ...], ...]]  # by last word, longest first
    role_bodies: frozenset[str]
    particles: frozenset[str]
    locative: frozenset[str]
    stop: frozenset[str]
    gpe_prefixes: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    credit_marks: frozenset[str] = frozenset()
    portfolios: frozenset[str] = frozenset()  # 'Menteri Perumahan Rakyat': title, no name
    not_names: frozenset[str] = frozenset()  # 'Nomor': never in a person's name
    title_with_prefix: frozenset[str] = frozenset()  # 'Wali' + 'Kota' is a title
    common_words: frozenset[str] = frozenset()  # 'Medan': a city, and 'medan' a field
    streets: frozenset[str] = frozenset()  # 'Jalan Gubernur Suryo' is no title
    _first: dict[str, bool] = field(default_factory=dict, repr=False)  # is_name, by `first`
    _later: dict[str, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path, stop: frozenset[str]) -> RuleWords:
        return cls(
            frozenset(listed(path, "org_connector")),
            _by_last(listed(path, "role_prefix")),
            frozenset(listed(path, "role_body")),
            frozenset(listed(path, "name_particle")),
            frozenset(listed(path, "locative")),
            stop,
            _by_last(listed(path, "gpe_prefix")),
            frozenset(listed(path, "credit_mark")),
            frozenset(listed(path, "portfolio")),
            frozenset(listed(path, "not_name")),
            frozenset(listed(path, "title_with_prefix")),
            frozenset(listed(path, "common_word")),
            frozenset(listed(path, "street")),
        )

    def after_street(self, words: list[str], i: int) -> bool:
        """Whether token i comes right after a street word ('Jalan', 'Jl.', 'Jl' '.')."""
        if i and words[i - 1] == "." and i > 1:
            i -= 1
        return i > 0 and words[i - 1] in self.streets

    def is_name(self, word: str, first: bool = True) -> bool:
        """A word that can be part of a person's name: 'Diaz', 'Raisí', 'W.'.

        A name's first word must not be a stop word ('Dalam'); a later one may ('Muhammad
        Lalu Iqbal').
        """
        known = (self._first if first else self._later).get(word)
        if known is None:
            cache = self._first if first else self._later
            if len(cache) > 100_000:  # words seen in many articles; start again
                cache.clear()
            known = cache[word] = self._is_name(word, first)
        return known

    def _is_name(self, word: str, first: bool) -> bool:
        initial = word[0]
        if not (initial.isupper() and initial.isalpha()):
            return False
        if len(word) > 1 and word.isupper():
            return _INITIAL.match(word) is not None  # 'WIB', 'PBB' are no names
        if word in self.not_names:
            return False
        if first and word.lower() in self.stop:
            return False
        return all(c.isalpha() or c in "'’" or unicodedata.category(c)[0] == "M" for c in word[1:])

    def is_capitalised(self, word: str) -> bool:
        """A word that can go on a capitalised name: 'Keamanan', 'HAM', 'Baru', 'Bangsa-Bangsa'.

        Stop words count: after a head word, 'Bank Pembangunan Baru' is one name.
        """
        return word[0].isupper() and word[0].isalpha()


def _by_last(phrases: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases as word tuples, by their last word, longest first."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        found.setdefault(phrase.split()[-1], []).append(tuple(phrase.split()))
    return {w: tuple(sorted(ps, key=lambda p: -len(p))) for w, ps in found.items()}


def prefix_before(
    words: list[str], start: int, prefixes: dict[str, tuple[tuple[str, ...], ...]]
) -> int:
    """Where a listed prefix that ends right before token `start` begins, or `start`."""
    if start:
        for prefix in prefixes.get(words[start - 1], ()):
            k = start - len(prefix)
            if k >= 0 and tuple(words[k:start]) == prefix:
                return k
    return start


def _longest_first(entry: tuple[tuple[str, ...], Any]) -> int:
    return -len(entry[0])


def _acronym(word: str) -> bool:
    return (
        2 <= len(word) <= 10
        and word[0].isupper()
        and sum(c.isupper() for c in word) >= 2
        and all(c.isalnum() or c in "+-&" for c in word)
    )


def org_names(
    view: View, owner: list[Span | None], heads: list[tuple[int, int]], rw: RuleWords
) -> list[Span]:
    """'Kementerian Pertahanan', 'Dewan Keamanan PBB', 'Bank Indonesia' from a head word."""
    words, n, out = view.words, view.n, []
    for hs, he in heads:
        held = owner[hs]
        if held is not None and held.start < hs:
            continue
        k, last, count, after_name = he, None, 0, False
        while k < n and k - hs < 12 and not view.sentence_start(k):
            span = owner[k]
            if span is not None:
                if span.start == k and (
                    span.label in ("ORG", "LOC") or span.label == "GPE" and count == 0
                ):
                    # 'Dewan Keamanan PBB', 'Aliansi Negara-Negara Sahel', 'Bank Indonesia';
                    # but 'Kementerian Luar Negeri | Iran'
                    k = last = span.end
                    count += 1
                    after_name = True
                    if span.label == "GPE":
                        break
                    continue
                break
            word = words[k]
            if rw.is_capitalised(word) and not after_name:  # not 'Komisi ECOWAS | Nama Orang'
                k = last = k + 1
                count += 1
            elif (
                (word in rw.org_connectors or (word == "-" and view.glued(k)))
                and k + 1 < n
                and owner[k + 1] is None
                and rw.is_capitalised(words[k + 1])
            ):
                k += 1  # 'Badan PBB untuk Pengungsi'
                after_name = False
            else:
                break
        if last is not None:
            score = HEADLINE if view.headline(hs) else ORG_HEAD
            out.append(view.span(hs, last, "ORG", score, "rules:pattern"))
    return out


def event_names(
    view: View,
    owner: list[Span | None],
    heads: list[tuple[int, int]],
    numbered: list[tuple[int, int]],
    rw: RuleWords,
) -> list[Span]:
    """'KTT ASEAN ke-45', 'Sidang Majelis Umum PBB', 'COP 28' from a head word."""
    words, n, out = view.words, view.n, []
    for hs, he in heads + numbered:
        held = owner[hs]
        if held is not None and held.start < hs:
            continue
        if (hs, he) in numbered and not (he < n and words[he].isdigit()):
            continue
        k, last, role_at = he, None, None
        while k < n and k - hs < 12 and not view.sentence_start(k):
            span, word = owner[k], words[k]
            if span is not None:
                if span.start != k or span.label == "PER":
                    break
                if span.label == "DATE" and span.score > BARE_YEAR:
                    break
                if span.label == "ROLE" and role_at is None:
                    role_at = k
                k = last = span.end
            elif word.isdigit() and len(word) <= 4:
                k = last = k + 1
            elif (
                word.lower() == "ke"
                and k + 2 < n
                and words[k + 1] == "-"
                and view.glued(k + 1)
                and words[k + 2].isalnum()
            ):
                k = last = k + 3  # 'ke-45'
            elif rw.is_capitalised(word):
                if role_at is not None:  # 'Pertemuan | Presiden Joko Widodo': a person
                    last = role_at if role_at > he else None
                    break
                k = last = k + 1
            elif word == "-" and view.glued(k) and k + 1 < n and words[k + 1][0].isalnum():
                k += 1
            else:
                break
        if last is not None and last > he:
            score = HEADLINE if view.headline(hs) else EVENT_HEAD
            out.append(view.span(hs, last, "EVENT", score, "rules:pattern"))
    return out


def _name_end(view: View, owner: list[Span | None], i: int, rw: RuleWords) -> int:
    """The end of the person's name that starts at token i ('Tamin bin Hamad al Thani')."""
    words, n = view.words, view.n
    j, last, count = i, i, 0
    while j < n and count < 6 and owner[j] is None and (j == i or not view.sentence_start(j)):
        word = words[j]
        if rw.is_name(word, first=False):
            j = last = j + 1
            count += 1
        elif count and word in _ROMAN:
            return j + 1  # 'Abdullah II'
        elif (
            count
            and j + 1 < n
            and owner[j + 1] is None
            and (word in rw.particles or (word in _JOINERS and view.glued(j)))
            and (rw.is_name(words[j + 1], first=False) or words[j + 1] in _JOINERS)
        ):
            j += 1
        else:
            break
    return last


def titles(view: View, owner: list[Span | None], spans: list[Span], rw: RuleWords) -> list[Span]:
    """ROLE extensions and the PER after a title, from each ROLE span."""
    words, n, out = view.words, view.n, []
    for role in spans:
        if role.label != "ROLE" or view.headline(role.start):
            continue
        start, end, score = role.start, role.end, 0.0
        while True:  # 'mantan Wakil Presiden'
            k = prefix_before(words, start, rw.role_prefixes)
            if k == start or owner[k] is not None:
                break
            start, score = k, ROLE_EXTENDED
        pieces: list[Span | tuple[int, int]] = []
        i, comma_at = end, -1
        while i < n and len(pieces) < 6 and not view.sentence_start(i):
            span = owner[i]
            if span is not None:
                if span.start != i or span.label not in ("GPE", "ORG", "ROLE"):
                    break
                pieces.append(span)
                i = span.end
            elif not pieces and (
                words[i] in rw.portfolios
                or (
                    words[i] == "dan"
                    and end > role.end
                    and i + 1 < n
                    and words[i + 1] in rw.portfolios
                )
            ):
                i = end = i + 1  # 'Menteri Pekerjaan Umum dan Perumahan Rakyat'
                score = ROLE_WORDS
            elif rw.is_name(words[i], first=False):  # a name, or more of the title
                j = _name_end(view, owner, i, rw)
                pieces.append((i, j))
                i = j
            elif (
                words[i] == ","
                and comma_at < 0
                and pieces
                and isinstance(pieces[-1], Span)
                and i + 1 < n
                and owner[i + 1] is None
                and rw.is_name(words[i + 1])
            ):
                comma_at = len(pieces)  # 'Menteri Luar Negeri Rusia, Sergei Lavrov'
                i += 1
            else:
                break
        first = pieces[0] if pieces else None
        if (
            isinstance(first, Span)
            and first.label == "ORG"
            and words[first.start] in rw.role_bodies
        ):
            end, score = first.end, ROLE_EXTENDED  # 'Juru Bicara Kementerian Luar Negeri'
            pieces, comma_at = pieces[1:], comma_at - 1
        elif isinstance(first, tuple) and words[first[0]] in rw.role_bodies:
            end, score = first[1], ROLE_EXTENDED  # 'Ketua Departemen Hukum', a body not listed
            pieces, comma_at = pieces[1:], comma_at - 1
        elif isinstance(first, tuple) and len(pieces) > 1:
            end, score = first[1], ROLE_WORDS  # 'Juru bicara Pers | Kremlin'
            pieces, comma_at = pieces[1:], comma_at - 1
        if score:
            out.append(view.span(start, end, "ROLE", score, "rules:title"))
        if (
            pieces
            and isinstance(pieces[-1], tuple)
            and rw.is_name(words[pieces[-1][0]])
            and not all(w in rw.portfolios for w in words[pieces[-1][0] : pieces[-1][1]])
        ):
            s, e = pieces[-1]
            per_score = TITLE_PER_AFTER_COMMA if comma_at == len(pieces) - 1 else TITLE_PER
            out.append(view.span(s, e, "PER", per_score, "rules:title"))
    return out


def ordinal_events(view: View, owner: list[Span | None], spans: list[Span]) -> list[Span]:
    """An organisation with an ordinal is its summit: 'BRICS+ ke-16', 'ASEAN ke-45'."""
    words, n, out = view.words, view.n, []
    for span in spans:
        e = span.end
        if (
            span.label == "ORG"
            and e + 2 < n
            and words[e].lower() == "ke"
            and words[e + 1] == "-"
            and view.glued(e + 1)
            and words[e + 2].isdigit()
            and owner[e] is None
        ):
            out.append(view.span(span.start, e + 3, "EVENT", ORDINAL_EVENT, "rules:pattern"))
    return out


def credits(view: View, owner: list[Span | None], spans: list[Span], rw: RuleWords) -> list[Span]:
    """Names in photo credits and bylines: 'REUTERS/Nama Fotografer', 'Nama - detikNews'.

    A run of two to four name words counts when a credit mark joins it to an agency or a
    date ('Kantor Berita/Nama', '2022./Nama', 'Nama/Agensi'), or, at the start of a line,
    a dash joins it to an agency ('Nama Penulis - detikNews').
    """
    words, n, out = view.words, view.n, []
    for span in spans:
        e = span.end
        if span.label in ("ORG", "DATE") and e + 1 < n and words[e] == "/":
            end = _credit_name(view, owner, e + 1, rw)  # 'AFP/Nama Fotografer'
            if end:
                out.append(view.span(e + 1, end, "PER", CREDIT, "rules:pattern"))
        i = span.start - 1
        if span.label != "ORG" or i < 2 or words[i] not in rw.credit_marks:
            continue
        k = i - 1
        while k > 0 and owner[k - 1] is None and rw.is_name(words[k - 1], False):
            k -= 1
        if (
            i - k >= 2
            and owner[i - 1] is None
            and rw.is_name(words[k])
            and (words[i] == "/" or view.sentence_start(k))
        ):
            out.append(view.span(k, i, "PER", CREDIT, "rules:pattern"))  # 'Nama - Agensi'
    return out


def outlets(view: View, owner: list[Span | None], spans: list[Span]) -> list[Span]:
    """The outlet in a dateline: 'Jakarta, IDN Times - ', 'Jakarta, CNN Indonesia -- '.

    A place opening a line, a comma, one to four words that each hold a capital (and are
    no date, person or title), and a dash with spaces round it.
    """
    words, n, out = view.words, view.n, []
    for span in spans:
        e = span.end
        if (
            span.label != "GPE"
            or not view.sentence_start(span.start)
            or e + 2 >= n
            or words[e] != ","
        ):
            continue
        k = e + 1
        while (
            k < n
            and k - e <= 4
            and any(c.isupper() for c in words[k])
            and ((held := owner[k]) is None or held.label in ("ORG", "GPE", "LOC"))
        ):
            k += 1
        if k > e + 1 and k < n and words[k] in _DASHES and view.spaces[k - 1] and view.spaces[k]:
            out.append(view.span(e + 1, k, "ORG", OUTLET, "rules:pattern"))
    return out


def _credit_name(view: View, owner: list[Span | None], i: int, rw: RuleWords) -> int:
    """The end of a two-to-four-word name starting at token i, or 0."""
    words, n = view.words, view.n
    j = i
    while j < n and j - i < 4 and owner[j] is None and rw.is_name(words[j], j > i):
        j += 1
    return j if j - i >= 2 and view.starts[i] == view.ends[i - 1] else 0


def acronyms(view: View, owner: list[Span | None], spans: list[Span]) -> list[Span]:
    """A bracketed acronym right after a name takes its label: 'Amerika Serikat (AS)'."""
    words, n, out = view.words, view.n, []
    for span in spans:
        e = span.end
        if (
            span.label in ("ORG", "GPE", "LOC", "EVENT")
            and e + 2 < n
            and words[e] == "("
            and words[e + 2] == ")"
            and owner[e + 1] is None
            and _acronym(words[e + 1])
        ):
            out.append(view.span(e + 1, e + 2, span.label, ACRONYM, "rules:pattern"))
    return out


def repeats(
    view: View, owner: list[Span | None], names: list[Span], short: list[Span], rw: RuleWords
) -> list[Span]:
    """Later mentions of the people and acronyms found by the rules: 'Diaz-Canel', 'Raisi'."""
    words, n = view.words, view.n
    # by first word, each word sequence to look for and its label and score (the first wins)
    table: dict[str, dict[tuple[str, ...], tuple[str, float]]] = {}
    for span in names:
        tokens = tuple(words[span.start : span.end])
        last = len(tokens) - 1
        for k, word in enumerate(tokens):
            if (
                rw.is_name(word, first=0 < k == last)
                and not (k and tokens[k - 1] in _JOINERS)
                and (k < last or len(word) >= 3)
            ):
                table.setdefault(word, {}).setdefault(tokens[k:], ("PER", REPEAT))
        if last and len(tokens[0]) >= 3 and tokens[1] not in _JOINERS:
            table.setdefault(tokens[0], {}).setdefault(tokens[:1], ("PER", FIRST_NAME))
    for span in short:
        tokens = tuple(words[span.start : span.end])
        table.setdefault(tokens[0], {}).setdefault(tokens, (span.label, ACRONYM_REPEAT))
    if not table:
        return []
    out, done = [], 0
    for i in view.positions(word_ids(table)):
        if i < done or owner[i] is not None:
            continue
        if not (i and words[i - 1] in _JOINERS and view.starts[i] == view.ends[i - 1]):
            for tokens, (label, score) in sorted(table[words[i]].items(), key=_longest_first):
                j = i + len(tokens)
                if tuple(words[i:j]) != tokens or any(o is not None for o in owner[i:j]):
                    continue
                if label == "PER" and j < n and rw.is_name(words[j], False) and owner[j] is None:
                    continue  # part of a longer, different name
                start = i
                ends_line = j == n or view.sentence_start(j) or words[j].isspace()
                while (
                    label == "PER"
                    and start > 0
                    and owner[start - 1] is None
                    and view.spaces[start - 1]
                    and rw.is_name(words[start - 1])
                    and (ends_line or not view.sentence_start(start - 1))
                ):
                    # 'Masoud Pezeshkian' where only 'Pezeshkian' was titled; but not
                    # 'Kunjungan Blinken ke ...' at the start of a sentence
                    start -= 1
                    if view.sentence_start(start):
                        break
                out.append(view.span(start, j, label, score, "rules:repeat"))
                done = j
                break
    return out
