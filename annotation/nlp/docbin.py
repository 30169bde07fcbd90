"""spaCy DocBin export: one `Doc` per exported record, ready for `spacy train`.

Each Doc is built from the record's stored tokens (`Doc(vocab, words, spaces)`), so
`doc.text` is the Article's text exactly and no tokenizer runs. Where the Doc keeps things:

- `doc.ents`: the record's spans, less any that overlap a longer one (spaCy's
  `filter_spans`), since `doc.ents` cannot hold overlapping spans.
- `doc.spans["sc"]`: all of the record's spans, whenever the schema allows overlap (so that
  every Doc has the key spaCy's spancat reads) or spans overlap anyway.
- `doc.user_data["relations"]`: a tuple of `{"head": (start, end), "child": (start, end),
  "label": ...}`, with the character offsets of the two Entities, since a Doc has no
  standard slot for relations (tuples, as msgpack gives them back when the file is read).
- `doc.user_data["meta"]`: the record's meta (article id, title, source, annotator, status).
"""

from __future__ import annotations

from typing import Any

SPAN_KEY = "sc"
# SPACY (the whitespace flags) is always stored; ORTH and the entity attributes are all
# training needs. Leaving out DocBin's default tags, lemmas and parses keeps memory low.
ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE")


class DocBinWriter:
    """Collects records as Docs and serializes them as one `.spacy` file."""

    def __init__(self, allow_overlap: bool) -> None:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab

        self.allow_overlap = allow_overlap
        self.vocab = Vocab()
        self.docbin = DocBin(attrs=list(ATTRS), store_user_data=True)

    def add(self, record: dict[str, Any], warnings: list[str], errors: list[str]) -> bool:
        """Add one Prodigy-style record; report problems and return whether it was added."""
        doc = record_to_doc(self.vocab, record, self.allow_overlap, warnings, errors)
        if doc is None:
            return False
        self.docbin.add(doc)
        return True

    def to_bytes(self) -> bytes:
        return self.docbin.to_bytes()


def record_to_doc(
    vocab: Any,
    record: dict[str, Any],
    allow_overlap: bool,
    warnings: list[str],
    errors: list[str],
) -> Any:
    """Build a Doc from a record's tokens, spans and relations; None if it cannot be."""
    from spacy.tokens import Doc, Span
    from spacy.util import filter_spans

    tokens = record["tokens"]
    where = _where(record)
    doc = Doc(vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
    if doc.text != record["text"]:
        # Stored tokens that do not cover the text would shift every entity: refuse.
        errors.append(f"{where}: stored tokens do not reproduce the text; left out of the DocBin")
        return None
    spans = [
        Span(doc, s["token_start"], s["token_end"] + 1, label=s["label"]) for s in record["spans"]
    ]
    ents = filter_spans(spans)
    doc.ents = ents
    if allow_overlap or len(ents) < len(spans):
        doc.spans[SPAN_KEY] = spans
    if len(ents) < len(spans) and not allow_overlap:
        left = sorted(set(spans) - set(ents), key=lambda s: (s.start_char, s.end_char))
        quoted = ", ".join(f"{s.label_} {s.text!r}" for s in left)
        warnings.append(
            f"{where}: overlapping spans kept only in doc.spans[{SPAN_KEY!r}]: {quoted}"
        )
    doc.user_data["meta"] = record["meta"]
    doc.user_data["relations"] = tuple(
        {
            "head": (r["head_span"]["start"], r["head_span"]["end"]),
            "child": (r["child_span"]["start"], r["child_span"]["end"]),
            "label": r["label"],
        }
        for r in record["relations"]
    )
    return doc


def read_docbin(data: bytes) -> list[Any]:
    """Load the Docs of a `.spacy` file's bytes (with their user data)."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    return list(DocBin(store_user_data=True).from_bytes(data).get_docs(Vocab()))


def _where(record: dict[str, Any]) -> str:
    meta = record["meta"]
    who = meta.get("annotator")
    return f"article {meta.get('article_id')}" + (f" ({who})" if who else "")
