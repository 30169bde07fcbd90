"""The merged gazetteer as a spaCy PhraseMatcher over token texts (ORTH).

Each entry matches as written (the most reliable), in capitals for headlines and bylines
('TEHERAN'), and, for multi-word titles, with the later words in lower case ('Juru bicara').
The file carries each entry's tokens, so loading needs no tokenizer and takes a fraction of
a second.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from annotation.paths import RESOURCES

GAZETTEER_DIR = RESOURCES / "gazetteers"
MERGED = "gazetteer.tsv"

EXACT, CAPITALS, LOWER_TAIL = 0.9, 0.8, 0.7  # scores by how the text was matched


# A gazetteer hit: tokens [start, end), the entry's sorted labels (usually one) and a score.
# A plain tuple, because a Doc has dozens of hits and a dataclass costs more to make.
Match = tuple[int, int, tuple[str, ...], float]


def read_gazetteer(path: Path) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each entry's tokens and its sorted labels, from a merged gazetteer file."""
    entries: dict[tuple[str, ...], set[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2:
            raise ValueError(f"{path.name}:{number}: expected text<TAB>label<TAB>tokens")
        tokens = fields[2] if len(fields) > 2 and fields[2] else fields[0]
        entries.setdefault(tuple(tokens.split(" ")), set()).add(fields[1])
    return {tokens: tuple(sorted(labels)) for tokens, labels in entries.items()}


class Gazetteer:
    """Finds gazetteer entries in Docs, and trigger words for the pattern rules.

    `triggers` maps a kind ("org_head") to its words or phrases; a trigger hit has the
    single label "@" + kind, so that one pass of the matcher serves every rule.
    """

    def __init__(
        self, vocab: Any, path: Path, triggers: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        # Thousands of small Docs make the garbage collector run again and again; it has
        # nothing to free here, and pausing it cuts loading time by half or more.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._build(vocab, path, triggers or {})
        finally:
            if enabled:
                gc.enable()

    def _build(self, vocab: Any, path: Path, triggers: Mapping[str, Sequence[str]]) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        entries = read_gazetteer(path)
        variants: dict[tuple[str, ...], tuple[tuple[str, ...], float]] = {}
        for tokens, labels in entries.items():
            variants[tokens] = (labels, EXACT)
        for tokens, labels in entries.items():
            upper = tuple(t.upper() for t in tokens)
            if upper not in variants:
                variants[upper] = (labels, CAPITALS)
            if len(tokens) > 1 and labels == ("ROLE",):
                tail = (tokens[0], *(t.lower() for t in tokens[1:]))
                if tail not in variants:
                    variants[tail] = (labels, LOWER_TAIL)
        groups: dict[tuple[tuple[str, ...], float], list[Any]] = {}
        for tokens, key in variants.items():
            groups.setdefault(key, []).append(Doc(vocab, words=list(tokens)))
        for kind, phrases in triggers.items():
            groups[("@" + kind,), 0.0] = [Doc(vocab, words=p.split()) for p in phrases]
        self.matcher = PhraseMatcher(vocab, attr="ORTH")
        # each match key's labels, score and trigger kind ("" for a gazetteer entry)
        self.keys: dict[int, tuple[tuple[str, ...], float, str]] = {}
        for (labels, score), docs in groups.items():
            name = f"gazetteer:{'/'.join(labels)}:{score}"
            self.matcher.add(name, docs)
            kind = labels[0][1:] if labels[0].startswith("@") else ""
            self.keys[vocab.strings[name]] = (labels, score, kind)
        self.kinds = tuple(triggers)
        self.size = len(entries)

    def __call__(self, doc: Any) -> list[Match]:
        """All hits in `doc`, overlapping ones included."""
        keys = self.keys
        return [(start, end, *keys[key][:2]) for key, start, end in self.matcher(doc)]
