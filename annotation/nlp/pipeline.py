"""Suggest entities with a spaCy pipeline: the model Sorot ships, or one the user installed.

The pipeline's tokenizer never runs: the Docs handed in already carry the article's exact text
and stored tokens, so a candidate's offsets are offsets into the article. Only the pipeline's
components run, in batches; a long article runs as windows of sentences (`windows.py`), so
that memory stays bounded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import spacy
from spacy.pipeline import EntityRecognizer, EntityRuler, SpanCategorizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import registry

from annotation.nlp.suggestion import Candidate, SuggesterError
from annotation.nlp.windows import BATCH_TOKENS, WINDOW_TOKENS, is_long, windows
from annotation.paths import RESOURCES

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = RESOURCES / "models" / "ner_id"
DEFAULT_BATCH_SIZE = 16  # ~3 KB articles: 8 to 32 ran alike (~40/s), 1 and 64 slower
FALLBACK_SCORE = 0.5  # for pipelines that do not say how precise their labels are
_NO_RULES_TOKENIZER = "sorot.no_rules_tokenizer.v1"


def _no_rules_tokenizer() -> Callable[[Language], Tokenizer]:
    """A tokenizer without special cases, for Sorot's own models, which never tokenize.

    Building spaCy's Indonesian tokenizer loads some 32,000 special cases, and `spacy.load`
    does it twice (from the language defaults, then from the saved file): seconds, where the
    NER itself loads in a fraction of one. The saved model keeps the standard tokenizer, so
    plain `spacy.load` still works.
    """
    return lambda nlp: Tokenizer(nlp.vocab)


registry.tokenizers.register(_NO_RULES_TOKENIZER, func=_no_rules_tokenizer)


class PipelineSuggester:
    """Entity candidates from a spaCy pipeline's `ner` (or `spancat`) component.

    Args:
        name_or_path: an installed pipeline package (e.g. "xx_ent_wiki_sm") or a pipeline
            folder; by default the model Sorot ships.
        label_map: renames the pipeline's labels to the project's; a label mapped to None is
            dropped, and a label not in the map passes through unchanged.
        origin: the name candidates carry, so that the user can tell sources apart.
        batch_size: Docs per `nlp.pipe` batch.
    """

    def __init__(
        self,
        name_or_path: str | Path = DEFAULT_MODEL,
        *,
        label_map: dict[str, str | None] | None = None,
        origin: str = "model",
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.name = origin
        self.batch_size = batch_size
        self._label_map = dict(label_map or {})
        self._nlp = load_pipeline(name_or_path)
        self._span_keys = _span_keys(self._nlp)
        self._has_ents = any(_is_entity_pipe(pipe) for _, pipe in self._nlp.pipeline)
        if not (self._has_ents or self._span_keys):
            have = ", ".join(self._nlp.pipe_names) or "none"
            raise SuggesterError(
                f"spaCy pipeline {str(name_or_path)!r} has no ner or spancat component to "
                f"suggest entities with (its components: {have})"
            )
        precision = self._nlp.meta.get("sorot", {}).get("precision", {})
        self._scores = {label: float(p) for label, p in precision.items()}
        own = sorted({label for _, pipe in self._nlp.pipeline for label in _pipe_labels(pipe)})
        # Names this model as trained (its meta records training time and scores), so that
        # articles suggested by an older model count as not yet suggested by this one.
        meta = json.dumps([self._nlp.meta, self._label_map], sort_keys=True, default=str)
        self.fingerprint = f"{origin}@{hashlib.blake2b(meta.encode(), digest_size=6).hexdigest()}"
        self.labels = sorted({m for m in map(self._map, own) if m is not None})

    @property
    def vocab(self) -> Any:
        """The pipeline's vocab; Docs built in it are used as they are, without a copy."""
        return self._nlp.vocab

    def suggest(self, docs: Sequence[Doc]) -> list[list[Candidate]]:
        """Return each Doc's candidates, in the order of `docs`.

        A Doc in this pipeline's vocab is annotated in place (its `ents` are set); one from
        another vocab, or one that already has entities (the `ner` would keep them), is copied
        first, keeping its words, spaces and sentence starts.
        """
        own = [doc if doc.vocab is self.vocab and not doc.ents else self._copy(doc) for doc in docs]
        found: list[list[Candidate]] = [[] for _ in own]
        short = [i for i, doc in enumerate(own) if not is_long(doc)]
        try:
            for i, doc in zip(
                short, self._nlp.pipe([own[i] for i in short], batch_size=self.batch_size)
            ):
                found[i] = self._candidates(doc)
            for i, doc in enumerate(own):
                if is_long(doc):
                    found[i] = self._in_windows(doc)
        except Exception as err:  # a third-party pipeline can fail in many ways
            raise SuggesterError(f"spaCy pipeline {self.name!r} failed to run: {err}") from err
        return found

    def _in_windows(self, doc: Doc) -> list[Candidate]:
        """A long Doc's candidates, found in windows of sentences a few at a time."""
        found: list[Candidate] = []
        batch = max(1, BATCH_TOKENS // WINDOW_TOKENS)
        parts = windows(doc)
        while chunk := list(itertools.islice(parts, batch)):
            done = self._nlp.pipe([window for _, window in chunk], batch_size=batch)
            for (offset, _), window in zip(chunk, done):
                found.extend(
                    Candidate(c.start + offset, c.end + offset, c.label, c.origin, c.score)
                    for c in self._candidates(window)
                )
        return sorted(set(found))

    def _copy(self, doc: Doc) -> Doc:
        starts: list[bool | int | None] = [token.is_sent_start for token in doc]
        return Doc(
            self.vocab,
            words=[t.text for t in doc],
            spaces=[bool(t.whitespace_) for t in doc],
            sent_starts=starts if any(s is not None for s in starts) else None,
        )

    def _candidates(self, doc: Doc) -> list[Candidate]:
        found = []
        if self._has_ents:
            found += [(span, self._scores.get(span.label_, FALLBACK_SCORE)) for span in doc.ents]
        for key in self._span_keys:
            group = doc.spans.get(key, [])
            scores = group.attrs.get("scores") if group else None
            found += [
                (span, float(scores[i]) if scores is not None else FALLBACK_SCORE)
                for i, span in enumerate(group)
            ]
        candidates = []
        for span, score in found:
            label = self._map(span.label_)
            span = _trimmed(span)
            if label is not None and span is not None:
                candidates.append(
                    Candidate(span.start_char, span.end_char, label, self.name, round(score, 4))
                )
        return sorted(set(candidates))

    def _map(self, label: str) -> str | None:
        return self._label_map.get(label, label)


def _trimmed(span: Any) -> Any:
    """The span without edge tokens that hold no letter or digit ("Surabaya 😀" → "Surabaya").

    A statistical model now and then takes in an emoji, a dash or a quote next to a name; no
    entity starts or ends with one, except a closing bracket whose opening one is inside.
    """
    start, end = span.start, span.end
    doc = span.doc
    while start < end and not _wordlike(doc[start].text):
        start += 1
    while end > start and not _wordlike(doc[end - 1].text):
        if doc[end - 1].text == ")" and "(" in doc[start : end - 1].text:
            break
        end -= 1
    if start == end:
        return None
    return span if (start, end) == (span.start, span.end) else doc[start:end]


def _wordlike(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def load_pipeline(name_or_path: str | Path) -> Language:
    """Load a spaCy pipeline by package name or folder, or raise a SuggesterError saying why."""
    shown = str(name_or_path)
    if isinstance(name_or_path, str) and spacy.util.is_package(name_or_path):
        target: str | Path = name_or_path
    elif isinstance(name_or_path, Path) or _looks_like_path(name_or_path):
        target = Path(name_or_path).expanduser()
        if not target.is_dir():
            raise SuggesterError(f"spaCy pipeline {shown!r}: no such folder")
        if not (target / "config.cfg").is_file():
            raise SuggesterError(
                f"spaCy pipeline {shown!r}: the folder has no config.cfg, so it is not a "
                "pipeline saved with nlp.to_disk"
            )
    else:
        raise SuggesterError(
            f"spaCy pipeline {shown!r}: no installed package or folder by that name "
            f"(install it with `pip install` or give the path of a pipeline folder)"
        )
    fast: dict[str, Any] = {}  # spacy.load's keyword arguments
    if isinstance(target, Path) and _is_sorot_model(target):
        fast = {
            "exclude": ["tokenizer"],
            "config": {"nlp": {"tokenizer": {"@tokenizers": _NO_RULES_TOKENIZER}}},
        }
    try:
        return spacy.load(target, **fast)
    except Exception as err:  # spaCy raises OSError, ValueError, KeyError, msgpack errors...
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise SuggesterError(f"spaCy pipeline {shown!r} could not be loaded: {reason}") from err


def _is_sorot_model(path: Path) -> bool:
    """Whether the folder holds a model made by `train_base` (its meta has a "sorot" key).

    Only those skip their tokenizer: a third-party pipeline may need its own, e.g. an
    entity ruler tokenizes its phrase patterns while loading.
    """
    try:
        return "sorot" in json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, RecursionError):  # not a pipeline Sorot made
        return False


def _looks_like_path(name: str) -> bool:
    """Package names are identifiers; anything with a separator, dot or tilde is a path."""
    return any(ch in name for ch in "/\\.~") or Path(name).exists()


def _is_entity_pipe(pipe: Any) -> bool:
    return isinstance(pipe, (EntityRecognizer, EntityRuler))


def _span_keys(nlp: Language) -> list[str]:
    return [pipe.key for _, pipe in nlp.pipeline if isinstance(pipe, SpanCategorizer)]


def _pipe_labels(pipe: Any) -> tuple[str, ...]:
    if _is_entity_pipe(pipe) or isinstance(pipe, SpanCategorizer):
        return tuple(pipe.labels)
    return ()
