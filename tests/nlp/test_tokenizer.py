"""Sorot's tokenizer keeps spaCy's chunk cache warm and gives exactly spaCy's tokens."""

from __future__ import annotations

import json
import random

import pytest

from annotation.nlp.tokens import WarmTokenizer, tokenizer
from tests.conftest import SHARED

# Special cases ('negara-negara', "Jum'at", ':)', 'S.KG') early, then ordinary words, in
# text full of the characters offsets go wrong on.
TEXTS = [
    "negara-negara harus dibentuk untuk melindungi hak-hak rakyat Palestina.",
    '"Kami berharap," ujarnya pada Jum\'at (4/12/2023) :) lalu pergi.\r\nBaris\tbaru',
    "Foto: AFP/2022./Alexander Nemenov 😀 e\u0301 طهران עברית\u00a0x  ",
    "S.KG dan dr. Budi bertemu di Jl. Sudirman no. 5, Jakarta—Senin.",
    "Presiden Kuba Miguel Díaz-Canel, pada Senin (4/12/2023), bertandang ke Teheran.",
    "  ",
    "",
    "kata-kata, ‘kutipan’ dan “kutipan” (kurung) [siku] {kurawal} 10km 5% $3 ...?!",
]


def tokens(doc) -> list[tuple[int, str, str]]:
    return [(t.idx, t.text, t.whitespace_) for t in doc]


@pytest.fixture(scope="module")
def spacy_tokenizer():
    """A tokenizer exactly like Sorot's, as spaCy makes it, never wrapped."""
    return tokenizer.__wrapped__().spacy


def fresh() -> WarmTokenizer:
    return tokenizer.__wrapped__()


def test_the_tokens_are_spacys_in_any_order_cold_or_warm(spacy_tokenizer) -> None:
    warm = fresh()
    rng = random.Random(7)
    words = " ".join(TEXTS).split()
    texts = TEXTS + [
        " ".join(rng.choice(words) for _ in range(rng.randint(1, 30))) for _ in range(200)
    ]
    for _ in range(2):
        for text in texts:
            assert tokens(warm(text)) == tokens(spacy_tokenizer(text)), text
        rng.shuffle(texts)


def test_a_text_seen_once_is_then_split_from_the_cache() -> None:
    spacy_tokenizer = fresh().spacy
    calls: list[str] = []
    search = spacy_tokenizer.prefix_search

    def counting(string: str):
        calls.append(string)
        return search(string)

    spacy_tokenizer.prefix_search = counting  # set before any use: it empties the cache
    warm = WarmTokenizer(spacy_tokenizer)
    text = TEXTS[0] + " " + TEXTS[4]
    first = tokens(warm(text))
    calls.clear()
    assert tokens(warm(text)) == first
    assert calls == []  # every chunk came from the cache, the ones after the special too


def test_past_its_bound_it_stops_learning_chunks_and_still_tokenizes_the_same(
    spacy_tokenizer,
) -> None:
    warm = WarmTokenizer(fresh().spacy, max_chunks=10)
    for text in TEXTS:
        assert tokens(warm(text)) == tokens(spacy_tokenizer(text))
    seen = len(warm._seen)
    assert 10 <= seen <= 10 + len(set(max(TEXTS, key=len).split()))
    warm("sama sekali baru semua kata ini")
    assert len(warm._seen) == seen


def test_the_shared_news_datasets_tokenize_as_spacy_does(spacy_tokenizer) -> None:
    files = sorted((SHARED / "data").glob("*/*.jsonl"))
    if not files:
        pytest.skip(
            f"the shared datasets are not at {SHARED / 'data'} (a fresh machine has no ../shared)"
        )
    warm = fresh()
    for path in files:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                text = json.loads(line)["text"]
                assert tokens(warm(text)) == tokens(spacy_tokenizer(text)), f"{path}:{number}"
