"""`sorot recover` on a file that is not a Sorot project, as a real process (issue 14).

An empty file or a text file is refused with exit 1 and a
message that names the file given (never the internal copy recover reads) and says it is not
a Sorot project; nothing is made at NEW and the file is unchanged. A Sorot project whose
first bytes were overwritten (its application id still there) is recovered as before.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from files_support import count_rows, damage, digest, make_project, sorot

pytestmark = pytest.mark.slow

# With the sqlite3 command on PATH (its .recover), and without it (row by row in Python).
METHODS = ["sqlite3", "python"]


def _env(method: str) -> dict[str, str]:
    if method == "sqlite3" and shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 command here")
    env = dict(os.environ)
    if method == "python":
        env["PATH"] = str(Path(sys.executable).parent)  # no sqlite3 command on it
    return env


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("template"))


def _not_a_project(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "p.sorot"
    if kind == "empty":
        path.write_bytes(b"")
    else:
        path.write_text("Ini catatan, bukan proyek Sorot.\n" * 40, encoding="utf-8")
    return path


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind", ["empty", "text"])
def test_a_file_that_is_not_a_project_is_refused_and_nothing_is_made(
    tmp_path: Path, kind: str, method: str
) -> None:
    path = _not_a_project(tmp_path, kind)
    before = digest(path)
    new = tmp_path / "out" / "new.sorot"
    new.parent.mkdir()
    done = sorot("recover", path, new, env=_env(method))
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert f"{path}: not a Sorot project" in done.stderr, done.stderr
    assert "damaged.sorot" not in done.stderr and "install" not in done.stderr, done.stderr
    assert list(new.parent.iterdir()) == []
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "p.sorot"]


@pytest.mark.parametrize("method", METHODS)
def test_a_project_whose_first_bytes_were_overwritten_is_recovered(
    tmp_path: Path, template: Path, method: str
) -> None:
    path = Path(shutil.copyfile(template, tmp_path / "p.sorot"))
    data = bytearray(path.read_bytes())
    data[:16] = b"\xff" * 16  # SQLite's "SQLite format 3" gone; Sorot's mark (68..72) kept
    path.write_bytes(bytes(data))
    before = digest(path)
    new = tmp_path / "new.sorot"
    done = sorot("recover", path, new, env=_env(method))
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
    assert "Nothing was lost" in done.stdout, done.stdout
    for table in ("articles", "entities", "relations", "article_status", "events"):
        assert count_rows(new, table) == count_rows(template, table), table
    assert digest(path) == before


def test_a_damaged_project_with_its_first_bytes_overwritten_names_the_file_given(
    tmp_path: Path, template: Path
) -> None:
    path = Path(shutil.copyfile(template, tmp_path / "p.sorot"))
    damage(path)
    data = bytearray(path.read_bytes())
    data[:16] = b"\xff" * 16
    path.write_bytes(bytes(data))
    new = tmp_path / "new.sorot"
    done = sorot("recover", path, new, env=_env("python"))
    assert "Traceback" not in done.stderr, done.stderr
    assert "damaged.sorot" not in done.stdout + done.stderr
    assert done.returncode in (0, 3), (done.returncode, done.stdout, done.stderr)
    assert str(path) in done.stdout and count_rows(new, "articles") > 0
