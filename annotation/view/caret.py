"""Where the keyboard caret goes in an article, free of Qt: by token, by sentence, to the next
gap (a capitalised run no entity covers: a likely missed name) and to the next match of a
search.

The caret is a span of whole tokens, `(start, end)` in `str` offsets, end-exclusive, so a
label's number key turns it into an entity at once. Whitespace tokens (spaCy keeps runs of
spaces and line breaks as tokens) are never landed on.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from annotation.view.relation_picking import sentence_bounds
from annotation.view.spans import TokenIndex

Span = tuple[int, int]


def _set(listed: str) -> frozenset[str]:
    return frozenset(listed.split())


# Capitalised words that open a sentence without naming anything: alone at a sentence's
# start they are no gap, and at the head of a run they are left out of it.
SENTENCE_OPENERS = _set("""
    ia dia mereka kami kita saya aku anda beliau ini itu tersebut namun tetapi tapi dan atau
    serta sementara selain dalam pada di ke dari untuk bagi oleh menurut sebelumnya kemudian
    lalu hal para sejumlah bahkan adapun sedangkan karena sebab jika bila apabila kalau saat
    ketika setelah sesudah sebelum meski meskipun walau walaupun tak tidak juga hingga sampai
    sejak selama seperti yang sebagai apalagi lebih kini kala sehingga maka dengan tanpa
    terkait soal mengenai atas begitu demikian pun sudah telah masih akan bukan semua
    seluruh setiap banyak beberapa salah sang si pihak adanya berdasarkan sekitar hampir
    sekali baru the a an in on at as of this that
""")
# Days and months are capitalised in Indonesian and are no entity of the default schema
# (a date is found with its numbers, which are no capitals); alone they are no gap.
CALENDAR = _set("""
    senin selasa rabu kamis jumat sabtu minggu januari februari maret april mei juni juli
    agustus september oktober november desember
""")
# Titles and offices ("Presiden", "Menteri Luar Negeri") stand before names and are an entity
# of their own (ROLE in the default schema): a run is split where they start and end.
TITLES = _set("""
    presiden wakil wapres menteri menlu mendag menhan ketua sekretaris jenderal sekjen duta
    besar dubes perdana pm raja ratu pangeran putra putri gubernur bupati wali direktur
    kepala juru bicara jubir kanselir senator panglima kolonel letnan laksamana marsekal
    komisaris pemimpin tertinggi luar dalam negeri koordinator bidang utusan khusus dr prof
""")
# Lower-case words that may stand inside a name ("Universitas Gadjah Mada" needs none;
# "Bank of America", "Mohammed bin Salman" do).
CONNECTORS = frozenset({"bin", "binti", "van", "von", "der", "de", "da", "of", "al", "&"})


def words(tokens: TokenIndex, text: str) -> list[Span]:
    """The article's tokens that are not whitespace, in order."""
    return [(s, e) for s, e in zip(tokens.starts, tokens.ends) if text[s:e].strip()]


def step(spans: Sequence[Span], caret: Span | None, by: int) -> Span | None:
    """The word `by` (+1 or -1) from the caret: the first after its end, or the last before
    its start; from no caret, the first (or last) word. None if there is no word there."""
    if not spans:
        return None
    if caret is None:
        return spans[0] if by > 0 else spans[-1]
    if by > 0:
        i = bisect.bisect_left([s for s, _ in spans], caret[1])
        return spans[i] if i < len(spans) else None
    i = bisect.bisect_right([e for _, e in spans], caret[0]) - 1
    return spans[i] if i >= 0 else None


def word_from(spans: Sequence[Span], offset: int) -> Span | None:
    """The word covering `offset`, or else the first one after it (else the last)."""
    if not spans:
        return None
    i = bisect.bisect_right([e for _, e in spans], offset)
    return spans[min(i, len(spans) - 1)]


def words_between(spans: Sequence[Span], lo: int, hi: int) -> list[Span]:
    """The words wholly inside [lo, hi): a displayed line's words, for Home and End."""
    return [w for w in spans if lo <= w[0] and w[1] <= hi]


