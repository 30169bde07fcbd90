"""Adjudication on real project files: differences, the gold layer, undo, the gold export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotation.io.importer import import_paths
from annotation.model import ArticleStatus
from annotation.project import commands as cmd
from annotation.project.commands import CommandStack
from annotation.project.store import Store
from annotation.team import review
from annotation.team.review_export import export_gold
from cli.main import run

TEXT = (
    "Presiden Joko Widodo bertemu Presiden Prancis Emmanuel Macron di Istana Bogor, "
    "Jawa Barat, pada Rabu (13/3/2024). Keduanya membahas kerja sama pertahanan."
)

# What each annotator marks: (surface, label); a surface may be given as (surface, nth).
WORK = {
    "ana": [
        ("Joko Widodo", "PER"),
        ("Prancis", "GPE"),
        ("Emmanuel Macron", "PER"),
        ("Istana Bogor", "LOC"),
        ("Rabu (13/3/2024)", "DATE"),
    ],
    "budi": [
        ("Joko Widodo", "PER"),
        ("Prancis", "LOC"),
        ("Emmanuel Macron", "PER"),
        ("Istana Bogor, Jawa Barat", "LOC"),
    ],
}


def span(surface: str) -> tuple[int, int]:
    start = TEXT.index(surface)
    return start, start + len(surface)


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[Store, int]:
    source = tmp_path / "a.txt"
    source.write_text(TEXT, encoding="utf-8")
    store = Store.create(tmp_path / "r.sorot")
    assert import_paths(store, [source], annotator="ana", title_from="filename").ok
    article = store.article_ids()[0]
    for name, items in WORK.items():
        stack = CommandStack(store, name)
        ids = {}
        for surface, label in items:
            command = cmd.AddEntity(article, *span(surface), label)
            stack.do(command)
            ids[surface] = command.entity_id
        stack.do(cmd.AddRelation(ids["Joko Widodo"], ids["Emmanuel Macron"], "MEETS"))
        stack.do(cmd.SetArticleStatus(article, ArticleStatus.DONE))
    yield store, article
    store.close()


def test_differences_are_found_and_classified(reviewed) -> None:
    store, article = reviewed
    result = review.article_review(store, article, "rev", ["ana", "budi"])
    agreed = {TEXT[g[0].start : g[0].end] for g in result.agreed}
    assert agreed == {"Joko Widodo", "Emmanuel Macron"}
    kinds = {TEXT[d.start : d.end]: d.kind for d in result.differences}
    assert kinds == {
        "Prancis": "label",
        "Istana Bogor, Jawa Barat": "boundary",
        "Rabu (13/3/2024)": "only",
    }
    assert not any(d.settled for d in result.differences)


def test_agreed_items_go_into_gold_in_one_undoable_step(reviewed) -> None:
    store, article = reviewed
    stack = CommandStack(store, "rev")
    assert review.accept_agreed(stack, store, article, ["ana", "budi"]) == 3  # 2 + MEETS
    gold = [e for e in store.entities(article) if e.annotator == "rev"]
    assert {(TEXT[e.start : e.end], e.origin) for e in gold} == {
        ("Joko Widodo", "review:ana+budi"),
        ("Emmanuel Macron", "review:ana+budi"),
    }
    [relation] = [r for r in store.relations(article) if r.annotator == "rev"]
    assert relation.label == "MEETS"
    assert review.accept_agreed(stack, store, article, ["ana", "budi"]) == 0  # idempotent
    stack.undo()
    assert not [e for e in store.entities(article) if e.annotator == "rev"]


def test_taking_versions_and_nothing_here_settle_differences(reviewed) -> None:
    store, article = reviewed
    stack = CommandStack(store, "rev")
    annotators = ["ana", "budi"]

    def open_differences():
        return {
            TEXT[d.start : d.end]: d
            for d in review.article_review(store, article, "rev", annotators).open
        }

    review.take_version(stack, store, open_differences()["Prancis"], "ana")
    review.take_version(stack, store, open_differences()["Istana Bogor, Jawa Barat"], "budi")
    review.take_version(stack, store, open_differences()["Rabu (13/3/2024)"], "budi")
    assert open_differences() == {}
    gold = {
        (TEXT[e.start : e.end], e.label, e.status, e.origin)
        for e in store.entities(article)
        if e.annotator == "rev"
    }
    assert gold == {
        ("Prancis", "GPE", "accepted", "review:ana"),
        ("Istana Bogor, Jawa Barat", "LOC", "accepted", "review:budi"),
        ("Rabu (13/3/2024)", "DATE", "rejected", "review:budi"),
    }
    # The annotators' own work is untouched.
    assert {TEXT[e.start : e.end] for e in store.entities(article) if e.annotator == "ana"} == {
        s for s, _ in WORK["ana"]
    }
    # Changing the mind: another version replaces gold's, and undo brings the first back.
    review.take_version(
        stack,
        store,
        review.article_review(store, article, "rev", annotators).differences[0],
        "budi",
    )
    labels = {
        e.label
        for e in store.entities(article)
        if e.annotator == "rev" and TEXT[e.start : e.end] == "Prancis"
    }
    assert labels == {"LOC"}
    stack.undo()
    labels = {
        e.label
        for e in store.entities(article)
        if e.annotator == "rev" and TEXT[e.start : e.end] == "Prancis"
    }
    assert labels == {"GPE"}


def test_the_gold_export_keeps_who_agreed(reviewed, tmp_path) -> None:
    store, article = reviewed
    stack = CommandStack(store, "rev")
    review.accept_agreed(stack, store, article, ["ana", "budi"])
    d = {
        TEXT[x.start : x.end]: x
        for x in review.article_review(store, article, "rev", ["ana", "budi"]).open
    }
    review.take_version(stack, store, d["Prancis"], "budi")
    stack.do(cmd.SetArticleStatus(article, ArticleStatus.DONE))
    out = tmp_path / "gold.jsonl"
    report = export_gold(store, out, "rev")
    assert report.records == 1
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    versions = {s["text"]: (s["label"], s["versions"]) for s in record["spans"]}
    assert versions == {
        "Joko Widodo": ("PER", ["ana", "budi"]),
        "Prancis": ("LOC", ["budi"]),
        "Emmanuel Macron": ("PER", ["ana", "budi"]),
    }
    [relation] = record["relations"]
    assert (relation["label"], relation["versions"]) == ("MEETS", ["ana", "budi"])
    assert record["_review"] == {"reviewer": "rev", "annotators": ["ana", "budi"]}
    assert record["_annotator_id"] == "rev"


def test_export_gold_from_the_command_line(reviewed, tmp_path, capsys) -> None:
    store, article = reviewed
    stack = CommandStack(store, "rev")
    review.accept_agreed(stack, store, article, ["ana", "budi"])
    stack.do(cmd.SetArticleStatus(article, ArticleStatus.DONE))
    path, out = store.path, tmp_path / "gold.jsonl"
    store.close()
    assert run(["export", str(path), str(out), "--gold", "--reviewer", "rev"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert run(["export", str(path), str(out), "--gold", "--reviewer", "nobody"]) == 1
    assert "no work in this project" in capsys.readouterr().err


def test_review_order_puts_the_most_disagreement_first(reviewed, tmp_path) -> None:
    store, article = reviewed
    calm = store.add_article("Retno Marsudi tiba di Beijing.", title="calm")
    store.db.conn.commit()
    for name in ("ana", "budi"):
        stack = CommandStack(store, name)
        stack.do(cmd.AddEntity(calm, 0, 13, "PER"))
        stack.do(cmd.SetArticleStatus(calm, ArticleStatus.DONE))
    late = store.add_article("Wang Yi menyambut.", title="not done by budi")
    store.db.conn.commit()
    CommandStack(store, "ana").do(cmd.SetArticleStatus(late, ArticleStatus.DONE))
    assert review.review_order(store, ["ana", "budi"]) == [article, calm]
    assert review.review_order(store, ["ana"]) == [article, calm, late]
