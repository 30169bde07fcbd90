"""Sorot's entry point: the `sorot` command, `python -m sorot` and `python main.py`.

With no arguments (or just a project file) it opens the desktop window; `sorot screenshot`
renders that window to a PNG; every other subcommand is headless work (`sorot --help`).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["screenshot"]:
        from gui.app import screenshot

        return screenshot(argv[1:])
    if not argv or (len(argv) == 1 and argv[0].endswith(".sorot")):
        from gui.app import run as run_window

        return run_window(argv)
    from cli.main import run

    return run(argv)
