"""The keyboard caret's moves, without Qt: by word, by sentence, to gaps and to matches, on
the stored tokens of texts with emoji, CRLF, tabs, combining marks and right-to-left names."""

from __future__ import annotations

import pytest

from annotation.nlp.tokens import decode, tokenize
from annotation.view import caret
from annotation.view.spans import TokenIndex

TEXT = (
    "Jokowi Terima Macron\n\nNamun Presiden Prancis Emmanuel Macron bertemu Mohammed bin "
    "Salman di Istana Bogor, Rabu. Ia pergi ke Bank of America pada Senin."
)


def tokens_of(text: str) -> TokenIndex:
    starts, ends = decode(next(tokenize([text])))
    return TokenIndex(starts, ends, text)


def shown(text: str, spans) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_gaps_are_capitalised_runs_no_entity_touches() -> None:
    tokens = tokens_of(TEXT)
    assert shown(TEXT, caret.gaps(TEXT, tokens, [])) == [
        "Jokowi Terima Macron",
        "Presiden",
        "Prancis Emmanuel Macron",
        "Mohammed bin Salman",
        "Istana Bogor",
        "Bank of America",
    ]  # no "Namun", "Rabu", "Ia", "Senin"
    macron = (TEXT.index("Emmanuel"), TEXT.index(" bertemu"))
    bogor = (TEXT.index("Bogor"), TEXT.index(", Rabu"))  # a part of the run is an entity
    assert shown(TEXT, caret.gaps(TEXT, tokens, [macron, bogor])) == [
        "Jokowi Terima Macron",
        "Presiden",
        "Prancis",
        "Mohammed bin Salman",
        "Istana",
        "Bank of America",
    ]


def test_titles_are_a_gap_of_their_own() -> None:
    text = "Kemarin Wakil Menteri Luar Negeri Retno Marsudi dan Presiden Joko Widodo datang."
    assert shown(text, caret.gaps(text, tokens_of(text), [])) == [
        "Kemarin",
        "Wakil Menteri Luar Negeri",
        "Retno Marsudi",
        "Presiden",
        "Joko Widodo",
    ]


def test_a_sentence_opener_is_no_gap_but_a_name_opening_a_sentence_is() -> None:
    text = "Dia datang. Namun Retno pulang. Retno pergi. Mereka Pulang."
    assert shown(text, caret.gaps(text, tokens_of(text), [])) == ["Retno", "Retno", "Pulang"]


@pytest.mark.parametrize(
    "text, names",
    [
        ("Ia menyambut 🇮🇩 Jokowi 😀 ke Prancis.", ["Jokowi", "Prancis"]),
        (
            "Retno\tMarsudi\r\ndi Beijing.\r\nWang Yi datang.",
            ["Retno\tMarsudi", "Beijing", "Wang Yi"],
        ),
        (
            "Presiden Jose\u0301 Rami\u0301rez bertemu Ce\u0301line.",
            ["Presiden", "Jose\u0301 Rami\u0301rez", "Ce\u0301line"],
        ),
        # Arabic has no capitals.
        ("Menlu bertemu محمد بن سلمان dan Netanyahu.", ["Menlu", "Netanyahu"]),
    ],
)
def test_gaps_and_steps_keep_str_offsets_whatever_the_characters(text: str, names) -> None:
    tokens = tokens_of(text)
    assert shown(text, caret.gaps(text, tokens, [])) == names
    words = caret.words(tokens, text)
    assert all(text[s:e].strip() == text[s:e] for s, e in words)  # never whitespace
    walked, at = [], None
    while (at := caret.step(words, at, 1)) is not None:
        walked.append(at)
    assert walked == words
    back, at = [], None
    while (at := caret.step(words, at, -1)) is not None:
        back.append(at)
    assert back == words[::-1]


def test_the_caret_steps_by_word_from_a_span_of_several() -> None:
    tokens = tokens_of(TEXT)
    words = caret.words(tokens, TEXT)
    bogor = (TEXT.index("Istana"), TEXT.index(", Rabu"))  # two words
    assert shown(TEXT, [caret.step(words, bogor, 1)]) == [","]
    assert shown(TEXT, [caret.step(words, bogor, -1)]) == ["di"]
    assert caret.step(words, words[-1], 1) is None and caret.step(words, words[0], -1) is None
    assert caret.step(words, None, 1) == words[0] and caret.step(words, None, -1) == words[-1]
    assert caret.word_from(words, TEXT.index("Terima") + 2) == (7, 13)
    assert caret.word_from(words, 6) == (7, 13)  # in the space: the word after


def test_ctrl_arrows_go_by_sentence() -> None:
    tokens = tokens_of(TEXT)
    words, bounds = caret.words(tokens, TEXT), caret.article_bounds(TEXT, tokens)
    first = [w for w in words if w[0] in (0, TEXT.index("Namun"), TEXT.index("Ia"))]
    assert caret.sentence_step(words, bounds, words[0], 1) == first[1]
    assert caret.sentence_step(words, bounds, first[1], 1) == first[2]
    assert caret.sentence_step(words, bounds, first[2], 1) is None
    bogor = (TEXT.index("Bogor"), TEXT.index(", Rabu"))
    assert caret.sentence_step(words, bounds, bogor, -1) == first[1]  # its own sentence
    assert caret.sentence_step(words, bounds, first[1], -1) == first[0]
    assert caret.sentence_step(words, bounds, None, 1) == first[0]


def test_next_span_wraps_round_and_matches_ignore_case() -> None:
    spans = [(0, 6), (14, 20), (30, 40)]
    assert caret.next_span(spans, (0, 6), 1) == (14, 20)
    assert caret.next_span(spans, (30, 40), 1) == (0, 6)
    assert caret.next_span(spans, (14, 20), -1) == (0, 6)
    assert caret.next_span(spans, (0, 6), -1) == (30, 40)
    assert caret.next_span(spans, (7, 8), 1) == (14, 20)  # from between two
    assert caret.next_span([], None, 1) is None
    text = "Macron 😀 MACRON\r\nmacron."
    assert shown(text, caret.matches(text, "macron")) == ["Macron", "MACRON", "macron"]
    assert caret.matches(text, "") == [] and caret.matches(text, "😀 m") == [(7, 10)]
    assert caret.matches("a.b", ".") == [(1, 2)]  # typed text, not a pattern


def test_words_between_a_line_s_ends() -> None:
    tokens = tokens_of(TEXT)
    words = caret.words(tokens, TEXT)
    assert shown(TEXT, caret.words_between(words, 0, 21)) == ["Jokowi", "Terima", "Macron"]
