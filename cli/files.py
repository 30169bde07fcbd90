"""The command line's `sorot backup` and `sorot recover`: copies of a project file, whole or
what can still be read of it."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import Any

from annotation.project.db import open_for_copy
from annotation.project.file.backup import backup as backup_project
from annotation.project.file.errors import ProjectError
from annotation.project.recover import recover as recover_project
from annotation.schema import default_schema
from cli.exit_codes import EXIT_OK, EXIT_REJECTED


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "backup",
        help="copy a project whole (the way to copy or send one)",
        description="Copy PROJECT to COPY through SQLite's backup API: every "
        "committed step is in the copy, also those still in the -wal beside "
        "the project, and the copy is consistent even while the window or "
        "another command writes. Copying the .sorot file by hand can miss "
        "recent steps. The project is only read.",
    )
    p.add_argument("project", type=Path)
    p.add_argument("copy", type=Path, metavar="COPY")
    p.add_argument("--replace", action="store_true", help="replace COPY if it exists")

    p = sub.add_parser(
        "recover",
        help="copy what can still be read of a damaged project",
        description="Copy every article, entity, relation, status and event "
        "that can still be read of a damaged PROJECT into a new project NEW, "
        "and say what was lost. Uses SQLite's .recover (the sqlite3 command) "
        "when it is installed, else reads row by row. PROJECT is only read. "
        "Exit code 3 when something was lost.",
    )
    p.add_argument("project", type=Path)
    p.add_argument("new", type=Path, metavar="NEW")


def backup(args: argparse.Namespace, annotator: str) -> int:
    """Run `sorot backup`; return the exit code."""
    if args.copy.exists() and args.project.exists() and os.path.samefile(args.copy, args.project):
        raise ProjectError(f"{args.copy}: is the project itself; name another file")
    conn = open_for_copy(args.project)  # any format version: a copy before an upgrade too
    try:
        report = backup_project(conn, args.project, args.copy, replace=args.replace)
    finally:
        conn.close()
    print(report.summary())
    return EXIT_OK


def recover(args: argparse.Namespace, annotator: str) -> int:
    """Run `sorot recover`; return the exit code."""
    report = recover_project(
        args.project, args.new, default_schema().to_json(), sqlite3_cli=shutil.which("sqlite3")
    )
    print(report.summary())
    return EXIT_OK if report.complete else EXIT_REJECTED
