"""Merging other projects and Sorot JSONL exports into a project, with real project files."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import pytest

from annotation.io.export import export
from annotation.io.importer import import_paths
from annotation.model import ArticleStatus, content_hash
from annotation.project import db as dbmod
from annotation.project.commands import (
    AddEntity,
    AddRelation,
    CommandStack,
    RejectEntity,
    RejectRelation,
    SetArticleStatus,
)
from annotation.project.identity import project_id
from annotation.project.store import Store, entity_row
from annotation.team.merge import MergeError, merge, provenance
from cli import merge as cli_merge

A1 = "Retno Marsudi bertemu Wang Yi di Beijing.\nKedua menteri membahas kerja sama Asia."
A2 = "Prabowo Subianto mengunjungi Tokyo pada Senin.\nIa bertemu Fumio Kishida di sana."
B_ONLY = "Joko Widodo menerima Anthony Albanese di Bogor.\nMereka membahas iklim dan dagang."

# Per article: four entities to add (phrase, label), of which the last is rejected again;
# a suggestion the annotator rejects and one left undecided; a MEETS relation between the
# first two entities, and a VISITS one from the second to the third, rejected; the status.
WORK = {
    A1: (
        [("Retno Marsudi", "PER"), ("Wang Yi", "PER"), ("Beijing", "GPE"), ("Asia", "LOC")],
        ("Kedua", "PER"),
        ("menteri", "ROLE"),
        ArticleStatus.DONE,
    ),
    A2: (
        [
            ("Prabowo Subianto", "PER"),
            ("Fumio Kishida", "PER"),
            ("Tokyo", "GPE"),
            ("Senin", "DATE"),
        ],
        ("Ia", "PER"),
        ("sana", "LOC"),
        ArticleStatus.IN_PROGRESS,
    ),
    B_ONLY: (
        [("Joko Widodo", "PER"), ("Anthony Albanese", "PER"), ("Bogor", "GPE"), ("iklim", "EVENT")],
        ("Mereka", "PER"),
        ("dagang", "ORG"),
        ArticleStatus.DONE,
    ),
}


def write_articles(folder: Path, texts: list[str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for text in texts:
        path = folder / f"{content_hash(text)[:8]}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def annotate(store: Store, who: str, text: str, skip_rejections: bool = False) -> None:
    """The annotator's decisions on one article, made through commands."""
    entities, rejected_suggestion, open_suggestion, status = WORK[text]
    article_id = store.article_id_for_hash(content_hash(text))
    with store.transaction() as tx:
        for phrase, label in (rejected_suggestion, open_suggestion):
            tx.insert(
                "entities",
                entity_row(article_id, *at(text, phrase), label, "suggested", "model", None),
            )
    stack = CommandStack(store, who)
    ids = [
        stack.do(AddEntity(article_id, *at(text, phrase), label)).entity_id
        for phrase, label in entities
    ]
    stack.do(AddRelation(ids[0], ids[1], "MEETS"))
    if not skip_rejections:
        rel = stack.do(AddRelation(ids[1], ids[2], "VISITS"))
        stack.do(RejectRelation(rel.relation_id))
        stack.do(RejectEntity(ids[-1]))
        suggestion = next(
            e
            for e in store.entities(article_id, ("suggested",))
            if text[e.start : e.end] == rejected_suggestion[0]
        )
        stack.do(RejectEntity(suggestion.id))
    stack.do(SetArticleStatus(article_id, status))


def make_project(
    path: Path, folder: Path, texts: list[str], who: str | None, skip_rejections: bool = False
) -> Path:
    with Store.create(path) as store:
        import_paths(store, write_articles(folder, texts), fmt="txt", annotator=who or "x")
        if who is not None:
            for text in texts:
                annotate(store, who, text, skip_rejections)
    return path


