"""Hostile and odd inputs: each bad record is its own problem (file:line: reason), never a
traceback, and the good records beside it are kept.

Real files in tmp_path, imported with `sorot import` as a researcher runs it (in this process,
or as a real `sorot` process where the depth of the stack matters).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.nlp.tokens import tokenize
from annotation.project.browse import ArticleQuery, article_ids
from annotation.project.store import Store
from annotation.schema import LabelSchema, SchemaError, default_schema
from cli.exit_codes import EXIT_ERROR, EXIT_OK, EXIT_REJECTED
from cli.main import run

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Presiden Joko Widodo bertemu Perdana Menteri Anwar Ibrahim di Bogor pada Senin."


def _line(record: dict | str) -> str:
    return record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(_line(r) + "\n" for r in records), encoding="utf-8")
    return path


def spans(text: str, *pairs: tuple[str, str]) -> list[dict]:
    return [
        {"start": text.index(s), "end": text.index(s) + len(s), "label": label}
        for s, label in pairs
    ]


def good(n: int) -> dict:
    text = f"Berita {n}: {TEXT}"
    return {"text": text, "spans": spans(text, ("Joko Widodo", "PER"), ("Bogor", "GPE"))}


def nested(depth: int, opening: str = '{"a": ', closing: str = "}") -> str:
    return opening * depth + "1" + closing * depth


def articles(project: Path) -> list[str]:
    with Store.open(project) as store:
        return [store.article(i).text for i in range(1, store.count_articles() + 1)]


# -- deeply nested JSON (defect 9) ---------------------------------------------------------


def test_deeply_nested_lines_are_their_own_problem(tmp_path: Path) -> None:
    """A real `sorot import` process: nesting in meta, a whole line of arrays or objects, and
    a lone surrogate that makes the reader walk a deep record."""
    deep_meta = '{"text": "Berita dalam.", "meta": ' + nested(1500) + "}"
    data = write_jsonl(
        tmp_path / "deep.jsonl",
        [
            good(1),
            deep_meta,
            "[" * 5000 + "]" * 5000,
            nested(3000),
            '{"text": "Berita \\ud83d.", "meta": ' + nested(950) + "}",
            '{"text": "Berita sedang.", "meta": ' + nested(100) + "}",
            good(2),
        ],
    )
    project = tmp_path / "p.sorot"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "--annotator",
            "ana",
            "import",
            str(project),
            str(data),
            "--no-suggest",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == EXIT_REJECTED
    for line in (2, 3, 4, 5, 6):
        assert f"{data}:{line}: " in done.stderr
    assert f"{data}:3: lists or objects nested hundreds of levels deep" in done.stderr
    assert f"{data}:6: 'meta' nests more than 64 levels deep" in done.stderr
    assert "2 imported" in done.stdout
    assert articles(project) == [good(1)["text"], good(2)["text"]]


def test_deeply_nested_first_line_and_doccano_columns(tmp_path: Path, capsys) -> None:
    """The first line decides the format and is checked for shape: a deep one is only that
    line's problem. A doccano record keeps its other columns as metadata: checked alike."""
    text = "Menlu Retno bertemu di Jakarta."
    data = write_jsonl(
        tmp_path / "doccano.jsonl",
        [
            "[" * 3000 + "]" * 3000,
            {"id": 1, "text": text, "entities": [], "relations": []},
            '{"id": 2, "text": "Berita lain.", "entities": [], "extra": ' + nested(500) + "}",
        ],
    )
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(data), "--no-suggest"]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert f"{data}:1: " in err
    assert f"{data}:3: its other fields nest more than 64 levels deep" in err
    assert articles(project) == [text]


# -- records of two formats in one file ----------------------------------------------------


def test_prodigy_record_in_a_doccano_file_is_reported(tmp_path: Path, capsys) -> None:
    doccano = {
        "id": 1,
        "text": TEXT,
        "entities": [{"id": 1, "label": "PER", "start_offset": 9, "end_offset": 20}],
        "relations": [],
    }
    prodigy = good(2)
    data = write_jsonl(tmp_path / "mixed.jsonl", [doccano, prodigy, {"text": "Teks biasa."}])
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(data), "--no-suggest"]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert (
        f"{data}:2: a Prodigy-style record (it has 'spans', not 'entities') in a file "
        "read as doccano (the format of its first record)" in err
    )
    with Store.open(project) as store:
        assert store.count_articles() == 2
        assert all("spans" not in store.article(i).meta for i in (1, 2))


def test_doccano_record_in_a_prodigy_file_is_reported(tmp_path: Path, capsys) -> None:
    doccano = {"id": 7, "text": "Menlu Retno di Jakarta.", "label": [[15, 22, "GPE"]]}
    data = write_jsonl(tmp_path / "mixed.jsonl", [good(1), doccano])
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(data), "--no-suggest"]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert f"{data}:2: a doccano record (it has 'label' as a list, not 'spans')" in err
    assert articles(project) == [good(1)["text"]]


