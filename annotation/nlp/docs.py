"""spaCy Docs for suggesting, built from stored tokens so that no tokenizer runs twice."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from annotation.nlp.docview import View
from annotation.nlp.tokens import Tokens, tokenizer


def make_doc(vocab: Any, text: str, tokens: bytes | None = None) -> Any:
    """A Doc whose text is exactly `text`, from its stored tokens or by tokenizing it."""
    from spacy.tokens import Doc

    if tokens is None:
        tokenized = tokenizer()(text)
        return Doc(
            vocab,
            words=[t.text for t in tokenized],
            spaces=[bool(t.whitespace_) for t in tokenized],
        )
    toks = Tokens.from_bytes(tokens)
    words = [text[s:e] for s, e in zip(toks.starts, toks.ends)]
    doc = Doc(vocab, words=words, spaces=toks.whitespace(text))
    # The View (kept for the suggesters) joins the text in one go; Doc.text is a Python
    # loop over every token.
    if View.of(doc).text != text:
        raise ValueError("stored tokens do not reproduce the article text")
    return doc


def make_docs(vocab: Any, items: Iterable[tuple[str, bytes | None]]) -> Iterator[Any]:
    """Docs for (text, stored tokens or None) pairs; texts without tokens are tokenized."""
    for text, tokens in items:
        yield make_doc(vocab, text, tokens)
