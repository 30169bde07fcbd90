"""Span geometry without Qt: UTF-16 offsets, token snapping and resizing, stacking."""

from __future__ import annotations

import pytest

from annotation.nlp.tokens import Tokens, tokenize
from annotation.view.spans import TokenIndex, Utf16Map, place_tags, stack_slots


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii text",
        "emoji 😀 then 🇮🇩 flags",
        "line one\r\nline two\r\n\r\nthree",
        "tab\tseparated\tcells",
        "combining e\u0301 and n\u0303",
        "right to left: محمد عباس and \u05d1\u05e0\u05d9\u05de\u05d9\u05df",
        "mixed 😀\r\n\t\u0301end",
    ],
)
def test_utf16_map_round_trips_every_offset(text: str) -> None:
    offsets = Utf16Map(text)
    crlf = text.count("\r\n")
    assert offsets.length == utf16_units(text) - crlf
    for i in range(len(text) + 1):
        assert offsets.to_py(offsets.to_qt(i)) == i or text[i - 1 : i + 1] == "\r\n"
        # Qt positions count UTF-16 units, with each "\r\n" as one separator.
        prefix = text[:i]
        assert offsets.to_qt(i) == utf16_units(prefix) - prefix.count("\r\n")


def test_utf16_position_inside_a_surrogate_pair_maps_to_the_character() -> None:
    offsets = Utf16Map("a😀b")
    assert [offsets.to_qt(i) for i in range(4)] == [0, 1, 3, 4]
    assert offsets.to_py(2) == 1


def index(text: str) -> TokenIndex:
    tokens = Tokens.from_bytes(next(tokenize([text])))
    return TokenIndex(tokens.starts, tokens.ends, text)


def test_snap_widens_a_selection_to_whole_tokens() -> None:
    text = "Presiden Joko Widodo bertemu Macron."
    tokens = index(text)
    start = text.index("oko")
    end = text.index("Wid") + 2
    assert tokens.snap(start, end) == (text.index("Joko"), text.index("Widodo") + 6)


def test_snap_leaves_out_whitespace_at_the_edges_and_handles_reversed_drags() -> None:
    text = "kata  Jakarta  lagi"
    tokens = index(text)
    span = (text.index("Jakarta"), text.index("Jakarta") + 7)
    assert tokens.snap(span[0] - 2, span[1] + 2) == span
    assert tokens.snap(span[1] + 1, span[0] - 1) == span
    assert tokens.snap(4, 6) is None  # only spaces


def test_word_at_and_resize_move_by_whole_tokens() -> None:
    text = "Menteri Luar Negeri Retno Marsudi tiba"
    tokens = index(text)
    retno = (text.index("Retno"), text.index("Retno") + 5)
    assert tokens.word_at(retno[0] + 2) == retno
    assert tokens.word_at(text.index(" tiba")) is None
    marsudi_end = text.index("Marsudi") + 7
    assert tokens.resize(*retno, "end", 1) == (retno[0], marsudi_end)
    assert tokens.resize(retno[0], marsudi_end, "end", -1) == retno
    assert tokens.resize(*retno, "end", -1) == retno  # never empties the span
    negeri = text.index("Negeri")
    assert tokens.resize(*retno, "start", -1) == (negeri, retno[1])
    assert tokens.resize(negeri, retno[1], "start", 1) == retno
    assert tokens.resize(*retno, "start", 1) == retno


def test_stack_slots_give_overlapping_spans_distinct_slots() -> None:
    assert stack_slots([(0, 5), (6, 9)]) == [0, 0]
    assert stack_slots([(0, 10), (2, 4), (3, 8), (12, 14)]) == [0, 1, 2, 0]
    assert stack_slots([(2, 4), (0, 10)]) == [1, 0]  # the outer span stays on top


def test_place_tags_keeps_order_and_never_overlaps() -> None:
    lefts = place_tags([(0, 30), (10, 30), (100, 20)])
    assert lefts == [0, 32, 100]
