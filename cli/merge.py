"""The command line's `sorot merge`: other projects' and JSONL exports' work, added."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from annotation.project.db import ProjectError
from annotation.project.store import Store
from cli.exit_codes import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, EXIT_USAGE


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "merge",
        help="add other projects' or JSONL exports' annotations",
        description="Add the annotators' entities, relations and article "
        "statuses of other Sorot projects or Sorot JSONL exports to PROJECT, "
        "matching articles by their text (articles PROJECT lacks are added). "
        "Merging the same file again adds nothing. An annotator name that "
        "another person's work already has in PROJECT is a clash: reported, "
        "not merged; --rename merges it under another name. Exit code 3 when "
        "something clashed or a record was rejected.",
    )
    p.add_argument("project", type=Path)
    p.add_argument(
        "others",
        type=Path,
        nargs="+",
        metavar="OTHER",
        help="a .sorot project file or a JSONL file from `sorot export`",
    )
    p.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="merge the sources' annotator OLD under the name NEW (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def parse_renames(values: list[str]) -> dict[str, str]:
    """`["ana=ana_b"]` as `{"ana": "ana_b"}`; ValueError for a malformed or repeated OLD."""
    renames: dict[str, str] = {}
    for value in values:
        old, sep, new = value.partition("=")
        old, new = old.strip(), new.strip()
        if not sep or not old or not new:
            raise ValueError(f"{value!r} is not OLD=NEW")
        if renames.get(old, new) != new:
            raise ValueError(f"{old!r} is renamed twice ({renames[old]!r} and {new!r})")
        renames[old] = new
    return renames


def merge(args: argparse.Namespace, annotator: str, progress: Any = None) -> int:
    """Run `sorot merge`; return the exit code."""
    from annotation.team.merge import merge as run_merge

    try:
        renames = parse_renames(args.rename)
    except ValueError as exc:
        print(f"sorot: error: --rename: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.project.exists():
        print(f"sorot: error: {args.project}: no such project file", file=sys.stderr)
        return EXIT_ERROR
    bar = progress("Merging", unit=" articles") if progress is not None else None
    try:
        with Store.open(args.project) as store:
            report = run_merge(store, args.others, renames, progress=bar, annotator=annotator)
    except ProjectError as exc:
        print(f"sorot: error: {exc} (nothing was merged)", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for part in report.sources:
            for line in [*part.clashes, *part.problems, *part.notes]:
                print(line, file=sys.stderr)
        for old in report.unused_renames:
            print(
                f"sorot: warning: --rename {old}=...: no source has an annotator {old!r}",
                file=sys.stderr,
            )
        for part in report.sources:
            print(part.summary())
    return EXIT_OK if report.ok else EXIT_REJECTED
