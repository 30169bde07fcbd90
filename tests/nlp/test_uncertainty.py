"""The uncertainty of an article's candidates: where suggesters disagree, and low scores."""

from __future__ import annotations

import pytest

from annotation.nlp.combine import Decided
from annotation.nlp.suggestion import Candidate
from annotation.nlp.uncertainty import Uncertainty, measure, voter_of

# The default engine's voters: the rules can give any label, the shipped model three.
VOTERS = {"rules": None, "model": ("PER", "ORG", "LOC")}


def rule(start, end, label, score=0.9, kind="gazetteer"):
    return Candidate(start, end, label, f"rules:{kind}", score)


def model(start, end, label, score=0.8):
    return Candidate(start, end, label, "model", score)


def test_nothing_said_is_nothing_in_doubt() -> None:
    assert measure([], VOTERS) == Uncertainty(0.0, 0, 0)


def test_agreement_leaves_only_the_chance_that_both_are_wrong() -> None:
    u = measure([rule(0, 5, "PER", 0.9), model(0, 5, "PER", 0.8)], VOTERS)
    assert u.places == 1 and u.disputed == 0
    assert u.score == pytest.approx(0.1 * 0.2 / 2)


@pytest.mark.parametrize(
    "candidates",
    [
        [rule(0, 5, "PER")],  # the model gives PER too and found nothing here
        [model(0, 5, "ORG")],  # the rules could have found an ORG
        [rule(0, 5, "PER"), model(0, 5, "ORG")],  # one span, two labels both can give
        [rule(0, 10, "PER"), model(5, 15, "PER")],  # crossing boundaries
        [rule(0, 8, "ROLE"), rule(9, 20, "PER"), model(0, 20, "PER")],  # "Presiden Joko Widodo"
    ],
)
def test_disputes(candidates) -> None:
    u = measure(candidates, VOTERS)
    assert (u.places, u.disputed, u.score) == (1, 1, 0.5)


def test_a_label_the_other_cannot_give_is_no_dispute() -> None:
    # The model has no GPE: its LOC on a country agrees on the span with the rules' GPE.
    assert measure([rule(0, 7, "GPE"), model(0, 7, "LOC")], VOTERS).disputed == 0
    # A date only the rules can find: its doubt is the rule's own, 1 - 0.95.
    u = measure([rule(0, 10, "DATE", 0.95, "date")], VOTERS)
    assert u.disputed == 0 and u.score == pytest.approx(0.05 / 2)
    # The rules nest a GPE inside an ORG the model found whole: the model cannot say GPE.
    nested = [rule(0, 30, "ORG"), rule(25, 30, "GPE"), model(0, 30, "ORG")]
    assert measure(nested, VOTERS).disputed == 0
    # With a model that can say GPE, all three are disputes.
    able = {"rules": None, "model": ("PER", "ORG", "LOC", "GPE", "DATE")}
    assert measure([rule(0, 7, "GPE"), model(0, 7, "LOC")], able).disputed == 1
    assert measure([rule(0, 10, "DATE", 0.95, "date")], able).disputed == 1
    assert measure(nested, able).disputed == 1


def test_places_are_chains_of_overlaps_and_the_share_is_shrunk() -> None:
    # Ten places: one dispute (a crossing chain of three spans counts once), nine agreed.
    agreed = [
        c
        for i in range(1, 10)
        for c in (rule(i * 100, i * 100 + 5, "ORG", 1.0), model(i * 100, i * 100 + 5, "ORG", 1.0))
    ]
    chain = [rule(0, 10, "PER"), model(8, 20, "PER"), rule(18, 30, "PER")]
    u = measure(chain + agreed, VOTERS)
    assert (u.places, u.disputed) == (10, 1) and u.score == pytest.approx(1 / 11)
    # One dispute in an article of one place is less than ten in an article of twelve.
    one = measure([rule(0, 5, "PER")], VOTERS)
    disputes = [rule(i * 10, i * 10 + 5, "PER") for i in range(10)]
    ten = measure(disputes + agreed[:4], VOTERS)
    assert (ten.places, ten.disputed) == (12, 10) and ten.score > one.score == 0.5


def test_only_voters_count_and_decisions_settle_what_they_cover() -> None:
    # The memory repeats the researcher's decisions: it is no voter.
    assert measure([Candidate(0, 5, "PER", "memory", 1.0)], VOTERS).places == 0
    cands = [rule(0, 5, "PER"), rule(10, 15, "ORG"), model(20, 25, "LOC")]
    assert measure(cands, VOTERS).disputed == 3
    decided = [Decided(0, 8, "PER", True), Decided(10, 15, "ORG", False)]
    u = measure(cands, VOTERS, decided)
    assert (u.places, u.disputed) == (1, 1)  # the accepted span and the rejected one settle
    # A rejection of another label leaves the candidate in play.
    assert measure(cands, VOTERS, [Decided(10, 15, "PER", False)]).disputed == 3


def test_one_voter_cannot_disagree_with_itself() -> None:
    alone = {"rules": None}
    u = measure([rule(0, 5, "PER", 0.6), rule(0, 5, "ORG", 0.5), rule(3, 9, "LOC")], alone)
    assert (u.places, u.disputed) == (1, 0)
    assert u.score == pytest.approx((1 - 0.9) / 2)  # its best score there


def test_a_voter_is_named_by_the_origins_family() -> None:
    assert [voter_of(o) for o in ("rules:title", "model", "xx_ent_wiki_sm")] == [
        "rules",
        "model",
        "xx_ent_wiki_sm",
    ]