def sentence_step(
    spans: Sequence[Span], bounds: Sequence[int], caret: Span | None, by: int
) -> Span | None:
    """The first word of the next sentence (by +1), or of the caret's own sentence when the
    caret is past its first word, else of the one before (by -1), as Ctrl+arrows go."""
    if not spans:
        return None
    at = caret[0] if caret is not None else (-1 if by > 0 else spans[-1][0] + 1)
    firsts = sorted({w for b in bounds if (w := word_from(spans, b)) is not None})
    if by > 0:
        later = [w for w in firsts if w[0] > at]
        return later[0] if later else None
    earlier = [w for w in firsts if w[0] < at]
    return earlier[-1] if earlier else spans[0] if at > spans[0][0] else None


def article_bounds(text: str, tokens: TokenIndex) -> list[int]:
    """Where the article's sentences start (the suggesters' splitter)."""
    return sentence_bounds(text, tokens.starts, tokens.ends)


def _title(text: str, w: Span) -> bool:
    return text[w[0] : w[1]].lower().rstrip(".") in TITLES


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def gaps(
    text: str, tokens: TokenIndex, covered: Sequence[Span], bounds: Sequence[int] | None = None
) -> list[Span]:
    """Runs of capitalised words that no entity in `covered` touches, in reading order.

    A run may hold a connector ("bin", "of") between two capitalised words. A sentence's
    opening word that is a common opener ("Namun", "Ia") is left out of the run it heads,
    a day or month standing alone is no gap. Titles ("Presiden", "Menteri Luar Negeri") make a
    gap of their own, apart from the name they stand before.
    """
    spans = words(tokens, text)
    bounds = article_bounds(text, tokens) if bounds is None else bounds
    firsts = {w[0] for b in bounds if (w := word_from(spans, b)) is not None}
    merged: list[list[int]] = []
    for s, e in sorted(covered):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    merged_starts = [s for s, _ in merged]

    def free(w: Span) -> bool:
        i = bisect.bisect_left(merged_starts, w[1]) - 1  # the last entity starting before
        return i < 0 or merged[i][1] <= w[0]

    out: list[Span] = []
    run: list[Span] = []

    def close() -> None:
        while run and text[run[-1][0] : run[-1][1]].lower() in CONNECTORS:
            run.pop()
        if run and run[0][0] in firsts and text[run[0][0] : run[0][1]].lower() in SENTENCE_OPENERS:
            run.pop(0)
        if len(run) == 1 and text[run[0][0] : run[0][1]].lower() in CALENDAR:
            run.clear()
        if run:
            out.append((run[0][0], run[-1][1]))
        run.clear()

    for i, w in enumerate(spans):
        word = text[w[0] : w[1]]
        if _capitalised(word) and free(w):
            if run and (w[0] in firsts or _title(text, run[-1]) != _title(text, w)):
                close()
            run.append(w)
            continue
        following = spans[i + 1] if i + 1 < len(spans) else None
        if (
            run
            and word.lower() in CONNECTORS
            and following is not None
            and free(w)
            and _capitalised(text[following[0] : following[1]])
        ):
            run.append(w)
            continue
        close()
    close()
    return out


def next_span(spans: Sequence[Span], caret: Span | None, by: int) -> Span | None:
    """The span `by` (+1 or -1) from the caret in reading order, wrapping round: the first
    starting after the caret's start, or the last starting before it."""
    if not spans:
        return None
    at = caret[0] if caret is not None else (-1 if by > 0 else float("inf"))
    if by > 0:
        return next((s for s in spans if s[0] > at), spans[0])
    return next((s for s in reversed(spans) if s[0] < at), spans[-1])


def matches(text: str, query: str) -> list[Span]:
    """Where `query` stands in `text`, ignoring case, in `str` offsets (no overlaps)."""
    if not query:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(query), text, re.IGNORECASE)]
