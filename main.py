"""Sorot's entry point: `python main.py` and the `sorot` command are the same program.

With a subcommand it does headless work (see `sorot --help`); with none it opens the
built-in sample project. The desktop window (gui/) arrives with the workspace issue.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from annotation.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
