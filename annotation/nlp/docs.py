"""spaCy Docs for suggesting, built from stored tokens so that no tokenizer runs twice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotation.nlp.docview import View
from annotation.nlp.tokens import Tokens, tokenizer

if TYPE_CHECKING:  # spaCy is imported when a Doc is made, not with this module
    from spacy.tokens import Doc
    from spacy.vocab import Vocab


def make_doc(vocab: Vocab, text: str, tokens: bytes | None = None) -> Doc:
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
