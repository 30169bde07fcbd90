"""Headlines: a model's candidate in a title-case headline must be confirmed by the body."""

from __future__ import annotations

from annotation.nlp.headline import check_headline, dateline, headline_end
from annotation.nlp.suggestion import Candidate

BODY = (
    "\n\nJakarta - Presiden Vladimir Putin menerima Presiden Kuba Miguel Diaz-Canel di "
    "Moskow, Selasa (22/11/2022). Putin menyebut kedua negara bersatu melawan sanksi "
    "Amerika Serikat. Pertemuan itu berlangsung selama dua jam di Kremlin."
)
HEADLINE = "Putin dan Presiden Kuba Sepakat Bersatu Melawan AS"
TEXT = HEADLINE + BODY


def at(surface: str, label: str, origin: str = "model", nth: int = 0) -> Candidate:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(surface, start + 1)
    return Candidate(start, start + len(surface), label, origin, 0.8)


def test_a_title_case_first_line_before_a_body_is_a_headline() -> None:
    assert headline_end(TEXT) == len(HEADLINE)
    assert headline_end("Putin menerima Diaz-Canel di Moskow, Selasa.\n\n" + BODY) == 0
    assert headline_end(HEADLINE) == 0  # a sentence on its own: nothing to confirm against
    assert headline_end(HEADLINE + "\nPendek.") == 0


def test_headline_candidates_need_the_body_and_take_its_label() -> None:
    candidates = [
        at("Putin", "LOC"),  # the model misreads the headline...
        at("Putin", "PER", nth=1),  # ...but not the body
        at("Kuba Sepakat Bersatu Melawan AS", "LOC"),  # a run of capitals, not in the body
        at("AS", "GPE", origin="rules:gazetteer"),  # rules are left alone
        at("Miguel Diaz-Canel", "PER"),
    ]
    kept = check_headline(TEXT, candidates)
    surfaces = {(TEXT[c.start : c.end], c.label, c.start < len(HEADLINE)) for c in kept}
    assert surfaces == {
        ("Putin", "PER", True),
        ("Putin", "PER", False),
        ("AS", "GPE", True),
        ("Miguel Diaz-Canel", "PER", False),
    }


def test_texts_without_a_headline_are_untouched() -> None:
    text = "Menlu Retno Marsudi bertemu Wang Yi di Beijing."
    candidates = [Candidate(6, 19, "PER", "model", 0.9)]
    assert check_headline(text, candidates) == candidates


def test_a_dateline_before_the_headline_is_part_of_the_top() -> None:
    text = "Rabu 23 Oct 2024 17:11 WIB\n" + HEADLINE + BODY
    assert headline_end(text) == text.index(BODY)
    start = text.index("Kuba Sepakat")
    wrong = Candidate(start, start + len("Kuba Sepakat Bersatu Melawan AS"), "PER", "model")
    assert check_headline(text, [wrong]) == []


def test_the_dateline_is_the_first_line_below_the_headline_opening_with_a_place_and_a_dash() -> (
    None
):
    def found(text: str) -> str | None:
        where = dateline(text)
        return text[where[0] : where[1]] if where else None

    body = " Presiden tiba di bandara pada Senin pagi untuk kunjungan tiga hari." * 4
    assert found(HEADLINE + "\n\nJakarta, IDN Times -" + body) == "Jakarta, IDN Times - "
    assert found("Mataram –" + body) == "Mataram – "
    assert found("BEIJING --" + body) == "BEIJING -- "
    assert (
        found(HEADLINE + "\r\n\r\nRio de Janeiro, Warta Nusa -" + body)
        == "Rio de Janeiro, Warta Nusa - "
    )
    assert found("Harga naik 5 - 10 persen." + body) is None
    assert found("Tanya jawab: Warga - Pemerintah" + body) is None
    assert found("warga Jakarta -" + body) is None


def test_no_statistical_candidate_in_the_dateline() -> None:
    text = "Jakarta, Warta Nusa - Presiden Kuba tiba di Jakarta." + BODY

    def at(surface: str, label: str, origin: str = "model") -> Candidate:
        start = text.index(surface)
        return Candidate(start, start + len(surface), label, origin, 0.8)

    candidates = [
        at("Jakarta", "GPE", "rules:gazetteer"),
        at("Warta Nusa", "ORG", "rules:pattern"),
        at("Warta Nusa", "PER"),
        at("Warta Nusa - Presiden", "PER"),
        at("Kuba", "LOC"),
    ]
    assert check_headline(text, candidates) == [candidates[0], candidates[1], candidates[4]]
