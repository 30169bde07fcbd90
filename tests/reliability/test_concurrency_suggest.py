"""Suggesting while the researcher edits (#14, defect 7): the suggestions a run stores never
overlap an entity accepted while it ran, never link an entity deleted meanwhile, and an
article deleted meanwhile is skipped: no IntegrityError, whichever process suggests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from concurrency_support import ROOT, count, finish, healthy, hold_lock, start, text

from annotation.io.importer import import_paths
from annotation.nlp.engine import load_engine
from annotation.project.commands import AddEntity, CommandStack, DeleteEntity
from annotation.project.store import Store
from annotation.suggest.service import suggest_articles

OVERLAPS = """
    SELECT count(*) FROM entities s JOIN entities a ON a.article_id = s.article_id
    WHERE s.status = 'suggested' AND a.status = 'accepted'
    AND s.start < a."end" AND a.start < s."end"
"""


def overlaps(store: Store) -> int:
    """Suggestions overlapping an accepted entity: the invariant says none."""
    return store.db.execute(OVERLAPS).fetchone()[0]


def _imported(tmp_path: Path, count: int) -> Path:
    """A project of `count` news-like articles, imported without suggestions."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:03}.txt").write_text(text(i), encoding="utf-8")
    path = tmp_path / "p.sorot"
    with Store.create(path) as store:
        assert import_paths(store, [folder], annotator="ana").ok
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _imported(tmp_path, 3)


@pytest.fixture(scope="module")
def engine():
    from annotation.schema import default_schema

    return load_engine(default_schema(), ["rules"])


def researcher_edits_while_it_runs(engine, path: Path) -> dict[str, object]:
    """Make the engine's run end with the researcher's edits in the window (its own
    connection to the file), committed between the run and the storing of its results:
    article 1 gets an entity accepted where a suggestion was just made, article 2 loses the
    accepted entity a suggested relation links to, article 3 is deleted."""
    window = Store.open(path)
    stack = CommandStack(window, "ana")
    a1, a2, a3 = window.article_ids()
    body = window.article(a2).text
    name = body.index("Menteri ") + len("Menteri ")
    person = stack.do(AddEntity(a2, name, body.index(" bertemu", name), "PER")).entity_id
    seen: dict[str, object] = {}
    real_run = engine.run

    texts = {window.article(a).text: a for a in (a1, a2, a3)}

    def run(docs, decided):
        results = real_run(docs, decided)
        for doc, result in zip(docs, results):
            article = texts[doc.text]
            if article == a1:
                first = result.entities[0]
                stack.do(AddEntity(a1, first.start, first.end, first.label))
            elif article == a2:
                seen["linked"] = any(
                    len(result.entities) in (r.head, r.child) for r in result.relations
                )
                stack.do(DeleteEntity(person))
            else:
                with window.transaction():
                    window.db.execute("DELETE FROM articles WHERE id = ?", (a3,))
        return results

    engine.run = run
    seen["close"] = lambda: (setattr(engine, "run", real_run), window.close())
    return seen


def test_suggest_stores_nothing_stale_when_the_article_changed_meanwhile(
    project: Path, engine
) -> None:
    seen = researcher_edits_while_it_runs(engine, project)
    try:
        with Store.open(project) as store:
            report = suggest_articles(store, engine, store.article_ids())
            assert seen["linked"]
            assert overlaps(store) == 0
            assert report.gone == 1 and report.stale >= 2 and report.articles == 2
            assert "deleted meanwhile" in report.summary()
            a1, a2 = store.article_ids()
            assert store.entities(a1, ("suggested",)) and store.entities(a2, ("suggested",))
    finally:
        seen["close"]()
    healthy(project)


def test_the_window_worker_stores_nothing_stale(project: Path, engine, monkeypatch) -> None:
    """The window's suggestion worker suggests the opened article with the same code."""
    from annotation.settings import Settings
    from annotation.suggest import service as suggest
    from annotation.suggest.worker import _Worker

    monkeypatch.setattr(suggest, "engine_from_settings", lambda *a, **k: engine)
    reports: list[tuple] = []

    class Reports:
        def put(self, report: tuple) -> None:
            reports.append(report)

    worker = _Worker(str(project), vars(Settings()), False, Reports())
    seen = researcher_edits_while_it_runs(engine, project)
    try:
        worker.sync = suggest.MemorySync(worker.store, engine)
        for article_id in worker.store.article_ids():
            worker._handle("open", article_id)
        assert not [r for r in reports if r[0] == "problem"], reports
        assert overlaps(worker.store) == 0
    finally:
        seen["close"]()
        worker.store.close()
    healthy(project)


def test_a_run_stopped_by_another_writer_keeps_and_reports_what_it_committed(
    project: Path, engine, monkeypatch
) -> None:
    """Exit code 1 says nothing was changed: a run that committed batches before another
    process kept the lock reports what it did and what is left (sorot suggest: exit 3)."""
    from annotation.project import db as dbmod

    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_S", 0.5)
    holders = []
    real_run = engine.run

    def run(docs, decided):
        if len(holders) == 1:  # the second batch: another process writes meanwhile
            holders.append(hold_lock(project, 30.0, what="import"))
        else:
            holders.append(None)
        return real_run(docs, decided)

    monkeypatch.setattr(engine, "run", run)
    try:
        with Store.open(project) as store:
            report = suggest_articles(store, engine, store.article_ids(), batch_size=1)
    finally:
        for holder in holders:
            if holder is not None:
                holder.kill()
                holder.wait()
    assert report.articles == 1 and report.left == 2
    assert f"(PID {holders[1].pid}, sorot import since" in report.stopped
    assert "stopped with 2 articles to go" in report.summary()
    assert count(project, "suggested") == 1
    healthy(project)


EDITOR = """
import random, sys, time
from pathlib import Path
from annotation.project.commands import AddEntity, CommandError, CommandStack
from annotation.project.store import Store
path, stop = Path(sys.argv[1]), Path(sys.argv[2])
rng = random.Random(7)
with Store.open(path) as store:
    stack = CommandStack(store, "ana")
    deleted = 0
    while not stop.exists():
        ids = store.article_ids()
        article = rng.choice(ids)
        if rng.random() < 0.1 and deleted < 10:
            with store.transaction():
                store.db.execute("DELETE FROM articles WHERE id = ?", (article,))
            deleted += 1
            continue
        for e in store.entities(article, ("suggested",))[:2]:
            try:
                stack.do(AddEntity(article, e.start, e.end, e.label))
            except CommandError:
                pass
        start = rng.randrange(0, 400)
        try:
            stack.do(AddEntity(article, start, start + 30, "ORG"))
        except CommandError:
            pass
        time.sleep(0.01)
print(deleted)
"""


@pytest.mark.slow
def test_sorot_suggest_while_another_process_edits(tmp_path: Path) -> None:
    """`sorot suggest` over 200 articles while another process accepts suggestions, labels
    spans across them and deletes articles, as fast as it can."""
    path = _imported(tmp_path, 200)
    stop = tmp_path / "stop"
    editor = subprocess.Popen(
        [sys.executable, "-c", EDITOR, str(path), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        code, out, err = finish(start("suggest", path, "--source", "rules", "--all"))
    finally:
        stop.touch()
        edited, problems = editor.communicate(timeout=60)
    assert editor.returncode == 0, problems
    assert code == 0, err
    assert "IntegrityError" not in err and "Traceback" not in err
    assert int(edited) > 0 and count(path, "articles") == 200 - int(edited)
    with Store.open(path, readonly=True) as store:
        assert overlaps(store) == 0
        assert count(path, "entities") > count(path, "articles")
    healthy(path)
