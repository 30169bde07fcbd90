"""The relation trigger lexicon: reading its TSV file and finding its phrases in a Doc.

Phrases are matched word by word on lowercase hashes (spaCy's `LOWER` attribute), through
one dictionary keyed by a phrase's first word, so matching costs one lookup a word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from annotation.nlp.suggestion import SuggesterError

VOICES = ("active", "passive", "noun")
COLUMNS = ("trigger", "label", "voice", "strength", "before", "after")
_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")  # letters, inner hyphens allowed


class LexiconError(SuggesterError):
    """A lexicon file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Trigger:
    """One lexicon entry: a phrase that signals `label`, read in `voice`."""

    words: tuple[str, ...]
    label: str
    voice: str
    strength: float
    before: int  # most words between the entity before and the trigger
    after: int  # most words between the trigger and the entity after
    line: int = 0

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


def load_triggers(path: str | Path) -> list[Trigger]:
    """Read a trigger lexicon; raise LexiconError naming the file and line of any problem."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read the relation lexicon: {exc}") from exc
    triggers: list[Trigger] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            trigger = _parse(line, number)
        except ValueError as exc:
            raise LexiconError(f"{path}, line {number}: {exc}") from None
        if trigger.words in seen:
            raise LexiconError(f"{path}, line {number}: trigger {trigger.phrase!r} "
                               f"already appears on line {seen[trigger.words]}")
        seen[trigger.words] = number
        triggers.append(trigger)
    return triggers


def _parse(line: str, number: int) -> Trigger:
    fields = line.split("\t")
    if len(fields) != len(COLUMNS):
        raise ValueError(f"expected {len(COLUMNS)} tab-separated columns "
                         f"({', '.join(COLUMNS)}), found {len(fields)}")
    phrase, label, voice, strength, before, after = (f.strip() for f in fields)
    words = tuple(phrase.split())
    if not words or not all(_WORD.match(w) for w in words):
        raise ValueError(f"trigger {phrase!r} must be words of letters (inner hyphens allowed)")
    if phrase != phrase.lower():
        raise ValueError(f"trigger {phrase!r} must be lowercase")
    if not re.match(r"^[A-Za-z][A-Za-z0-9_\-]*$", label):
        raise ValueError(f"label {label!r} is not a relation label")
    if voice not in VOICES:
        raise ValueError(f"voice {voice!r} must be one of {', '.join(VOICES)}")
    try:
        value = float(strength)
    except ValueError:
        raise ValueError(f"strength {strength!r} is not a number") from None
    if not 0 < value <= 1:
        raise ValueError(f"strength {strength} must be above 0 and at most 1")
    limits = []
    for name, cell in (("before", before), ("after", after)):
        if not cell.isdigit():
            raise ValueError(f"{name} {cell!r} must be a whole number of words, 0 or more")
        limits.append(int(cell))
    return Trigger(words, label, voice, value, limits[0], limits[1], number)


def word_hash(word: str) -> int:
    """The hash spaCy stores for a lowercase word, as in `doc.to_array([LOWER])`."""
    from spacy.strings import hash_string

    return hash_string(word)


class TriggerTable:
    """Triggers indexed by their first word's hash, longest phrase first."""

    def __init__(self, triggers: Sequence[Trigger]) -> None:
        self._first: dict[int, list[tuple[tuple[int, ...], Trigger]]] = {}
        for trigger in triggers:
            for variant in _variants(trigger.words):
                hashes = tuple(word_hash(w) for w in variant)
                self._first.setdefault(hashes[0], []).append((hashes, trigger))
        for entries in self._first.values():
            entries.sort(key=lambda e: -len(e[0]))

    def find(self, lower: Sequence[int], blocked: Sequence[bool]) -> list[tuple[int, int, Trigger]]:
        """Non-overlapping (first word, end word, trigger) matches, longest first, left to right.

        `lower` holds each word's lowercase hash; a match may not touch a `blocked` word
        (one inside an entity, so that "Kerja Sama" in an organisation's name is no trigger).
        """
        found = []
        first, n, free = self._first, len(lower), 0
        for i in [i for i, h in enumerate(lower) if h in first]:
            if i < free or blocked[i]:
                continue
            for hashes, trigger in first[lower[i]]:
                end = i + len(hashes)
                if end <= n and tuple(lower[i:end]) == hashes and not any(blocked[i:end]):
                    found.append((i, end, trigger))
                    free = end
                    break
        return found

def _variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The phrase as written, and with hyphenated words split as spaCy may split them."""
    if not any("-" in w for w in words):
        return [words]
    split: list[str] = []
    for word in words:
        parts = word.split("-")
        split.extend(p for part in parts for p in (part, "-"))
        split.pop()
    return [words, tuple(split)]
