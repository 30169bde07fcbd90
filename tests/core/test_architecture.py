"""House rules that hold the layout together."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


CONTRACTS = (
    "The domain (annotation/) never imports Qt",
    "The launcher over the command line and the window, side by side on the domain",
    "The domain (annotation/) is layered",
    "Team work and suggestions are independent",
    "Language processing (annotation.nlp) knows no project, file, team or front end",
    "No import cycles between sibling packages or modules",
)


def _lint_imports() -> subprocess.CompletedProcess[str]:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency"
    return subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)


def test_domain_never_imports_qt() -> None:
    """The import-linter contract in pyproject.toml: annotation/ is free of Qt."""
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "annotation/) never imports Qt KEPT" in result.stdout


def test_every_import_contract_is_kept() -> None:
    """The layers of pyproject.toml's [tool.importlinter]: cli and gui above the domain;
    in annotation/, team and suggest above io, above project and view, above nlp, above the
    core modules; no cycles. Each contract is named here, so that none goes unnoticed."""
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in result.stdout, name
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout, result.stdout


def test_importing_every_domain_module_loads_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, annotation\n"
        "for m in pkgutil.walk_packages(annotation.__path__, 'annotation.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff, "ruff is a test dependency"
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_applied() -> None:
    """The code is in `ruff format` style: a file written another way fails here."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff, "ruff is a test dependency"
    result = subprocess.run(
        [ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


# The packages mypy checks clean with pyproject.toml's [tool.mypy] (the same list as the
# mypy hook in .pre-commit-config.yaml).
MYPY_CHECKED = ("annotation", "cli", "gui", "sorot")


def test_mypy_is_clean() -> None:
    """`mypy` with the project's settings finds no error in annotation/, cli/ and gui/."""
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    assert mypy, "mypy is a test dependency"
    result = subprocess.run(
        [mypy, "--config-file", str(ROOT / "pyproject.toml"), *MYPY_CHECKED],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