def decisions(
    store: Store,
    who: str,
    statuses: tuple[str, ...] = ("accepted", "rejected"),
) -> tuple[set, set, set]:
    """The annotator's entities, relations and article statuses, by article text."""
    db, marks = store.db, ", ".join("?" * len(statuses))
    entities = set(
        db.execute(
            'SELECT a.hash, e.start, e."end", e.label, e.status, e.origin FROM entities e '
            "JOIN articles a ON a.id = e.article_id "
            f"WHERE e.annotator = ? AND e.status IN ({marks})",
            (who, *statuses),
        )
    )
    relations = set(
        db.execute(
            'SELECT a.hash, h.start, h."end", c.start, c."end", r.label, r.status FROM relations r '
            "JOIN articles a ON a.id = r.article_id JOIN entities h ON h.id = r.head "
            "JOIN entities c ON c.id = r.child "
            f"WHERE r.annotator = ? AND r.status IN ({marks})",
            (who, *statuses),
        )
    )
    article_statuses = set(
        db.execute(
            "SELECT a.hash, s.status FROM article_status s JOIN articles a ON a.id = s.article_id "
            "WHERE s.annotator = ?",
            (who,),
        )
    )
    return entities, relations, article_statuses


def dump(path: Path) -> dict[str, list]:
    """Every row of every table (but the search index's), to compare whole projects."""
    with Store.open(path, readonly=True) as store:
        tables = [
            r[0]
            for r in store.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'articles_fts%' ORDER BY name"
            )
        ]
        return {
            t: sorted(store.db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def projects(tmp_path: Path) -> dict[str, Path]:
    """Ana's and Budi's projects of the same articles (Budi has one more), and a reviewer's."""
    texts = tmp_path / "texts"
    return {
        "ana": make_project(tmp_path / "ana.sorot", texts, [A1, A2], "ana"),
        "budi": make_project(tmp_path / "budi.sorot", texts, [A1, A2, B_ONLY], "budi"),
        "review": make_project(tmp_path / "review.sorot", texts, [A1, A2], None),
    }


def test_merge_brings_each_annotators_decisions(projects: dict[str, Path]) -> None:
    with Store.open(projects["review"]) as review:
        suggestions = review.db.execute("SELECT count(*) FROM entities").fetchone()[0]
        report = merge(review, [projects["ana"], projects["budi"]], annotator="rev")
        assert report.ok, report.summary()
        for who in ("ana", "budi"):
            with Store.open(projects[who], readonly=True) as source:
                expected = decisions(source, who)
                assert decisions(review, who) == expected
        assert len(expected[0]) == 3 * 5 and len(expected[1]) == 3 * 2  # budi: 3 articles
        assert {s for s in expected[0] if s[4] == "rejected"} and {
            r for r in expected[1] if r[6] == "rejected"
        }
        # Suggestions are nobody's decisions: none was merged.
        assert (
            review.db.execute(
                "SELECT count(*) FROM entities WHERE annotator IS NULL OR status = 'suggested'"
            ).fetchone()[0]
            == suggestions
        )
        # The article only Budi had is added, with its tokens, title and source.
        article_id = review.article_id_for_hash(content_hash(B_ONLY))
        article = review.article(article_id)
        assert article.title == B_ONLY.splitlines()[0] and article.source.endswith(".txt")
        assert review.tokens(article_id)
        ana, budi = report.sources
        assert (ana.articles, ana.entities, ana.relations, ana.statuses) == (0, 10, 4, 2)
        assert (budi.articles, budi.entities, budi.relations, budi.statuses) == (1, 15, 6, 3)
        assert ana.annotators == ["ana"] and ana.kind == "project" and not ana.clashes
        # Provenance: which file, which annotator.
        entity_id = review.db.execute(
            "SELECT id FROM entities WHERE annotator = 'ana' LIMIT 1"
        ).fetchone()[0]
        assert provenance(review, "entity", entity_id) == (str(projects["ana"]), "ana")
        relation_id = review.db.execute(
            "SELECT id FROM relations WHERE annotator = 'budi' LIMIT 1"
        ).fetchone()[0]
        assert provenance(review, "relation", relation_id) == (str(projects["budi"]), "budi")
        assert provenance(review, "article", article_id) == (str(projects["budi"]), None)
        assert provenance(review, "article", review.article_id_for_hash(content_hash(A1))) is None
        origins = dict(review.db.execute("SELECT name, project_id FROM annotator_origins"))
        with Store.open(projects["ana"], readonly=True) as source:
            assert origins["ana"] == project_id(source)
        events = review.db.execute(
            "SELECT annotator, kind, label FROM events WHERE kind = 'merge'"
        ).fetchall()
        assert [e[:2] for e in events] == [("rev", "merge")] * 2
        assert events[1][2] == "Merge budi.sorot: 1 article, 15 entities, 6 relations added"


def test_merging_again_changes_nothing(projects: dict[str, Path]) -> None:
    sources = [projects["ana"], projects["budi"]]
    with Store.open(projects["review"]) as review:
        merge(review, sources)
    before = dump(projects["review"])
    with Store.open(projects["review"]) as review:
        report = merge(review, sources)
    assert report.ok and [s.merge_id for s in report.sources] == [None, None]
    assert report.summary().splitlines() == [f"{s}: nothing new" for s in sources]
    assert dump(projects["review"]) == before


def test_source_files_are_never_modified(projects: dict[str, Path]) -> None:
    hashes = {p: file_hash(p) for p in (projects["ana"], projects["budi"])}
    with Store.open(projects["review"]) as review:
        merge(review, list(hashes))
    assert {p: file_hash(p) for p in hashes} == hashes


def test_a_jsonl_export_merges_as_its_project_does(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    with Store.open(projects["ana"], readonly=True) as ana:
        export(ana, tmp_path / "ana.jsonl")
        ana_id = project_id(ana)
    first = tmp_path / "first.sorot"
    first.write_bytes(projects["review"].read_bytes())
    with Store.open(first) as by_jsonl:
        report = merge(by_jsonl, [tmp_path / "ana.jsonl"])
        assert report.ok, report.summary()
        assert report.sources[0].kind == "jsonl" and report.sources[0].source_id == ana_id
    with Store.open(projects["review"]) as by_project:
        merge(by_project, [projects["ana"]])
    # An export holds accepted work only: that, and the article statuses, are the same.
    with Store.open(first) as by_jsonl, Store.open(projects["review"]) as by_project:
        assert decisions(by_jsonl, "ana", ("accepted",)) == decisions(
            by_project, "ana", ("accepted",)
        )
        assert decisions(by_jsonl, "ana", ("rejected",))[:2] == (set(), set())
        # The records carry ana's project id: the same annotator, so merging the project
        # itself now joins her work and adds only the rejections.
        assert dict(by_jsonl.db.execute("SELECT name, project_id FROM annotator_origins")) == {
            "ana": ana_id
        }
        report = merge(by_jsonl, [projects["ana"]])
        assert report.ok and not report.sources[0].clashes
        assert decisions(by_jsonl, "ana") == decisions(by_project, "ana")


def test_export_names_the_project_each_annotators_work_comes_from(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    with Store.open(projects["review"]) as review:
        merge(review, [projects["ana"]])
        stack = CommandStack(review, "rev")
        stack.do(SetArticleStatus(review.article_id_for_hash(content_hash(A1)), "done"))
        export(review, tmp_path / "review.jsonl")
        own = project_id(review)
    with Store.open(projects["ana"], readonly=True) as ana:
        ana_id = project_id(ana)
    records = [json.loads(line) for line in (tmp_path / "review.jsonl").read_text().splitlines()]
    assert {(r["_annotator_id"], r["_project_id"]) for r in records} == {
        ("ana", ana_id),
        ("rev", own),
    }


def test_a_namesake_from_another_project_clashes(projects: dict[str, Path], tmp_path: Path) -> None:
    other = make_project(
        tmp_path / "other.sorot", tmp_path / "texts", [A1], "ana", skip_rejections=True
    )
    with Store.open(projects["review"]) as review:
        merge(review, [projects["ana"]])
        before = decisions(review, "ana")
        report = merge(review, [other])
        assert not report.ok and report.sources[0].merge_id is None
        [clash] = report.sources[0].clashes
        assert str(other) in clash and "'ana'" in clash and "--rename ana=NEW" in clash
        assert decisions(review, "ana") == before
        # Renamed, it is merged under the new name, and that name is remembered.
        report = merge(review, [other], {"ana": "ana_lain"})
        assert report.ok and report.sources[0].renamed == {"ana": "ana_lain"}
        assert "(from ana as ana_lain)" in report.sources[0].summary()
        with Store.open(other, readonly=True) as source:
            assert decisions(review, "ana_lain") == decisions(source, "ana")
            assert review.db.execute(
                "SELECT project_id, source_name FROM annotator_origins WHERE name = 'ana_lain'"
            ).fetchone() == (project_id(source), "ana")
        assert decisions(review, "ana") == before
        again = merge(review, [other])
        assert again.ok and again.sources[0].merge_id is None


def test_a_local_annotator_clashes_with_a_namesake(projects: dict[str, Path]) -> None:
    with Store.open(projects["review"]) as review:
        article_id = review.article_id_for_hash(content_hash(A1))
        CommandStack(review, "ana").do(SetArticleStatus(article_id, "skipped"))
        report = merge(review, [projects["ana"]])
        assert len(report.sources[0].clashes) == 1
        assert decisions(review, "ana")[0] == set()


def test_sources_that_are_not_projects_or_exports_are_refused(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    before = dump(projects["review"])
    text = tmp_path / "notes.txt"
    text.write_text("Sekadar catatan.\n", encoding="utf-8")
    other_db = tmp_path / "other.db"
    dbmod.Database(other_db)["t"].insert({"a": 1})
    for bad, says in (
        (text, "neither a Sorot project nor a Sorot JSONL export"),
        (other_db, "not a Sorot project"),
        (tmp_path / "missing.sorot", "no such file"),
        (projects["review"], "is the project being merged into"),
    ):
        with (
            Store.open(projects["review"]) as review,
            pytest.raises(MergeError, match=says) as caught,
        ):
            merge(review, [projects["ana"], bad])
        assert str(bad) in str(caught.value)
    assert dump(projects["review"]) == before


def test_bad_jsonl_records_are_reported_by_line_and_the_rest_merged(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    with Store.open(projects["ana"], readonly=True) as ana:
        export(ana, tmp_path / "ana.jsonl")
    good = (tmp_path / "ana.jsonl").read_text(encoding="utf-8").splitlines()
    dangling = json.loads(good[1])
    dangling["relations"][0]["head_span"] = {"start": 0, "end": 3}
    nameless = json.loads(good[0])
    del nameless["_annotator_id"]
    del nameless["meta"]["annotator"]
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join([good[0], "{broken", json.dumps(nameless), json.dumps(dangling)]) + "\n",
        encoding="utf-8",
    )
    with Store.open(projects["review"]) as review:
        report = merge(review, [path])
        assert not report.ok
        problems = report.sources[0].problems
        assert [p.split(": ")[0] for p in problems] == [f"{path}:2", f"{path}:3", f"{path}:4"]
        assert "invalid JSON" in problems[0] and "names no annotator" in problems[1]
        assert "dangling relation" in problems[2]
        # The good record is merged; the rejected ones are not.
        entities = decisions(review, "ana")[0]
        assert {e[0] for e in entities} == {content_hash(A1)}


def test_a_jsonl_file_without_annotators_is_refused(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"text": A1}) + "\n", encoding="utf-8")
    with (
        Store.open(projects["review"]) as review,
        pytest.raises(MergeError, match="not a Sorot JSONL export"),
    ):
        merge(review, [path])


def test_a_failure_mid_merge_leaves_the_project_as_it_was(projects: dict[str, Path]) -> None:
    before = dump(projects["review"])

    def stop(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with Store.open(projects["review"]) as review, pytest.raises(KeyboardInterrupt):
        merge(review, [projects["ana"], projects["budi"]], progress=stop)
    assert dump(projects["review"]) == before


def test_labels_the_schema_lacks_are_reported(projects: dict[str, Path]) -> None:
    with Store.open(projects["review"]) as review:
        schema = review.schema.to_dict()
        schema["entities"] = [e for e in schema["entities"] if e["name"] != "DATE"]
        with review.transaction() as tx:
            tx.update("meta", ("schema",), value=json.dumps(schema))
        report = merge(review, [projects["ana"]])
        [problem] = report.sources[0].problems
        assert "1 item with the entity label 'DATE'" in problem
        assert {e[3] for e in decisions(review, "ana")[0]} == {"PER", "GPE", "LOC"}


def old_project(path: Path, article: str, who: str | None = None) -> Path:
    """A project file as Sorot wrote it before m004 (format 3)."""
    db = dbmod.Database(path)
    db.execute(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    dbmod.migrations.apply(db, stop_before="m004_merges")
    db.execute("PRAGMA user_version = 3")
    with db.atomic():
        db["meta"].insert({"key": "schema", "value": Store.memory().schema.to_json()})
        db.execute(
            "INSERT INTO articles (hash, title, text, created) VALUES (?, 'T', ?, 'now')",
            (content_hash(article), article),
        )
        db.execute("INSERT INTO tokens (article_id, data) VALUES (1, x'')")
        if who:
            db.execute(
                'INSERT INTO entities (article_id, start, "end", label, status, origin, '
                "annotator, created, updated) VALUES (1, 0, 5, 'PER', 'accepted', "
                "'human', ?, 'now', 'now')",
                (who,),
            )
    db.close()
    return path


def test_migration_gives_an_older_project_an_id(tmp_path: Path) -> None:
    path = old_project(tmp_path / "old.sorot", A1)
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == dbmod.SCHEMA_VERSION
        first = project_id(store)
        assert len(first) == 32 and int(first, 16) >= 0
        assert {"merges", "merged_items", "annotator_origins"} <= set(store.db.table_names())
    with Store.open(path) as store:
        assert project_id(store) == first  # given once, kept
    with Store.create(tmp_path / "new.sorot") as new:
        assert project_id(new) not in ("", first)


def test_an_older_project_is_merged_without_being_upgraded(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    path = old_project(tmp_path / "old.sorot", B_ONLY, who="lama")
    before = file_hash(path)
    with Store.open(projects["review"]) as review:
        report = merge(review, [path])
        assert report.ok and report.sources[0].source_id == before
        assert report.sources[0].entities == 1 and report.sources[0].articles == 1
        assert review.tokens(review.article_id_for_hash(content_hash(B_ONLY)))
    assert file_hash(path) == before
    with Store.open(projects["review"]) as review:
        assert merge(review, [path]).sources[0].merge_id is None


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli_merge.add_parsers(parser.add_subparsers(dest="command"))
    return cli_merge.merge(parser.parse_args(argv), "rev")


def test_cli(projects: dict[str, Path], tmp_path: Path, capsys) -> None:
    review, ana = str(projects["review"]), str(projects["ana"])
    assert run_cli(["merge", review, ana]) == cli_merge.EXIT_OK
    out = capsys.readouterr().out
    assert (
        out == f"{ana}: added 0 articles, 10 entities, 4 relations, 2 article statuses (from ana)\n"
    )
    other = make_project(
        tmp_path / "other.sorot", tmp_path / "texts", [A1], "ana", skip_rejections=True
    )
    assert run_cli(["merge", review, str(other)]) == cli_merge.EXIT_REJECTED
    captured = capsys.readouterr()
    assert "--rename ana=NEW" in captured.err and "nothing new" in captured.out
    assert run_cli(["merge", review, str(other), "--rename", "ana=ana2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["sources"][0]["annotators"] == ["ana2"]
    assert run_cli(["merge", review, str(tmp_path / "texts")]) == cli_merge.EXIT_ERROR
    assert "is a folder" in capsys.readouterr().err
    assert run_cli(["merge", review, ana, "--rename", "ana"]) == cli_merge.EXIT_USAGE
    assert run_cli(["merge", review, ana, "--rename", "nobody=x"]) == cli_merge.EXIT_OK
    assert "no source has an annotator 'nobody'" in capsys.readouterr().err


def test_a_newer_copy_adds_new_work_and_newer_statuses(projects: dict[str, Path]) -> None:
    with Store.open(projects["review"]) as review:
        merge(review, [projects["ana"]])
    with Store.open(projects["ana"]) as ana:
        article_id = ana.article_id_for_hash(content_hash(A2))
        stack = CommandStack(ana, "ana")
        stack.do(SetArticleStatus(article_id, ArticleStatus.DONE))
        stack.do(AddEntity(article_id, *at(A2, "Ia"), "PER"))
        expected = decisions(ana, "ana")
    with Store.open(projects["review"]) as review:
        report = merge(review, [projects["ana"]])
        assert report.ok and not report.sources[0].clashes
        assert (report.sources[0].entities, report.sources[0].statuses) == (1, 1)
        assert decisions(review, "ana") == expected
