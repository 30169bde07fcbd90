"""Project file safety, run as a researcher runs Sorot: real project files, real `sorot`
processes, and the file's hash checked wherever it must not change (issue 14).

Damaged, foreign, empty-with-id and newer files are never written; two processes creating
one project both end up using it; a full disk, a lock and a permission are each named as what
they are; a -wal that does not belong to its file is set aside; read-only projects and
folders can still be read, and nothing is left behind in them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from files_support import (
    ROOT,
    count_rows,
    crash_after_writing,
    damage,
    digest,
    make_newer,
    make_project,
    quick_check,
    sorot,
    with_application_id_only,
)
from sqlite_utils import Database

from annotation.project import db as dbmod
from annotation.project.file import places
from annotation.project.store import Store


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="module")
def other_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("other"), count=3, seed=15, annotator="budi")


@pytest.fixture
def project(tmp_path: Path, template: Path) -> Path:
    """A copy of a 12-article project, as a path (the suite's `project` is a Store)."""
    return Path(shutil.copyfile(template, tmp_path / "p.sorot"))


@pytest.fixture
def other(tmp_path: Path, other_template: Path) -> Path:
    """Another researcher's project to merge from."""
    folder = tmp_path / "from"
    folder.mkdir()
    return Path(shutil.copyfile(other_template, folder / "other.sorot"))


def _refused(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


# -- 1. damaged files are never written ---------------------------------------------------


@pytest.mark.parametrize("command", ["import", "merge", "schema"])
def test_writes_into_a_damaged_project_are_refused(
    project: Path, tmp_path: Path, other: Path, command: str
) -> None:
    damage(project)
    assert quick_check(project) != ["ok"]  # SQLite itself finds it malformed
    before = digest(project)
    (tmp_path / "new.txt").write_text("Judul\nIsi artikel baru tentang Jakarta.\n")
    argv = {
        "import": ["import", project, tmp_path / "new.txt", "--no-suggest"],
        "merge": ["merge", project, other],
        "schema": ["schema", project, "--rename", "PER", "PERSON"],
    }[command]
    done = sorot(*argv)
    _refused(done, "damaged", f"sorot recover {project}")
    assert digest(project) == before


# -- 2. Sorot's mark and no tables ----------------------------------------------------------


@pytest.mark.parametrize("command", ["import", "suggest", "merge", "schema", "stats"])
def test_a_file_with_sorots_mark_but_no_tables_is_refused_unchanged(
    tmp_path: Path, other: Path, command: str
) -> None:
    path = with_application_id_only(tmp_path / "empty.sorot")
    before = digest(path)
    (tmp_path / "new.txt").write_text("Judul\nIsi artikel baru tentang Jakarta.\n")
    argv = {
        "import": ["import", path, tmp_path / "new.txt", "--no-suggest"],
        "suggest": ["suggest", path],
        "merge": ["merge", path, other],
        "schema": ["schema", path, "--rename", "PER", "PERSON"],
        "stats": ["stats", path],
    }[command]
    _refused(sorot(*argv), "not a complete Sorot project")
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sorot", "from", "new.txt"]


# -- 3. newer projects ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["import", "suggest", "merge", "schema", "screenshot"])
def test_a_newer_project_is_never_modified(
    project: Path, tmp_path: Path, other: Path, command: str
) -> None:
    make_newer(project, "migration")
    before = digest(project)
    (tmp_path / "new.txt").write_text("Judul\nIsi artikel baru tentang Jakarta.\n")
    argv = {
        "import": ["import", project, tmp_path / "new.txt", "--no-suggest"],
        "suggest": ["suggest", project],
        "merge": ["merge", project, other],
        "schema": ["schema", project, "--rename", "PER", "PERSON"],
        "screenshot": ["screenshot", project, tmp_path / "shot.png"],
    }[command]
    done = sorot(*argv)
    _refused(done, "made by a newer Sorot (migration m099_future); update Sorot to change it")
    assert digest(project) == before


@pytest.mark.parametrize("how", ["migration", "user_version"])
def test_a_newer_project_can_still_be_read(project: Path, how: str) -> None:
    make_newer(project, how)
    before = digest(project)
    done = sorot("stats", project)
    assert done.returncode == 0, done.stderr
    assert "Articles: 12" in done.stdout
    assert "made by a newer Sorot" in done.stderr and "read" in done.stderr
    assert digest(project) == before


# -- 4. the window on a damaged file --------------------------------------------------------


def test_screenshot_of_a_damaged_project_says_why_and_exits(project: Path, tmp_path: Path) -> None:
    damage(project)
    before = digest(project)
    done = sorot("screenshot", project, tmp_path / "shot.png", timeout=60)
    _refused(done, "damaged", "sorot recover")
    assert "rowCount" not in done.stderr
    assert digest(project) == before
    assert not (tmp_path / "shot.png").exists()


# -- 6. two processes creating one project ------------------------------------------------


def test_processes_creating_one_project_at_once_all_use_it(tmp_path: Path) -> None:
    # Whether the processes meet depends on their start-up; the threads below always meet.
    texts = []
    for i in range(3):
        texts.append(tmp_path / f"a{i}.txt")
        texts[-1].write_text(f"Judul {i}\nIsi artikel nomor {i} tentang Jakarta.\n")
    path = tmp_path / "new.sorot"
    procs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "import", str(path), str(t), "--no-suggest"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for t in texts
    ]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    assert [r[0] for r in results] == [0] * len(texts), results
    assert quick_check(path) == ["ok"]
    assert count_rows(path, "articles") == len(texts)
    assert not list(tmp_path.glob(".*creating*"))


def test_threads_creating_one_project_at_once(tmp_path: Path) -> None:
    # The same race without process start-up in between: every creator meets at a barrier.
    path = tmp_path / "new.sorot"
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def create() -> None:
        barrier.wait()
        try:
            dbmod.create_project(path, '{"entities": [], "relations": []}')
            outcomes.append("created")
        except dbmod.ProjectExistsError:
            outcomes.append("exists")
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=create) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["created", "exists", "exists", "exists"]
    assert quick_check(path) == ["ok"]
    assert not list(tmp_path.glob(".*creating*"))


