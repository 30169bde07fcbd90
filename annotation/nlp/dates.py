"""Indonesian dates in the forms news uses, found by one regular expression over the text.

The alternatives are tried most specific first at each position, so 'Senin (4/12/2023)'
is one date, not a day and a number. Prepositions ('pada', 'sejak'), clock times, 'WIB' and
'waktu setempat' are never part of a match. Each form has its own score: a full date is
near certain, a bare year or 'kemarin' much less so.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotation.nlp.wordlists import DATES_FILE, read_word_lists

# (group name, score); the group names are the alternatives of the expression below
SCORES = {
    "day_bracket": 0.95,  # Senin (4/12/2023), Jumat malam (22/12/2023) lalu
    "day_date": 0.95,  # Rabu, 23 Nov 2022; Minggu, 19 November 2023 kemarin
    "date_year": 0.95,  # 20 November 2023, 4-6 Desember 2023
    "month_day_year": 0.9,  # November 22, 2022 (English captions)
    "numeric": 0.8,  # 4/12/2023
    "date": 0.85,  # 7 Oktober lalu, 7 Oktober
    "period_month": 0.8,  # akhir Februari lalu, awal Maret 2024
    "month_year": 0.85,  # Oktober 2023
    "month_modifier": 0.75,  # Februari lalu
    "day_part": 0.75,  # Jumat malam, Selasa lalu
    "hari_day": 0.75,  # hari Rabu
    "relative": 0.5,  # pekan depan, dua hari lalu, akhir bulan lalu, kemarin
    "day": 0.7,  # Selasa
    "year_word": 0.6,  # tahun 2023
    "month": 0.55,  # Oktober
    "year": 0.4,  # 2023
}


def _alternation(words: list[str], capitals: bool = False, first_capital: bool = False) -> str:
    forms = set(words)
    if capitals:
        forms |= {w.upper() for w in words}
    if first_capital:
        forms |= {w[:1].upper() + w[1:] for w in words}
    escaped = (r"\s+".join(re.escape(part) for part in w.split()) for w in forms)
    return "(?:" + "|".join(sorted(escaped, key=lambda w: (-len(w), w))) + ")"


_GROUPS = {  # the alternatives by what their first word is, tried most specific first
    "day": ("day_bracket", "day_date", "day_part", "day"),
    "digit": ("date_year", "numeric", "date", "relative", "year"),
    "month": ("month_day_year", "month_year", "month_modifier", "month"),
    "word": ("hari_day", "period_month", "relative", "year_word"),
}
_WORD = re.compile(r"[\w']+")
_DIGITS = re.compile(r"(?<![\d.,:/])[0-9]{1,4}(?![\d:]|[.,]\d)")  # not '1.206', '11:58'


Patterns = dict[str, "re.Pattern[str]"]


def build_patterns(path: Path = DATES_FILE) -> tuple[Patterns, dict[str, tuple[str, ...]]]:
    """The date expressions by first word kind, and which kinds each first word starts.

    Matching only at words that can start a date, with a few alternatives each, is many
    times faster than one expression tried at every character.
    """
    lists = read_word_lists(path)

    def listed(name: str) -> list[str]:
        return [w for w, _ in lists.get(name, ())]

    def kind(name: str, **case: bool) -> str:
        return _alternation(listed(name), **case)

    day = kind("day", capitals=True)
    month = kind("month", capitals=True)
    alone = kind("standalone_month", capitals=True)
    part = kind("day_part", first_capital=True)
    mod = kind("modifier")
    period = kind("period", first_capital=True)
    unit = kind("unit", first_capital=True)
    deictic = kind("deictic")
    number = kind("number", first_capital=True)
    relative = kind("relative", first_capital=True)
    year_word = kind("year_word", first_capital=True)
    year = r"(?:1[89]\d\d|20\d\d)"
    dom = r"(?:3[01]|[12]\d|0?[1-9])"
    days = rf"{dom}(?:\s*[-–]\s*{dom})?"
    one = r"[Ss]e(?:hari|pekan|minggu|bulan|tahun)"
    ago = rf"(?:(?:{number}|[0-9]+)\s+{unit}|{one})\s+(?:yang\s+)?(?:lalu|silam)"
    modifier = rf"(?:\s+(?:{mod}|{ago}))?"  # '7 Oktober lalu', '7 Oktober setahun yang lalu'
    bracket = rf"\(\s*{dom}/(?:1[0-2]|0?[1-9])(?:/(?:{year}|\d\d))?\s*\)"
    e = r"(?![\w/])"  # not glued to a word or a slash
    alternatives = {
        "day_bracket": rf"{day},?(?:\s+{part})?,?\s*{bracket}{modifier}",
        "day_date": rf"{day},?\s+{days}\s+{month}(?:\s+{year})?{e}{modifier}",
        "date_year": rf"{days}\s+{month}\s+{year}{e}{modifier}",
        "month_day_year": rf"{month}\s+{dom},\s*{year}{e}",
        "numeric": rf"{dom}/(?:1[0-2]|0?[1-9])/{year}{e}",
        "date": rf"{days}\s+{month}{e}{modifier}",
        "period_month": rf"{period}\s+{month}(?:\s+{year})?{e}{modifier}",
        "month_year": rf"{month}\s+{year}{e}{modifier}",
        "month_modifier": rf"{alone}\s+{mod}",
        "day_part": rf"{day}(?:\s+{part}{modifier}|\s+{mod})",
        "relative": rf"(?:(?:{period}\s+)?{unit}\s+{deictic}|{ago}|{relative})",
        "day": day,
        "year_word": rf"{year_word}\s+{year}",
        "month": alone,
        "year": year,
    }
    day_forms = "|".join(alternatives[k] for k in ("day_bracket", "day_date", "day_part", "day"))
    alternatives["hari_day"] = rf"[Hh]ari\s+(?:{day_forms})"  # 'hari Rabu'; not 'pada'
    patterns = {
        group: re.compile(
            "|".join(f"(?P<{name}>{alternatives[name]})" for name in names) + r"(?!\w)"
        )
        for group, names in _GROUPS.items()
    }
    starters: dict[str, list[str]] = {}

    def starts(
        group: str, names: list[str], *, capitals: bool = False, first_capital: bool = False
    ) -> None:
        for word in names:
            first = word.split()[0]
            forms = {first}
            if capitals:
                forms.add(first.upper())
            if first_capital:
                forms.add(first[:1].upper() + first[1:])
            for form in forms:
                if group not in starters.setdefault(form, []):
                    starters[form].append(group)

    starts("day", listed("day"), capitals=True)
    starts("month", listed("month") + listed("standalone_month"), capitals=True)
    for name in ("period", "unit", "number", "relative", "year_word"):
        starts("word", listed(name), first_capital=True)
    starts(
        "word",
        [f"{p}{u}" for p in ("se", "Se") for u in ("hari", "pekan", "minggu", "bulan", "tahun")],
    )
    return patterns, {word: tuple(groups) for word, groups in starters.items()}


class DateFinder:
    """Finds dates in a text: (start, end, score) with end-exclusive `str` offsets."""

    def __init__(self, path: Path = DATES_FILE) -> None:
        self.patterns, self.starters = build_patterns(path)

    def find(
        self,
        text: str,
        words: list[str] | None = None,
        starts: list[int] | None = None,
        anchors: list[int] | None = None,
    ) -> list[tuple[int, int, float]]:
        """The dates in `text`, left to right, never overlapping.

        `words` and `starts` are the text's tokens and their offsets, if the caller has
        them; a date can only begin where a token begins. `anchors`, if given, are the
        tokens that are a key of `starters` or begin with a digit, ascending.
        """
        if words is None or starts is None:
            found = [(m.group(), m.start()) for m in _WORD.finditer(text)]
            words, starts = [w for w, _ in found], [s for _, s in found]
        patterns, starters = self.patterns, self.starters
        if anchors is None:
            anchors = [
                i for i, word in enumerate(words) if word in starters or "0" <= word[0] <= "9"
            ]
        dates: list[tuple[int, int, float]] = []
        done = 0
        digits = _DIGITS.match
        for i in anchors:
            word, start = words[i], starts[i]
            if start < done or (start and _glued(text[start - 1])):
                continue
            groups = starters.get(word)
            if groups is None:
                if not digits(text, start):  # '1.206', '11:58', '20245'
                    continue
                groups = ("digit",)
            best = None
            for group in groups:
                m = patterns[group].match(text, start)
                if m and (best is None or m.end() > best.end()):
                    best = m
            if best is not None:
                # Each pattern is an alternation of named groups only, so one of them matched.
                assert best.lastgroup is not None, "a date pattern matched outside its groups"
                score = SCORES[best.lastgroup]
                if best.lastgroup == "hari_day" and any(c.isdigit() for c in best.group()):
                    score = SCORES["day_date"]  # 'hari Jumat (5/1/2024)' is a full date
                dates.append((start, best.end(), score))
                done = best.end()
        return dates


def _glued(char: str) -> bool:
    """Whether a date cannot start after `char` (inside a word, a number or a path)."""
    return char.isalnum() or char in "/._"
