"""The array-built token JSON is byte-for-byte what json.dumps gives for the same dicts."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from annotation.io.token_json import tokens_json
from annotation.nlp.tokens import Tokens, tokenize

TRICKY = [
    'Foto: AFP/2022./Alexander "Nemenov"\r\n\tطهران 😀 e\u0301 \\ x\u00a0y\x7f \u2028 z  ',
    '😀😀 "q"\n\n\nb',
    "\x00\x01 ok",
    "a",
    "  leading and trailing  ",
    "Presiden Kuba Miguel Díaz-Canel, pada Senin (4/12/2023), bertandang ke Teheran.",
]


def reference(text: str, tokens: Tokens) -> bytes:
    dicts = [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws}
        for i, (s, e, ws) in enumerate(zip(tokens.starts, tokens.ends, tokens.whitespace(text)))
    ]
    return json.dumps(dicts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fast(text: str, tokens: Tokens) -> bytes:
    return tokens_json(
        text, np.array(tokens.starts, dtype=np.int64), np.array(tokens.ends, dtype=np.int64)
    )


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts(text: str) -> None:
    tokens = Tokens.from_bytes(next(tokenize([text])))
    assert fast(text, tokens) == reference(text, tokens)


def test_random_texts_and_split_tokens() -> None:
    rng = random.Random(3)
    alphabet = 'ab Ć"\\\n\t\r😀ي,./%{}' + "\u0301\u00a0"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80)))
        tokens = Tokens.from_bytes(next(tokenize([text])))
        tokens.split_at(rng.sample(range(len(text) + 1), min(3, len(text))))
        assert fast(text, tokens) == reference(text, tokens), repr(text)


def test_empty_and_long_articles() -> None:
    assert tokens_json("", np.array([], dtype=np.int64), np.array([], dtype=np.int64)) == b"[]"
    text = "kata " * 250_000  # offsets beyond the digit table take the plain path
    tokens = Tokens.from_bytes(next(tokenize([text])))
    assert fast(text, tokens) == reference(text, tokens)


def test_many_articles_at_once_equal_one_at_a_time() -> None:
    from annotation.io.token_json import tokens_json_many

    texts = [*TRICKY, "", "x" * 600 + " long token", "kata " * 250_000]
    items = []
    for text in texts:
        tokens = Tokens.from_bytes(next(tokenize([text])))
        items.append(
            (
                text,
                np.array(tokens.starts, dtype=np.int64),
                np.array(tokens.ends, dtype=np.int64),
                tokens,
            )
        )
    made = tokens_json_many([item[:3] for item in items])
    assert made == [reference(text, tokens) for text, _, _, tokens in items]
