"""The command line, end to end on real files: import, export, stats, schema, log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.paths import SAMPLE_DIR
from annotation.project.store import Store
from cli.exit_codes import EXIT_ERROR, EXIT_OK, EXIT_REJECTED
from cli.main import build_parser, run

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Presiden Joko Widodo bertemu Perdana Menteri Anwar Ibrahim di Bogor."


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
        ),
        encoding="utf-8",
    )
    return path


def spans_of(text: str, *pairs: tuple[str, str]) -> list[dict]:
    return [
        {"start": text.index(s), "end": text.index(s) + len(s), "label": label}
        for s, label in pairs
    ]


def test_every_subcommand_has_help(capsys) -> None:
    for command in ["import", "export", "stats", "schema", "log"]:
        with pytest.raises(SystemExit) as exit_:
            run([command, "--help"])
        assert exit_.value.code == 0
        assert f"usage: sorot {command}" in capsys.readouterr().out
    assert {a.dest for a in build_parser()._actions} >= {"command", "annotator"}


def test_no_command_creates_sample_project_and_prints_stats(capsys, tmp_path: Path) -> None:
    assert run([]) == EXIT_OK
    out = capsys.readouterr().out
    samples = sorted(SAMPLE_DIR.glob("*.txt"))
    assert len(samples) >= 5
    assert f"Articles: {len(samples)}" in out
    path = Path(os.environ["SOROT_DATA_DIR"]) / "sample.sorot"
    with Store.open(path) as store:
        titles = {store.article(i).title for i in store.article_ids()}
        # Every sample article opens with suggestions, from the rules and the model.
        origins = {
            r[0]
            for r in store.db.execute(
                "SELECT DISTINCT origin FROM entities WHERE status = 'suggested'"
            )
        }
        suggested = store.db.execute(
            "SELECT count(DISTINCT article_id) FROM entities WHERE status = 'suggested'"
        )
        assert suggested.fetchone()[0] == len(samples)
    assert "model" in origins and any(o.startswith("rules") for o in origins)
    first_title = samples[0].read_text(encoding="utf-8").strip().splitlines()[0]
    assert first_title in titles
    assert run([]) == EXIT_OK  # the second start reuses the project
    assert f"Articles: {len(samples)}" in capsys.readouterr().out


def test_main_py_and_console_script_are_the_same_program(tmp_path: Path) -> None:
    env = {**os.environ, "SOROT_DATA_DIR": str(tmp_path / "data")}
    by_main = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    script = Path(sys.executable).parent / "sorot"
    by_script = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, env=env, check=True
    )
    assert by_main.stdout == by_script.stdout and by_main.stdout.startswith("sorot ")


def test_import_reports_bad_records_and_exits_3(tmp_path: Path, capsys) -> None:
    data = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"text": TEXT, "spans": spans_of(TEXT, ("Joko Widodo", "PER"), ("Bogor", "GPE"))},
            "{not json",
            {"text": "Kalimat kedua yang baik."},
        ],
    )
    project = tmp_path / "p.sorot"
    assert run(["--annotator", "ana", "import", str(project), str(data)]) == EXIT_REJECTED
    captured = capsys.readouterr()
    assert f"{data}:2:" in captured.err
    with Store.open(project) as store:
        assert store.count_articles() == 2
    # importing the same file again adds nothing
    assert run(["import", str(project), str(data)]) == EXIT_REJECTED
    with Store.open(project) as store:
        assert store.count_articles() == 2


def test_stats_json_and_export(tmp_path: Path, capsys) -> None:
    data = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {
                "text": TEXT,
                "spans": spans_of(TEXT, ("Joko Widodo", "PER"), ("Anwar Ibrahim", "PER")),
                "_annotator_id": "ana",
            },
        ],
    )
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(data)]) == EXIT_OK
    capsys.readouterr()
    assert run(["stats", str(project), "--json"]) == EXIT_OK
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"]["total"] == 1
    assert stats["entities"]["by_label"]["PER"]["accepted"] == 2
    assert stats["annotators"]["ana"]["entities"] == 2

    out = tmp_path / "out.jsonl"
    assert run(["export", str(project), str(out)]) == EXIT_OK
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [s["text"] for s in record["spans"]] == ["Joko Widodo", "Anwar Ibrahim"]
    assert record["_annotator_id"] == "ana"


def test_schema_rename_and_refusal(tmp_path: Path, capsys) -> None:
    data = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"text": TEXT, "spans": spans_of(TEXT, ("Bogor", "GPE"))},
        ],
    )
    project = tmp_path / "p.sorot"
    run(["import", str(project), str(data)])
    assert run(["schema", str(project), "--rename", "GPE", "NEGARA"]) == EXIT_OK
    capsys.readouterr()
    assert run(["schema", str(project)]) == EXIT_OK
    schema = json.loads(capsys.readouterr().out)
    assert "NEGARA" in [e["name"] for e in schema["entities"]]
    schema["entities"] = [e for e in schema["entities"] if e["name"] != "NEGARA"]
    for rel in schema["relations"]:
        rel["head"] = [x for x in rel["head"] if x != "NEGARA"]
        rel["child"] = [x for x in rel["child"] if x != "NEGARA"]
    new = tmp_path / "s.json"
    new.write_text(json.dumps(schema), encoding="utf-8")
    assert run(["schema", str(project), "--set", str(new)]) == EXIT_ERROR
    assert "orphan 1 entity labelled NEGARA" in capsys.readouterr().err
    assert run(["log", str(project)]) == EXIT_OK
    log = capsys.readouterr().out
    assert "Rename GPE → NEGARA" in log and "import" in log


def test_errors_name_the_file_and_change_nothing(tmp_path: Path, capsys) -> None:
    not_project = tmp_path / "notes.txt"
    not_project.write_text("just notes")
    assert run(["stats", str(not_project)]) == EXIT_ERROR
    assert f"{not_project}: not a Sorot project" in capsys.readouterr().err
    data = write_jsonl(tmp_path / "in.jsonl", [{"text": TEXT}])
    assert run(["import", str(not_project), str(data)]) == EXIT_ERROR
    assert not_project.read_text() == "just notes"
    assert run(["import", str(tmp_path / "p.sorot"), str(tmp_path / "missing.jsonl")]) == 1
    assert "missing.jsonl: no such file or folder" in capsys.readouterr().err
    assert not (tmp_path / "p.sorot").exists()


def test_export_to_missing_folder_is_a_clear_error(tmp_path: Path, capsys) -> None:
    project = tmp_path / "p.sorot"
    run(["import", str(project), str(write_jsonl(tmp_path / "in.jsonl", [{"text": TEXT}]))])
    capsys.readouterr()
    target = tmp_path / "nope" / "out.jsonl"
    assert run(["export", str(project), str(target)]) == EXIT_ERROR
    assert f"{target.parent}: no such folder" in capsys.readouterr().err


def test_the_window_without_a_display_says_what_to_do(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["SOROT_DATA_DIR"] = str(tmp_path / "data")
    env["SOROT_CONFIG_DIR"] = str(tmp_path / "config")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "no display" in done.stderr and "sorot --help" in done.stderr


def test_stats_uncertain_lists_the_articles_to_ask_about(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(SAMPLE_DIR.glob("*.txt"))[:4]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(folder)]) == EXIT_OK  # suggests, and measures
    extra = tmp_path / "extra.txt"
    extra.write_text("Catatan\n\nTidak ada nama di sini.", encoding="utf-8")
    assert run(["import", str(project), str(extra), "--no-suggest"]) == EXIT_OK
    capsys.readouterr()
    assert (
        run(["--annotator", "ana", "stats", str(project), "--uncertain", "3", "--json"]) == EXIT_OK
    )
    listed = json.loads(capsys.readouterr().out)
    with Store.open(project) as store:
        scores = dict(store.db.execute("SELECT article_id, score FROM uncertainty"))
        titles = {i: store.article(i).title for i in store.article_ids()}
    top = sorted(scores, key=lambda i: (-scores[i], i))
    assert len(scores) == 4 and listed["unmeasured"] == 1
    assert [a["id"] for a in listed["articles"]] == top[:3]
    assert all(
        a["status"] == "todo" and 0 < a["disputed"] < a["places"] for a in listed["articles"]
    )

    # Marked done, the most uncertain article is no longer one to ask about.
    with Store.open(project) as store:
        from annotation.project.commands import CommandStack, SetArticleStatus

        CommandStack(store, "ana").do(SetArticleStatus(top[0], "done"))
    assert run(["--annotator", "ana", "stats", str(project), "--uncertain", "5"]) == EXIT_OK
    out = capsys.readouterr().out
    assert titles[top[0]] not in out
    assert [line.split()[0] for line in out.splitlines()[1:4]] == [str(i) for i in top[1:]]
    assert "1 articles not measured yet" in out