# -- 8. a full disk -----------------------------------------------------------------------


def _on_a_small_disk(tmp_path: Path, project: Path, script: str) -> subprocess.CompletedProcess:
    """Run `script` (sh) with DISK a 2 MB tmpfs holding a copy of the project as
    DISK/p.sorot, filled to the last byte; skip where no tmpfs can be mounted."""
    unshare = shutil.which("unshare")
    disk = tmp_path / "disk"
    disk.mkdir()
    if unshare is None:
        pytest.skip("no unshare(1) to mount a small disk")
    probe = subprocess.run(
        [unshare, "-rm", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs '{disk}'"],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.decode().strip()}")
    setup = (
        f"set -u; sorot() {{ '{sys.executable}' '{ROOT / 'main.py'}' \"$@\"; }}; "
        f"DISK='{disk}'; mount -t tmpfs -o size=2m tmpfs \"$DISK\" && "
        f"cp '{project}' \"$DISK/p.sorot\" && "
        f'(head -c 4m /dev/zero > "$DISK/filler" 2>/dev/null; true) && '
    )
    return subprocess.run(
        [unshare, "-rm", "sh", "-c", setup + script], capture_output=True, text=True, timeout=120
    )


def test_a_full_disk_is_named_as_such(project: Path, tmp_path: Path) -> None:
    (tmp_path / "new.txt").write_text("Judul\n" + "Isi artikel baru tentang Jakarta. " * 2000)
    done = _on_a_small_disk(
        tmp_path,
        project,
        (f"sorot import \"$DISK/p.sorot\" '{tmp_path / 'new.txt'}' --no-suggest; echo rc=$?"),
    )
    assert "rc=1" in done.stdout, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "damaged" not in done.stderr, done.stderr
    assert f"the disk holding {tmp_path / 'disk'}" in done.stderr, done.stderr
    assert "is full (" in done.stderr and "bytes free)" in done.stderr


def test_a_full_disk_can_still_be_read_and_exported_elsewhere(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    done = _on_a_small_disk(
        tmp_path,
        project,
        (
            f'sorot stats "$DISK/p.sorot"; echo rc=$?; sorot export "$DISK/p.sorot" \'{out}\'; '
            f'echo rc=$?; ls -a "$DISK"'
        ),
    )
    assert done.stdout.count("rc=0") == 2, (done.stdout, done.stderr)
    assert "Articles: 12" in done.stdout
    assert len(out.read_text().splitlines()) == 12
    assert "p.sorot-shm" not in done.stdout and "p.sorot-wal" not in done.stdout


# -- 11. copies, backups and moves -------------------------------------------------------


def test_each_command_leaves_the_file_whole_while_the_window_has_it_open(
    project: Path, tmp_path: Path
) -> None:
    window = sqlite3.connect(project)  # another process's reader, as the window is
    window.execute("SELECT count(*) FROM articles").fetchone()
    try:
        done = sorot("schema", project, "--rename", "PER", "PERSON")
        assert done.returncode == 0, done.stderr
        copy = tmp_path / "copied.sorot"
        shutil.copyfile(project, copy)  # the .sorot file alone, as a researcher copies it
    finally:
        window.close()
    conn = sqlite3.connect(copy)
    labels = dict(conn.execute("SELECT label, count(*) FROM entities GROUP BY label"))
    conn.close()
    assert labels.get("PERSON", 0) > 0 and "PER" not in labels


def test_a_stale_wal_beside_an_older_copy_is_set_aside(project: Path, tmp_path: Path) -> None:
    older = tmp_path / "older.sorot"
    shutil.copyfile(project, older)
    crash_after_writing(project, [f"Dulu {i}" for i in range(20)])
    Store.open(project).close()  # the next session checkpoints those into the file
    crash_after_writing(project, [f"Baru {i}" for i in range(30)])
    wal = project.with_name(project.name + "-wal")
    assert wal.stat().st_size > 0
    shutil.copyfile(older, project)  # restore the older copy; the newer -wal stays beside it
    done = sorot("stats", project)
    assert done.returncode == 0, done.stderr
    assert "Articles: 12" in done.stdout
    assert "did not belong to" in done.stderr and "set aside" in done.stderr
    aside = list(tmp_path.glob("p.sorot-wal.set-aside-*"))
    assert len(aside) == 1 and aside[0].stat().st_size > 0
    assert quick_check(project) == ["ok"]


def test_a_wal_left_by_a_crash_is_kept(project: Path, tmp_path: Path) -> None:
    crash_after_writing(project, [f"Baru {i}" for i in range(3)])
    done = sorot("stats", project)
    assert done.returncode == 0, done.stderr
    assert "Articles: 15" in done.stdout
    assert "set aside" not in done.stderr
    assert not list(tmp_path.glob("*set-aside*"))


def test_backup_copies_every_committed_step(project: Path, tmp_path: Path) -> None:
    writer = Store.open(project)  # a window with committed steps still in the -wal
    try:
        for i in range(5):
            with writer.transaction():
                writer.add_article(f"Judul {i}\nIsi artikel {i}.", title=f"Judul {i}")
        before = digest(project)
        copy = tmp_path / "elsewhere" / "copy.sorot"
        copy.parent.mkdir()
        done = sorot("backup", project, copy)
        assert done.returncode == 0, done.stderr
        assert "17 articles" in done.stdout
        assert digest(project) == before
    finally:
        writer.close()
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.sorot"]
    assert quick_check(copy) == ["ok"]
    assert sorot("stats", copy).stdout.count("Articles: 17") == 1
    refused = sorot("backup", project, copy)
    _refused(refused, "already exists")


# -- 12. every cause named; recover ----------------------------------------------------------


def test_a_locked_project_is_not_called_damaged(project: Path) -> None:
    holder = sqlite3.connect(project, isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        done = sorot("schema", project, "--rename", "PER", "PERSON")
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _refused(done, "another", "writing")
    assert "damaged" not in done.stderr
    assert waited >= dbmod.BUSY_TIMEOUT_S - 1


def test_other_programs_files_are_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "other.sorot"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    _refused(sorot("stats", path), "another program")
    assert digest(path) == before


@pytest.mark.parametrize("cli", ["sqlite3", "python"])
def test_recover_copies_what_can_be_read_and_says_what_was_lost(
    project: Path, tmp_path: Path, cli: str
) -> None:
    if cli == "sqlite3" and shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 command here")
    counts = {
        t: count_rows(project, t)
        for t in ("articles", "entities", "relations", "article_status", "events")
    }
    damage(project)
    before = digest(project)
    new = tmp_path / "new.sorot"
    env = dict(os.environ)
    if cli == "python":
        env["PATH"] = str(Path(sys.executable).parent)  # no sqlite3 command on it
    done = sorot("recover", project, new, env=env)
    assert done.returncode in (0, 3), done.stderr
    assert "Traceback" not in done.stderr
    assert digest(project) == before
    assert quick_check(new) == ["ok"]
    report = done.stdout
    assert ("sqlite3" in report) == (cli == "sqlite3")  # how, or why not with sqlite3
    for table, total in counts.items():
        recovered = count_rows(new, table)
        assert 0 < recovered <= total, (table, recovered, total)
    assert count_rows(new, "articles") >= counts["articles"] - 4
    lost = counts["articles"] - count_rows(new, "articles")
    assert (f"{lost} lost" in report) if lost else "nothing was lost" in report.lower(), report
    assert sorot("stats", new).returncode == 0


def test_recover_of_a_whole_project_copies_everything(project: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.sorot"
    done = sorot("recover", project, new)
    assert done.returncode == 0, done.stderr
    for table in (
        "articles",
        "tokens",
        "entities",
        "relations",
        "article_status",
        "events",
        "history",
        "meta",
        "suggested",
    ):
        assert count_rows(new, table) == count_rows(project, table), table
    source = sqlite3.connect(project)
    target = sqlite3.connect(new)
    for sql in (
        "SELECT id, title, text FROM articles ORDER BY id",
        'SELECT id, article_id, start, "end", label, status, annotator FROM entities ORDER BY id',
        "SELECT id, kind, label, changes FROM events ORDER BY id",
    ):
        assert source.execute(sql).fetchall() == target.execute(sql).fetchall(), sql
    hit = target.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Jakarta'")
    assert (
        hit.fetchone()[0]
        == source.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Jakarta'"
        ).fetchone()[0]
    )


# -- read-only projects and folders ------------------------------------------------------


def test_a_read_only_project_read_by_another_user_leaves_nothing(project: Path) -> None:
    os.chmod(project, 0o444)
    before = digest(project)
    done = sorot("stats", project, as_other_user=True)
    assert done.returncode == 0, done.stderr
    assert "Articles: 12" in done.stdout
    assert sorted(p.name for p in project.parent.iterdir()) == ["p.sorot"]
    assert digest(project) == before
    os.chmod(project, 0o644)
    # The owner can write it again at once: nothing read-only was left beside it.
    assert sorot("schema", project, "--rename", "PER", "PERSON").returncode == 0


def test_a_read_only_folder_can_be_read_and_exported(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = Path(shutil.copyfile(project, folder / "p.sorot"))
    os.chmod(folder, 0o555)
    try:
        stats = sorot("stats", path, as_other_user=True)
        export = sorot("export", path, tmp_path / "train.jsonl", as_other_user=True)
    finally:
        os.chmod(folder, 0o755)
    assert stats.returncode == 0, stats.stderr
    assert export.returncode == 0, export.stderr
    assert len((tmp_path / "train.jsonl").read_text().splitlines()) == 12
    assert sorted(p.name for p in folder.iterdir()) == ["p.sorot"]


def test_screenshot_of_a_read_only_project_never_hangs(project: Path, tmp_path: Path) -> None:
    os.chmod(project, 0o444)
    try:
        before = digest(project)
        done = sorot("screenshot", project, tmp_path / "shot.png", timeout=90)
    finally:
        os.chmod(project, 0o644)
    assert done.returncode == 0, done.stderr
    assert "read-only" in done.stderr
    assert (tmp_path / "shot.png").stat().st_size > 0
    assert digest(project) == before


# -- network and synced folders -----------------------------------------------------------


def test_a_project_in_a_synced_folder_is_warned_about_once(project: Path, tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "riset"
    synced.mkdir(parents=True)
    path = synced / "p.sorot"
    shutil.copyfile(project, path)
    first, second = sorot("stats", path), sorot("stats", path)
    assert first.returncode == second.returncode == 0
    assert "Dropbox" in first.stderr and "sorot backup" in first.stderr
    assert "Dropbox" not in second.stderr


def test_backup_copies_an_older_project_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "old.sorot"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    db = Database(conn)
    dbmod.migrations.apply(db, stop_before="m005_uncertainty")
    conn.execute("PRAGMA user_version = 4")
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema', '{}')")
    conn.commit()
    conn.close()
    before = digest(path)
    done = sorot("backup", path, tmp_path / "copy.sorot")
    assert done.returncode == 0, done.stderr
    assert digest(path) == before  # a copy before the upgrade, not after it
    copy = sqlite3.connect(tmp_path / "copy.sorot")
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 4
    copy.close()


def test_recover_refuses_other_programs_and_newer_files(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    _refused(sorot("recover", other, tmp_path / "a.sorot"), "another program")
    conn = sqlite3.connect(project)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('sorot', 'm099_future', '2031-01-01 00:00:00')"
    )
    conn.commit()
    conn.close()
    _refused(sorot("recover", project, tmp_path / "b.sorot"), "made by a newer Sorot")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db", "p.sorot"]


MOUNTS = """/dev/vda / ext4 rw,relatime 0 0
server:/export/riset /mnt/riset nfs4 rw,relatime 0 0
//nas/data /media/nas\\040lab cifs rw 0 0
budi@host:/home/budi /home/ana/remote fuse.sshfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/home/ana/riset/p.sorot", None),
        ("/mnt/riset/p.sorot", "a network share (nfs4)"),
        ("/media/nas lab/tim/p.sorot", "a network share (cifs)"),
        ("/home/ana/remote/p.sorot", "a network share (fuse.sshfs)"),
        ("/home/ana/Dropbox (Personal)/p.sorot", "a folder synced by Dropbox"),
        (
            "/Users/ana/Library/CloudStorage/GoogleDrive-ana@ui.ac.id/My Drive/p.sorot",
            "a folder synced by a cloud storage app",
        ),
    ],
)
def test_network_shares_and_synced_folders_are_recognised(path: str, kind: str | None) -> None:
    assert places.storage_kind(Path(path), MOUNTS) == kind
