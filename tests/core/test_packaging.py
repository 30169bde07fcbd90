"""Sorot as a package: the sdist and wheel built offline, and the wheel installed into a
fresh virtual environment, where `sorot` runs from outside the checkout on the shipped
resources (schema, sample articles, model, rules) and never on the source tree."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from annotation import __version__

ROOT = Path(__file__).resolve().parents[2]
CODE = ("annotation", "cli", "gui", "sorot")
# What the build reads; the rest of the checkout (benchmarks, docs, caches) stays behind.
SOURCES = ("pyproject.toml", "README.md", "main.py", "resources", "tests", *CODE)
ARTICLE = (
    "Presiden Prancis bertemu Menteri Luar Negeri Indonesia di Jakarta\n\n"
    "Jakarta, Sorot News - Presiden Prancis Emmanuel Macron bertemu Menteri Luar Negeri "
    "Retno Marsudi di Istana Merdeka, Jakarta, Senin (4/12/2023). Keduanya membahas kerja "
    "sama pertahanan antara Prancis dan Indonesia serta gencatan senjata di Gaza. Macron "
    "mengatakan Prancis mendukung peran ASEAN dalam menjaga stabilitas di Laut China Selatan.\n"
)

pytestmark = pytest.mark.slow


def _setuptools_new_enough() -> bool:
    try:
        major = int(metadata.version("setuptools").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    return major >= 77


def _run(argv: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, timeout=300, **kwargs
    )
    assert done.returncode == 0, f"{argv}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built without network from a copy of the checkout (so the
    checkout gets no build/ or stale egg-info), the wheel from the sdist (so the sdist must
    be complete)."""
    pytest.importorskip("build", reason="the test extra (pip install -e '.[test]') has it")
    if not _setuptools_new_enough():
        pytest.skip("needs setuptools>=77 (the test extra) to build without isolation")
    base = tmp_path_factory.mktemp("packaging")
    src = base / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.sorot*")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    out = base / "dist"
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, src])
    return out


def _only(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def _checkout_files(top: str) -> set[str]:
    return {
        p.relative_to(ROOT / top).as_posix()
        for p in (ROOT / top).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def test_sdist_holds_the_sources_and_resources(dist: Path) -> None:
    sdist = _only(dist, "sorot-*.tar.gz")
    with tarfile.open(sdist) as tar:
        top = tar.getnames()[0].split("/")[0]
        names = {n.removeprefix(f"{top}/") for n in tar.getnames()}
    assert {"pyproject.toml", "README.md", "resources/LICENSES.md"} <= names
    assert {f"resources/{f}" for f in _checkout_files("resources")} <= names
    assert "sorot/launch.py" in names and "annotation/paths.py" in names


def test_wheel_ships_code_and_resources_under_sorot_names_only(dist: Path) -> None:
    wheel = _only(dist, "sorot-*-py3-none-any.whl")
    assert wheel.name.startswith(f"sorot-{__version__}-")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        info = f"sorot-{__version__}.dist-info"
        tops = set(zf.read(f"{info}/top_level.txt").decode().split())
        entry_points = zf.read(f"{info}/entry_points.txt").decode()
        meta = zf.read(f"{info}/METADATA").decode()
    # No generic top-level `resources` or `main`, no tests (annotation, cli and gui are
    # generic names too, but renaming them is another change).
    assert tops == {"annotation", "cli", "gui", "sorot", "sorot_resources"}
    assert not [n for n in names if n.split("/")[0] in {"resources", "tests", "main.py"}]
    assert "sorot = sorot.launch:main" in entry_points
    # Every module of the checkout and every resource file is in the wheel (the package list
    # in pyproject.toml is written out by hand).
    for top in CODE:
        modules = {f for f in _checkout_files(top) if f.endswith(".py")}
        assert {f"{top}/{f}" for f in modules} <= names, top
    resources = _checkout_files("resources")
    assert {"LICENSES.md", "schema/default.json", "models/ner_id/meta.json"} <= resources
    assert {f"sorot_resources/{f}" for f in resources} <= names
    assert not [n for n in names if n.startswith("sorot_resources/") and n.endswith(".py")]
    assert f"{info}/licenses/resources/LICENSES.md" in names
    assert f"\nVersion: {__version__}\n" in meta
    assert "Classifier: Natural Language :: Indonesian" in meta
    assert "License-Expression: MIT" in meta


def _dependencies_only(venv: Path) -> Path:
    """A folder that shows the test environment's installed dependencies, but not Sorot:
    links to everything in its site-packages except Sorot's own editable-install files (the
    finder module and .pth that map `annotation` & co. to the checkout) and metadata."""
    deps = venv / "deps"
    deps.mkdir()
    sorot_names = {"annotation", "cli", "gui", "sorot", "sorot_resources", "resources", "main.py"}
    seen: set[str] = set()
    for where in dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]):
        for entry in Path(where).iterdir():
            name = entry.name
            if (
                name in seen
                or name in sorot_names
                or name.startswith(("__editable__", "sorot-", "sorot."))
                or name.endswith(".pth")
                or name == "__pycache__"
            ):
                continue
            seen.add(name)
            (deps / name).symlink_to(entry)
    return deps


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (no dependencies downloaded: those of this test
    environment are made visible to it); its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    wheel = _only(dist, "sorot-*.whl")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index"]
        + ["--no-compile", "--disable-pip-version-check", wheel]
    )
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    site_packages = Path(site.stdout.strip())
    (site_packages / "test_dependencies.pth").write_text(f"{_dependencies_only(venv)}\n")
    return venv / "bin"


