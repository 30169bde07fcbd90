"""The rule layer's word lists, read from `kind<TAB>word[<TAB>value]` files in resources/rules."""

from __future__ import annotations

import functools
from pathlib import Path

from annotation.paths import RESOURCES

RULES_DIR = RESOURCES / "rules"
DATES_FILE = RULES_DIR / "dates.tsv"
PATTERNS_FILE = RULES_DIR / "patterns.tsv"


@functools.lru_cache(maxsize=8)
def read_word_lists(path: Path) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each kind's (word, value) pairs in file order; `#` lines are comments."""
    lists: dict[str, list[tuple[str, str]]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[1].strip():
            raise ValueError(f"{path.name}:{number}: expected kind<TAB>word[<TAB>value]")
        value = fields[2].strip() if len(fields) > 2 else ""
        lists.setdefault(fields[0].strip(), []).append((fields[1].strip(), value))
    return {kind: tuple(pairs) for kind, pairs in lists.items()}


def words(path: Path, kind: str) -> list[str]:
    """The words of one kind, in file order."""
    return [word for word, _ in read_word_lists(path).get(kind, ())]


def stop_words() -> frozenset[str]:
    """spaCy's Indonesian stop words, lower case."""
    from spacy.lang.id.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
