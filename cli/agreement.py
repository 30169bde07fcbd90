"""The command line's `sorot agreement`: how far Annotators agree, as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from annotation.project.store import Store
from cli.exit_codes import EXIT_ERROR, EXIT_OK


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "agreement",
        help="measure inter-annotator agreement",
        description="Compare the accepted entities and relations of two or more annotators on "
        "the articles all of them marked done: entity F1 (exact and overlapping spans), "
        "Cohen's kappa (two annotators) or Fleiss' kappa (more) and Krippendorff's alpha "
        "over BIO-tagged tokens, relation F1 and a confusion matrix of labels; overall, per "
        "label and per article. Exit code 1 when there is nothing to compare.",
    )
    p.add_argument("project", type=Path)
    p.add_argument(
        "--annotators",
        nargs="+",
        metavar="NAME",
        help="whom to compare (default: everyone with work in the project)",
    )
    p.add_argument(
        "--labels",
        nargs="+",
        metavar="LABEL",
        help="only these entity labels (default: every label used)",
    )
    p.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="N",
        help="list the N most disagreeing articles (default 10; JSON lists all)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def agreement(args: argparse.Namespace, annotator: str = "") -> int:
    """Handle `sorot agreement`; return the exit code."""
    from annotation.project.db import ProjectError
    from annotation.team.agreement import AgreementError, compute_agreement

    try:
        with Store.open(args.project, readonly=True) as store:
            report = compute_agreement(store, args.annotators, args.labels)
    except (AgreementError, ProjectError) as exc:
        print(f"sorot: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(report.format(top=args.top))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run `agreement` alone: `python -m cli.agreement PROJECT ...`."""
    parser = argparse.ArgumentParser(prog="sorot")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    return agreement(parser.parse_args(["agreement", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    sys.exit(main())