@pytest.mark.parametrize("score", ["1e999", "NaN", "-Infinity", str(2**63), str(10**400)])
def test_scores_beyond_a_float_read_as_none(tmp_path: Path, score: str) -> None:
    """Python writes NaN and Infinity; an integer score past 2**63 overflowed SQLite."""
    start, end = TEXT.index("Bogor"), TEXT.index("Bogor") + 5
    line = (
        f'{{"text": {json.dumps(TEXT)}, "spans": [{{"start": {start}, "end": {end}, '
        f'"label": "GPE", "status": "suggested", "score": {score}}}]}}'
    )
    data = tmp_path / "in.jsonl"
    data.write_text(line + "\n", encoding="utf-8")
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(data), "--no-suggest"]) == EXIT_OK
    with Store.open(project) as store:
        [entity] = store.entities(1)
    assert entity.score is None or entity.score == float(score) < 1e300


# -- sizes ---------------------------------------------------------------------------------


def test_an_article_over_the_size_limit_is_refused_naming_the_file(tmp_path: Path, capsys) -> None:
    from annotation.limits import MAX_ARTICLE_CHARS

    folder = tmp_path / "in"
    folder.mkdir()
    sentence = "Presiden bertemu menteri di Jakarta. "
    (folder / "a_ok.txt").write_text(sentence * 3, encoding="utf-8")
    huge = sentence * (MAX_ARTICLE_CHARS // len(sentence) + 2)
    (folder / "b_huge.txt").write_text(huge, encoding="utf-8")
    far_too_big = folder / "c_far.txt"  # never read: 4 bytes a character at most
    with open(far_too_big, "wb") as f:
        f.truncate(4 * MAX_ARTICLE_CHARS + 1)
    write_jsonl(folder / "d.jsonl", [good(1), {"text": huge}, good(2)])
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(folder), "--no-suggest"]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert f"{folder / 'b_huge.txt'}:1: the text is {len(huge):,} characters" in err
    assert f"longer than the {MAX_ARTICLE_CHARS:,} characters Sorot takes in one article" in err
    assert f"{far_too_big}:1: the file is 8.0 MB" in err
    assert f"{folder / 'd.jsonl'}:2: the text is" in err
    assert len(articles(project)) == 3


# -- labels, searches ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "where, bad",
    [
        ("entity", "PER\n"),
        ("relation", "MEETS\n"),
        ("colour", "#33BBEE\n"),
        ("hotkey", "\n"),
        ("entity", "PER\r"),
    ],
)
def test_schema_refuses_names_with_a_final_newline(
    tmp_path: Path, capsys, where: str, bad: str
) -> None:
    data = default_schema().to_dict()
    if where == "entity":
        data["entities"][0]["name"] = bad
        for rel in data["relations"]:
            rel["head"] = [bad if h == "PER" else h for h in rel["head"]]
            rel["child"] = [bad if c == "PER" else c for c in rel["child"]]
    elif where == "relation":
        data["relations"][0]["name"] = bad
    elif where == "colour":
        data["entities"][0]["colour"] = bad
    else:
        data["entities"][0]["hotkey"] = bad
    with pytest.raises(SchemaError):
        LabelSchema.from_dict(data)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(data), encoding="utf-8")
    text = write_jsonl(tmp_path / "in.jsonl", [good(1)])
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(text), "--schema", str(schema)]) == EXIT_ERROR
    assert repr(bad) in capsys.readouterr().err
    assert not project.exists()


def test_schema_rename_to_a_name_with_a_newline_is_refused(tmp_path: Path, capsys) -> None:
    project = tmp_path / "p.sorot"
    assert (
        run(
            [
                "import",
                str(project),
                str(write_jsonl(tmp_path / "in.jsonl", [good(1)])),
                "--no-suggest",
            ]
        )
        == EXIT_OK
    )
    assert run(["schema", str(project), "--rename", "PER", "PER\n"]) == EXIT_ERROR
    assert "'PER\\n'" in capsys.readouterr().err
    with Store.open(project) as store:
        assert "PER" in store.schema.entity_labels


CONTROL = [chr(c) for c in range(32)] + ["\x7f", "\ud83d", "\udfff", "\ufffe", "\u2028"]


def test_search_with_any_control_character_finds_and_never_fails(tmp_path: Path) -> None:
    """What a researcher pastes into the search box may hold NUL or half an emoji."""
    with Store.create(tmp_path / "p.sorot") as store, store.transaction():
        store.add_article(TEXT, tokens=next(tokenize([TEXT])))
    with Store.open(tmp_path / "p.sorot") as store:
        for char in CONTROL:
            for search in (
                f"Bogor{char}",
                f"Bog{char}",
                f"{char}Joko Wid",
                char,
                f'"{char}"',
                f"Joko{char}{char}Widodo",
            ):
                found = article_ids(store, ArticleQuery(search=search))
                assert found in ([], [1]), (search, found)
            assert article_ids(store, ArticleQuery(search=f"Bogor{char}")) == [1], repr(char)
