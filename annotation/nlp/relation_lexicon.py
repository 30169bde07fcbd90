"""The relation trigger lexicon: reading its TSV file and finding its phrases in a Doc.

Phrases are matched word by word on lowercase hashes (spaCy's `LOWER` attribute), through
one dictionary keyed by a phrase's first word, so matching costs one lookup a word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from annotation.nlp.suggestion import SuggesterError

VOICES = ("active", "passive", "noun", "give")
COLUMNS = ("trigger", "label", "voice", "strength", "before", "after")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # letters, inner hyphens allowed


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
            raise LexiconError(
                f"{path}, line {number}: trigger {trigger.phrase!r} "
                f"already appears on line {seen[trigger.words]}"
            )
        seen[trigger.words] = number
        triggers.append(trigger)
    return triggers


def _parse(line: str, number: int) -> Trigger:
    fields = line.split("\t")
    if len(fields) != len(COLUMNS):
        raise ValueError(
            f"expected {len(COLUMNS)} tab-separated columns "
            f"({', '.join(COLUMNS)}), found {len(fields)}"
        )
    phrase, label, voice, strength, before, after = (f.strip() for f in fields)
    words = tuple(phrase.split())
    if not words or not all(_WORD.fullmatch(w) for w in words):
        raise ValueError(f"trigger {phrase!r} must be words of letters (inner hyphens allowed)")
    if phrase != phrase.lower():
        raise ValueError(f"trigger {phrase!r} must be lowercase")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", label):
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
    # spaCy's strings.pyi leaves out its compiled `hash_string(str) -> int`.
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    return int(hash_string(word))


HEADLINE = 0.95  # strength kept by a headline's bare verb ("Hongaria Blokir ...")
# Stems that are also common function words: never read as a headline's verb.
_NOT_STEMS = frozenset(("tentang", "pada", "bom", "darat"))
_SURE = 0.7  # weaker triggers ("menggelar", "menyambut") keep their prefix in headlines too


class TriggerTable:
    """Triggers indexed by their first word's hash, longest phrase first.

    Headlines and captions drop the me- prefix ("Prancis Desak Israel", "Hongaria Blokir
    Paket Sanksi"): each active trigger's first me- word also matches as its bare stem, when
    that word is capitalised and the stem is no phrase of the lexicon itself.
    """

    def __init__(self, triggers: Sequence[Trigger]) -> None:
        self._first: dict[int, list[tuple[tuple[int, ...], Trigger, bool]]] = {}
        phrases = {t.words for t in triggers}
        for trigger in triggers:
            for variant in _variants(trigger.words):
                hashes = tuple(word_hash(w) for w in variant)
                self._first.setdefault(hashes[0], []).append((hashes, trigger, False))
            if trigger.voice not in ("active", "give") or trigger.strength < _SURE:
                continue
            for stem in bare_stems(trigger.words[0]):
                words = (stem, *trigger.words[1:])
                if words in phrases or stem in _NOT_STEMS:
                    continue
                phrases.add(words)
                bare = replace(trigger, words=words, strength=trigger.strength * HEADLINE)
                for variant in _variants(words):
                    hashes = tuple(word_hash(w) for w in variant)
                    self._first.setdefault(hashes[0], []).append((hashes, bare, True))
        for entries in self._first.values():
            entries.sort(key=lambda e: -len(e[0]))

    def find(
        self, lower: Sequence[int], blocked: Sequence[int], title: Sequence[bool] = ()
    ) -> list[tuple[int, int, Trigger]]:
        """Non-overlapping (first word, end word, trigger) matches, longest first, left to right.

        `lower` holds each word's lowercase hash; a match may not touch a `blocked` word
        (one inside an entity, so that "Kerja Sama" in an organisation's name is no trigger);
        a bare stem matches only a word that `title` marks as capitalised.
        """
        found = []
        first, n, free = self._first, len(lower), 0
        for i in [i for i, h in enumerate(lower) if h in first]:
            if i < free or blocked[i]:
                continue
            for hashes, trigger, headline in first[lower[i]]:
                end = i + len(hashes)
                if (
                    end <= n
                    and tuple(lower[i:end]) == hashes
                    and not any(blocked[i:end])
                    and (not headline or (title and title[i]))
                ):
                    found.append((i, end, trigger))
                    free = end
                    break
        return found


def bare_stems(word: str) -> list[str]:
    """The stems a me- verb may have without its prefix (meN- assimilates the stem's first
    sound): "mendesak" -> "desak", "menolak" -> "tolak", "mengecam" -> "kecam" or "ecam"."""
    vowels = "aeiou"
    if not word.startswith("me") or len(word) < 6:
        return []
    if word.startswith("memper"):
        return ["per" + word[6:]]
    if word.startswith("meny") and word[4] in vowels:
        return ["s" + word[4:]]
    if word.startswith("meng"):
        rest = word[4:]
        return [rest] if rest[0] not in vowels else ["k" + rest, rest]
    if word.startswith("mem"):
        rest = word[3:]
        return ["p" + rest, "m" + rest] if rest[0] in vowels else [rest]
    if word.startswith("men"):
        rest = word[3:]
        return ["t" + rest, "n" + rest] if rest[0] in vowels else [rest]
    if word[2] in "lrwy":
        return [word[2:]]
    return []


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
