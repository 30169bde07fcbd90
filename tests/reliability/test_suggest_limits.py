"""An article over the limit is never given to spaCy (#14): suggesting for one of 2,000,001
characters would take many gigabytes. Import refuses such articles, but a project from an
older Sorot, or one made by hand, can hold one; it is skipped and named, the others go on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotation.limits import MAX_ARTICLE_CHARS
from annotation.nlp.engine import load_engine
from annotation.nlp.tokens import tokenize
from annotation.project.store import Store
from annotation.schema import default_schema
from annotation.suggest.service import TooLong, ensure_suggested, pending, suggest_articles

ROOT = Path(__file__).resolve().parents[2]
SHORT = "Presiden Joko Widodo bertemu Menteri Retno Marsudi di Jakarta pada Senin."
LONG_TITLE = "Laporan tahunan"


@pytest.fixture(scope="module")
def engine():
    return load_engine(default_schema(), ["rules"])


def make_project(path: Path, long_chars: int = MAX_ARTICLE_CHARS + 1) -> tuple[int, int, int]:
    """A project holding a short article, one of `long_chars` characters (added through the
    store, which, unlike import, takes any length) and another short one; their ids."""
    body = (SHORT + " ") * (long_chars // (len(SHORT) + 1) + 1)
    long_text = (LONG_TITLE + "\n" + body)[:long_chars]
    ids = []
    with Store.create(path) as store:
        for text, title in [(SHORT, "Satu"), (long_text, LONG_TITLE), (SHORT + " Dua", "Dua")]:
            tokens = next(tokenize([text])) if len(text) < 1000 else b""
            with store.transaction():
                ids.append(store.add_article(text, title, tokens=tokens))
    return ids[0], ids[1], ids[2]


def test_pending_leaves_out_an_article_over_the_limit(tmp_path: Path, engine) -> None:
    short, long, other = make_project(tmp_path / "p.sorot")
    with Store.open(tmp_path / "p.sorot") as store:
        skipped: list[TooLong] = []
        assert pending(store, engine, too_long=skipped) == [short, other]
        assert skipped == [TooLong(long, LONG_TITLE, MAX_ARTICLE_CHARS + 1)]
        assert skipped[0].message() == (
            f"article {long} (Laporan tahunan): 2,000,001 "
            "characters, over the limit of 2,000,000; not suggested"
        )
        assert pending(store, engine, [long]) == []
        # Opening it in the window asks for its suggestions: none are made.
        assert not ensure_suggested(store, engine, long)
        # At the limit itself, an article is suggested as any other.
        assert pending(store, engine, max_chars=MAX_ARTICLE_CHARS + 1) == [short, long, other]


def test_suggesting_named_articles_skips_the_long_one(tmp_path: Path, engine) -> None:
    """`sorot suggest --articles` and `--all` name articles outright: the long one is
    skipped there too, reported, and the others get their suggestions."""
    short, long, other = make_project(tmp_path / "p.sorot", long_chars=5_000)
    with Store.open(tmp_path / "p.sorot") as store:
        report = suggest_articles(
            store, engine, [short, long, other], batch_size=2, max_chars=4_000
        )
        assert report.articles == 2 and report.too_long == [TooLong(long, LONG_TITLE, 5_000, 4_000)]
        assert "1 articles over the limit of 4,000 characters not suggested" in report.summary()
        found = {a for (a,) in store.db.execute("SELECT article_id FROM suggested")}
        assert found == {short, other}
        assert store.entities(long, ("suggested",)) == []


@pytest.mark.parametrize("args", [[], ["--all"], ["--articles", "1", "2", "3"]])
def test_sorot_suggest_names_the_article_over_the_limit(tmp_path: Path, args) -> None:
    short, long, other = make_project(tmp_path / "p.sorot")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "--annotator",
            "ana",
            "suggest",
            str(tmp_path / "p.sorot"),
            "--source",
            "rules",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "not suggested" in line]
    assert lines == [
        f"sorot: warning: article {long} (Laporan tahunan): 2,000,001 "
        "characters, over the limit of 2,000,000; not suggested"
    ]
    assert "in 2 articles" in done.stdout, done.stdout
    with Store.open(tmp_path / "p.sorot", readonly=True) as store:
        found = {a for (a,) in store.db.execute("SELECT article_id FROM suggested")}
    assert found == {short, other}
