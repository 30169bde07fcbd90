"""The built-in sample project: made on first use from the shipped sample articles, with
the suggestions the settings ask for, so that the first start opens on something to do.

It lives with the suggestions because building it takes all three below it: the project
(`Store`), the import (`annotation.io.importer`) and the suggestion service. Both the command
line (`sorot sample`, `sorot` with no command) and the first start of the window use it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from annotation.paths import SAMPLE_DIR
from annotation.project.store import Store
from annotation.settings import Settings, default_project_path

Progress = Callable[[int, int], None]


def _warn(problem: str) -> None:
    print(f"sorot: warning: {problem}; going on without it", file=sys.stderr)


def ensure_sample_project(
    annotator: str,
    *,
    progress: Callable[[], Progress] | None = None,
    warn: Callable[[str], None] = _warn,
    tell: Callable[[str], None] = print,
) -> Path:
    """Create the built-in sample project on first use; return its path.

    `progress`, when given, makes the `(done, total)` callback for the suggestion run (its
    `close()`, when it has one, is called at the end); `warn` hears each suggester that could
    not be loaded, `tell` the suggestion report's summary.
    """
    from annotation.io.importer import import_paths  # loaded only when there is work

    path = default_project_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with Store.create(path) as store:
            import_paths(store, [SAMPLE_DIR], fmt="txt", annotator=annotator)
            suggest_sample(store, progress=progress, warn=warn, tell=tell)
    return path


def suggest_sample(
    store: Store,
    *,
    progress: Callable[[], Progress] | None = None,
    warn: Callable[[str], None] = _warn,
    tell: Callable[[str], None] = print,
) -> None:
    """Suggest in every article of `store` with the suggesters the settings name (as
    `sorot import --suggest` does with no --source and no label map)."""
    from annotation.suggest.service import (
        engine_from_settings,
        load_memory,
        pending,
        suggest_articles,
    )

    engine = engine_from_settings(store.schema, Settings.load(), None, {}, relations=True)
    for problem in engine.problems:
        warn(problem)
    if not engine.suggesters:
        return
    load_memory(store, engine)
    bar = progress() if progress is not None else None
    try:
        report = suggest_articles(store, engine, pending(store, engine), progress=bar)
    finally:
        close = getattr(bar, "close", None)
        if close is not None:
            close()
    tell(report.summary())