@pytest.fixture
def env(installed: Path, tmp_path: Path) -> dict[str, str]:
    environ = {
        k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    return {
        **environ,
        "PATH": f"{installed}{os.pathsep}{environ.get('PATH', '')}",
        "QT_QPA_PLATFORM": "offscreen",
        "SOROT_CONFIG_DIR": str(tmp_path / "config"),
        "SOROT_DATA_DIR": str(tmp_path / "data"),
    }


def test_installed_sorot_runs_on_its_own_resources(
    installed: Path, env: dict[str, str], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    assert not work.resolve().is_relative_to(ROOT)
    venv = installed.parent.resolve()
    sorot = installed / "sorot"

    def run(*argv) -> subprocess.CompletedProcess:
        return _run(list(argv), cwd=work, env=env)

    assert run(sorot, "--version").stdout.strip() == f"sorot {__version__}"
    where = run(
        installed / "python",
        "-c",
        "import json, sys, annotation, cli, gui, sorot, spacy\n"
        "from annotation.paths import RESOURCES\n"
        "print(json.dumps({'files': [m.__file__ for m in (annotation, cli, gui, sorot)],"
        " 'resources': str(RESOURCES), 'path': sys.path, 'spacy': spacy.__file__}))",
    )
    found = json.loads(where.stdout)
    for file in [*found["files"], found["resources"]]:
        assert Path(file).resolve().is_relative_to(venv), file
    assert Path(found["resources"]).name == "sorot_resources"
    assert not [p for p in found["path"] if p and Path(p).resolve().is_relative_to(ROOT)]

    # The built-in sample project: the shipped articles, with suggestions from the rules and
    # the shipped model.
    sample = run(installed / "python", "-c", "import sys, cli.main; sys.exit(cli.main.run([]))")
    assert f"Articles: {len(list((ROOT / 'resources' / 'sample').glob('*.txt')))}" in sample.stdout
    assert _origins(tmp_path / "data" / "sample.sorot") >= {"model", "rules"}

    article = work / "kunjungan.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run(sorot, "import", "P.sorot", article.name, "--no-suggest", "--annotator", "ana")
    stats = json.loads(run(sorot, "stats", "P.sorot", "--json").stdout)
    assert stats["schema"] == "international-politics-id"  # the shipped default schema
    assert stats["articles"]["total"] == 1
    run(sorot, "suggest", "P.sorot", "--annotator", "ana")
    assert _origins(work / "P.sorot") >= {"model", "rules"}

    run(sorot, "screenshot", "P.sorot", "shot.png", "--size", "800x500")
    assert (work / "shot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _origins(project: Path) -> set[str]:
    """The suggesters that made the project's suggestions ('rules:gazetteer' -> 'rules')."""
    db = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT DISTINCT origin FROM entities WHERE status = 'suggested'")
        return {origin.split(":")[0] for (origin,) in rows}
    finally:
        db.close()
