"""The keystroke benchmark, run as anyone would run it, on three short articles of our own.

tests/data/keystrokes/gold.jsonl holds three Indonesian news paragraphs whose gold differs
from what the shipped suggesters propose: a wrong entity (a headline read as a person), a
boundary to fix (the headline's "Jokowi Terima Macron" is "Jokowi"), a missing entity
("Macron" in the headline), a wrong relation suggestion, one with the right ends and the
wrong type (the gold has "Amerika Serikat" SANCTIONS "Iran" where the trigger "mengecam"
suggests OPPOSES: T changes it), and missing relations, one of them between ends too far
apart for L without Tab, one whose first type offered is right (Shift on the hint's last
letter).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.model import Entity, Relation
from annotation.schema import default_schema
from annotation.view.spans import TokenIndex
from benchmarks.keystroke_caret import caret_keys, search_keys
from benchmarks.keystroke_plan import (
    Fate,
    RelFate,
    entity_cost,
    list_keys,
    list_search,
    load_gold,
    plan_entities,
    plan_relations,
    resize_path,
    retype_keys,
    type_stage,
)

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "keystrokes" / "gold.jsonl"


@pytest.mark.parametrize("strategy", ["cheapest", "walk"])
def test_the_benchmark_reaches_the_gold_and_counts_sanely(strategy: str, tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "keystrokes.py"),
            str(GOLD),
            "--json",
            "--strategy",
            strategy,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]  # it checks the export against the gold
    f = json.loads(done.stdout)
    assert (f["articles"], f["gold_entities"], f["gold_relations"]) == (3, 41, 26)
    ents, rels = f["entity_suggestions"], f["relation_suggestions"]
    assert ents["right"] + ents["fixed"] + ents["missing"] == 41
    assert ents["fixed"] >= 1 and ents["rejected"] >= 1 and ents["missing"] >= 1, ents
    assert rels["right"] + rels["fixed"] + rels["missing"] == 26
    assert rels["rejected"] >= 1 and rels["fixed"] >= 1 and rels["missing"] >= 1, rels
    a = f["actions"]
    assert a["total"] == a["entities"] + a["relations"] + a["done"] and a["done"] == 3
    assert sum(f["gestures"].values()) == a["total"]
    # Every fix and addition costs at least one action; nothing costs absurdly many.
    assert ents["fixed"] + ents["rejected"] + 2 * ents["missing"] <= a["entities"] <= 2 * 41
    assert 2 * rels["missing"] + 2 * rels["fixed"] <= a["relations"] <= 5 * 26
    gestures = f["gestures"]
    assert gestures.get("entity resize") and gestures.get("entity label")
    # The entity the suggestions missed is drawn by keys: no mouse for entities at all.
    assert (
        gestures.get("entity gap", 0)
        + gestures.get("entity caret word", 0)
        + gestures.get("entity find", 0)
        >= 1
    )
    assert f["mouse_actions"]["entity"] == 0
    assert not any(
        g.startswith("entity ") and g.split(" ", 1)[1] in ("click", "drag", "alt-drag", "scroll")
        for g in gestures
    )
    assert gestures.get("relation reject") and gestures.get("relation T") == rels["fixed"]
    if strategy == "walk":
        assert f["strategies"] == {"walk": 3} and "entity accept all" not in gestures
        assert gestures.get("relation accept") == rels["right"]
        assert gestures.get("link hint+type")  # Shift on the last letter: the first type


def test_resize_path_shrinks_first_and_gives_up_past_its_limit() -> None:
    text = "Jokowi Terima Macron di Bogor"
    tokens = TokenIndex([0, 7, 14, 21, 24], [6, 13, 20, 23, 29], text)
    assert resize_path(tokens, (0, 20), (0, 6), 3) == (("end", -1), ("end", -1))
    assert resize_path(tokens, (7, 13), (0, 20), 3) == (("start", -1), ("end", 1))
    assert resize_path(tokens, (0, 29), (24, 29), 3) is None  # four keys
    assert resize_path(tokens, (0, 6), (1, 6), 3) is None  # not on a token edge


class _Suggestion:
    def __init__(self, id: int, start: int, end: int, label: str) -> None:
        self.id, self.start, self.end, self.label = id, start, end, label


def test_plan_entities_keeps_exact_spans_fixes_near_ones_and_rejects_the_rest() -> None:
    text = "Jokowi Terima Macron di Bogor"
    tokens = TokenIndex([0, 7, 14, 21, 24], [6, 13, 20, 23, 29], text)
    gold = [(0, 6, "PER"), (14, 20, "PER"), (24, 29, "GPE")]
    suggestions = [
        _Suggestion(1, 0, 20, "PER"),
        _Suggestion(2, 24, 29, "LOC"),
        _Suggestion(3, 21, 23, "ORG"),
    ]
    fates = plan_entities(suggestions, gold, tokens, 3)
    assert fates[1] == Fate(0, (("end", -1), ("end", -1)))  # the cheapest, leftmost first
    assert fates[2] == Fate(2, (), "GPE") and fates[2].kind == "fixed"
    assert fates[3].kind == "rejected"
    assert entity_cost(fates, "walk") == 3 + 2 + 1
    assert entity_cost(fates, "accept-all") == 1 + 3 + 2 + 2


def test_the_gold_file_of_this_test_reads_back() -> None:
    golds = load_gold(GOLD)
    assert [len(g.spans) for g in golds] == [12, 14, 15]
    for g in golds:
        assert all(g.text[s:e] for s, e, _ in g.spans)
        assert all(0 <= h < len(g.spans) and 0 <= c < len(g.spans) for h, c, _ in g.relations)


def _entity(id: int, text: str, surface: str, label: str, nth: int = 0) -> Entity:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Entity(id, 1, start, start + len(surface), label)


def test_a_suggestion_with_the_right_ends_is_changed_by_t_not_rejected() -> None:
    schema = default_schema()
    text = "Amerika Serikat mengecam Iran dan menjatuhkan sanksi baru."
    us, iran = _entity(1, text, "Amerika Serikat", "GPE"), _entity(2, text, "Iran", "GPE")
    suggested = Relation(7, 1, 1, 2, "OPPOSES")
    fates = {1: Fate(0), 2: Fate(1)}
    rel_fates = plan_relations(schema, [suggested], fates, [(0, 1, "SANCTIONS")])
    assert rel_fates == {7: RelFate((0, 1, "SANCTIONS"), "fixed")}
    keys = retype_keys(schema, suggested, us, iran, text, {}, (1, 2, "SANCTIONS"))
    assert keys[0] == ("T", "T") and len(keys) == 2  # "sanksi" just after: ranked first
    turned = retype_keys(schema, suggested, us, iran, text, {}, (2, 1, "OPPOSES"))
    assert turned[:2] == [("T", "T"), ("flip", "Tab")]
    assert plan_relations(
        schema, [suggested], {1: Fate(0), 2: Fate(None)}, [(0, 1, "SANCTIONS")]
    ) == {7: RelFate(None, "rejected")}


def test_shift_takes_the_first_type_and_the_dialog_list_jumps_by_letters() -> None:
    schema = default_schema()
    forward = [(1, 2, "MEETS"), (1, 2, "COOPERATES_WITH"), (1, 2, "SUPPORTS")]
    backward = [(2, 1, "SUPPORTS")]
    assert type_stage(schema, forward, backward, (1, 2, "MEETS")) == (True, [])
    assert type_stage(schema, forward, backward, (1, 2, "SUPPORTS")) == (
        False,
        [("type number", "3")],
    )
    assert type_stage(schema, forward, backward, (2, 1, "SUPPORTS")) == (
        False,
        [("flip", "Tab"), ("type first", "Return")],
    )
    rows = ["MEETS  —", "COOPERATES_WITH  —", "SUPPORTS  →", "SANCTIONS  →", "SUPPORTS  ←"]
    assert list_search(rows, 0, "s") == 2 and list_search(rows, 0, "ss") == 2  # no stepping
    assert list_search(rows, 0, "sa") == 3 and list_search(rows, 2, "s") == 3
    assert list_keys(rows, 0, 1) == [("list key", "Down")]
    assert list_keys(rows, 0, 3) == [("list letters", "s"), ("list letters", "a")]


def _tokens(text: str) -> TokenIndex:
    from annotation.nlp.tokens import decode, tokenize

    starts, ends = decode(next(tokenize([text])))
    return TokenIndex(starts, ends, text)


def test_the_caret_plan_takes_the_fewest_of_arrows_gaps_and_resize_keys() -> None:
    from annotation.view.caret import article_bounds

    text = "Jokowi Terima Macron\n\nPresiden Joko Widodo menerima Emmanuel Macron di Bogor."
    tokens = _tokens(text)
    bounds = article_bounds(text, tokens)
    joko = (text.index("Joko "), text.index(" menerima"))

    def plan(target, origin=None, is_caret=False, covered=()):
        keys = caret_keys(text, tokens, bounds, list(covered), origin, is_caret, (0, 6), target)
        return [k for _, k in keys] if keys is not None else None

    macron = (14, 20)
    assert plan(macron) == ["ctrl+Left", "Left"]  # the last sentence, the word before
    assert plan(macron, origin=(7, 13), is_caret=True) == ["Right"]
    # From a current entity the first key must move: Shift+arrows would resize the entity.
    assert plan((0, 13), origin=(0, 6), is_caret=False) == ["Right", "ctrl+shift+Left"]
    assert plan((0, 13), origin=(0, 6), is_caret=True) == ["shift+Right"]
    assert plan(joko, covered=[(0, 20)]) == ["ctrl+Left", "N"]  # "Presiden" is a gap of its own
    bogor = (text.index("Bogor"), text.index("Bogor") + 5)
    assert plan(bogor, origin=joko, covered=[joko], is_caret=True) == ["N", "N"]
    assert plan((0, 20), origin=bogor, covered=[joko], is_caret=True) == ["N"]  # wraps round
    assert plan((1, 5)) is None  # not whole tokens: the caret cannot


def test_find_types_the_text_and_steps_to_the_match_from_the_caret() -> None:
    text = "Macron bertemu macron, lalu MACRON pulang."
    third = (28, 34)
    keys = search_keys(text, third, None)
    assert keys[0] == ("find", "/") and keys[-1] == ("find close", "Escape")
    assert "".join(k for g, k in keys if g == "find type") == "MACRON"
    assert [k for g, k in keys if g == "find next"] == ["shift+Return"]  # back round is nearer
    assert [k for g, k in search_keys(text, third, (15, 21)) if g == "find next"] == ["Return"]
    assert search_keys(text, (1, 4), None)[1:4] == [("find type", c) for c in "acr"]
