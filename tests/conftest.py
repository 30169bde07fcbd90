"""Shared fixtures: real project files in tmp_path, settings isolated from the user's."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from annotation.project.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"

# The tests are laid out like the code (tests/gui, tests/cli, ...), and pytest puts tests/ on
# sys.path for this file: there tests/gui and tests/cli would be taken for the packages gui and
# cli (as empty namespace packages) when the checkout itself is not on sys.path, as under
# `python benchmarks/reliability.py` (the editable install's finder comes after sys.path).
# With the checkout on sys.path the real packages always win.
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--headed", action="store_true", help="show Qt windows on screen")


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--headed"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    """Point Sorot's config and data folders at a temporary place."""
    home = tmp_path_factory.mktemp("sorot-home")
    monkeypatch.setenv("SOROT_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("SOROT_DATA_DIR", str(home / "data"))
    return home


@pytest.fixture
def project(tmp_path: Path) -> Store:
    """A new project file with the default schema."""
    store = Store.create(tmp_path / "project.sorot")
    yield store
    store.close()


@pytest.fixture
def fresh_store() -> Store:
    """An in-memory project with the default schema."""
    store = Store.memory()
    yield store
    store.close()


@pytest.fixture
def corpus_files() -> list[Path]:
    """The five shared corpus articles; skip the test when ../shared is not beside the repo."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (a fresh machine has no ../shared)")
    return sorted(CORPUS.glob("*.txt"))
