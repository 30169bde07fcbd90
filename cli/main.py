"""The command line: the same headless work as the app (import, export, stats, schema, log).

Exit codes: 0 success; 1 an error stopped the command (nothing was changed); 2 the command
line itself was wrong; 3 the command finished but rejected some input (see its report).
"""

from __future__ import annotations

import argparse
import functools
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from annotation import __version__
from annotation.io.export import ExportError
from annotation.limits import loads_bounded
from annotation.model import ArticleStatus
from annotation.nlp.suggestion import SuggesterError
from annotation.project import db as dbmod
from annotation.project.commands import CommandError, CommandStack
from annotation.project.db import ProjectError, ProjectExistsError
from annotation.project.file import causes, places
from annotation.project.stats import format_stats, project_stats
from annotation.project.store import Store
from annotation.schema import LabelSchema, SchemaError
from annotation.settings import Settings, data_dir
from annotation.suggest.sample import ensure_sample_project
from cli import agreement as cli_agreement
from cli import files as cli_files
from cli import merge as cli_merge
from cli import suggest as cli_suggest
from cli import train as cli_train
from cli.exit_codes import EXIT_ERROR, EXIT_OK, EXIT_REJECTED


class CliError(Exception):
    """An error to print as `sorot: error: ...` before exiting with EXIT_ERROR."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--annotator",
        default=argparse.SUPPRESS,
        help="who makes these decisions (default: from settings, else your login name)",
    )
    parser = argparse.ArgumentParser(
        prog="sorot",
        parents=[common],
        description="Annotate entities and relations in news articles. With no command (or "
        "just a PROJECT.sorot), opens the window on that project, else on the last one used, "
        "else on the built-in sample project. `sorot screenshot PROJECT OUT.png` renders the "
        "window to a PNG (see `sorot screenshot --help`).",
        epilog="Exit codes: 0 ok; 1 error, nothing changed; 2 bad command line; "
        "3 finished, but some input was rejected.",
    )
    parser.add_argument("--version", action="version", version=f"sorot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser = functools.partial(sub.add_parser, parents=[common])  # type: ignore[method-assign]

    p = sub.add_parser(
        "import",
        help="add articles (and their annotations) to a project",
        description="Import .txt files or folders, Prodigy-style JSONL or doccano "
        "JSONL. The project is created if it does not exist. Bad records are "
        "reported with file and line; good records beside them are kept.",
    )
    p.add_argument("project", type=Path)
    p.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    p.add_argument(
        "--format",
        choices=["txt", "jsonl", "doccano"],
        help="input format (default: by extension and content)",
    )
    p.add_argument(
        "--spans-as",
        choices=["accepted", "suggested"],
        default="accepted",
        help="import pre-annotated spans as accepted entities (default) or as "
        "suggestions to review",
    )
    p.add_argument(
        "--title-from",
        choices=["first-line", "filename"],
        default="first-line",
        help="for .txt files: where the title comes from",
    )
    p.add_argument(
        "--schema",
        type=Path,
        help="label schema for a new project (default: the shipped international-politics schema)",
    )
    p.add_argument(
        "--no-suggest",
        action="store_true",
        help="do not suggest entities and relations for the new articles now "
        "(`sorot suggest` or opening an article does it later)",
    )
    cli_suggest.add_source_options(p)

    p = sub.add_parser(
        "export",
        help="write training data",
        description="Export annotations as Prodigy/spaCy JSONL, doccano JSONL or "
        "a spaCy DocBin. The file is replaced atomically.",
    )
    p.add_argument("project", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument(
        "--format",
        choices=["jsonl", "doccano", "spacy"],
        help="default: by the extension of OUT (.spacy), else jsonl",
    )
    p.add_argument(
        "--only-annotator",
        dest="only_annotator",
        metavar="NAME",
        help="export only this annotator's work",
    )
    p.add_argument(
        "--status",
        action="append",
        choices=ArticleStatus.ALL,
        help="only articles with this status (repeatable; default: all)",
    )
    p.add_argument(
        "--include-suggestions",
        action="store_true",
        help="also export suggestions nobody has reviewed",
    )
    p.add_argument(
        "--gold",
        action="store_true",
        help="export the adjudicated layer: the reviewer's work (articles the "
        "reviewer marked done, unless --status says otherwise), each span and "
        "relation with the annotators who agreed on it (`versions`)",
    )
    p.add_argument(
        "--reviewer",
        metavar="NAME",
        help="with --gold: whose work is the gold layer (default: --annotator)",
    )

    cli_suggest.add_parsers(sub)
    cli_merge.add_parsers(sub)
    cli_agreement.add_parsers(sub)
    cli_train.add_parsers(sub)
    cli_files.add_parsers(sub)

    p = sub.add_parser(
        "stats",
        help="count articles, entities and relations",
        description="Articles by status; entities and relations by label and "
        "status; annotators. With --suggestions: how the suggestions were used.",
    )
    p.add_argument("project", type=Path)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--suggestions",
        action="store_true",
        help="per suggester and label: suggestions accepted as they were, resized, "
        "relabelled or rejected, entities added where none was suggested, and the "
        "same per day",
    )
    p.add_argument(
        "--uncertain",
        type=int,
        metavar="N",
        help="the N articles still to do (for --annotator) that the suggesters were "
        "least sure about, most uncertain first: the ones to annotate next",
    )

    p = sub.add_parser(
        "schema",
        help="show or change the label schema",
        description="Print the project's schema as JSON, or change it. A change "
        "that would orphan annotations is refused; rename or merge labels to "
        "carry annotations along. Changes can be undone in the app.",
    )
    p.add_argument("project", type=Path)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--set", type=Path, metavar="FILE", help="replace the schema")
    group.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"), help="rename a label")
    group.add_argument(
        "--merge", nargs="+", metavar="LABEL", help="merge labels into the one given with --into"
    )
    p.add_argument("--into", metavar="LABEL", help="target label of --merge")
    p.add_argument(
        "--relation",
        action="store_true",
        help="--rename/--merge act on relation labels, not entity labels",
    )

    p = sub.add_parser(
        "log",
        help="show the event log: who changed what, when",
        description="Every change in the project, newest first.",
    )
    p.add_argument("project", type=Path)
    p.add_argument("--article", type=int, help="only events of this article")
    p.add_argument("--limit", type=int, default=50, help="how many events (default 50)")
    p.add_argument("--json", action="store_true", help="print JSON with before/after values")
    return parser


def run(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    settings = Settings.load()
    annotator = getattr(args, "annotator", None) or settings.effective_annotator()
    handler: Callable[[argparse.Namespace, str], int] = {
        None: _sample,
        "import": _import,
        "export": _export,
        "stats": _stats,
        "schema": _schema,
        "log": _log,
        "suggest": lambda a, n: cli_suggest.suggest(a, n, _progress),
        "evaluate": lambda a, n: cli_suggest.evaluate(a, n, _progress),
        "merge": lambda a, n: cli_merge.merge(a, n, _progress),
        "agreement": cli_agreement.agreement,
        "train": cli_train.train,
        "backup": cli_files.backup,
        "recover": cli_files.recover,
    }[args.command]
    project = getattr(args, "project", None)
    stop_notices = dbmod.on_notice(lambda text: print(f"sorot: warning: {text}", file=sys.stderr))
    try:
        if isinstance(project, Path) and project.is_file():
            warning = places.warn_once(project, data_dir() / places.WARNED_FILE)
            if warning:
                print(f"sorot: warning: {warning}", file=sys.stderr)
        return handler(args, annotator)
    except (CliError, ProjectError, SchemaError, CommandError, ExportError, SuggesterError) as exc:
        print(f"sorot: error: {exc}", file=sys.stderr)
    except (OSError, sqlite3.DatabaseError) as exc:
        # Named by its real cause: a lock, a full disk, a permission, a damaged file ...
        writing = getattr(args, "out", None) or getattr(args, "copy", None)
        print(f"sorot: error: {causes.explain(project, exc, writing)}", file=sys.stderr)
    except KeyboardInterrupt:
        print("sorot: interrupted; work committed so far is kept", file=sys.stderr)
        return 130
    finally:
        stop_notices()
    return EXIT_ERROR


class _Progress:
    """A tqdm-backed callback `(done, total)`, silent when stderr is not a terminal."""

    def __init__(self, description: str, unit: str) -> None:
        from tqdm import tqdm

        self._bar = tqdm(desc=description, unit=unit, unit_scale=True, disable=None, leave=False)

    def __call__(self, done: int, total: int) -> None:
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()


def _progress(description: str, unit: str = "B") -> _Progress:
    """A progress bar to pass as a `(done, total)` callback, and close when done."""
    return _Progress(description, unit)


def _open_or_create(path: Path, schema_path: Path | None) -> Store:
    if path.exists():
        if schema_path:
            raise CliError(f"{path}: exists already; use `sorot schema --set` to change its schema")
        return Store.open(path)
    schema = LabelSchema.load(schema_path) if schema_path else None
    try:
        return Store.create(path, schema)
    except ProjectExistsError:  # another process created it a moment ago: use theirs
        return Store.open(path)


def _sample(args: argparse.Namespace, annotator: str) -> int:
    path = ensure_sample_project(
        annotator, progress=lambda: _progress("Suggesting", unit=" articles")
    )
    with Store.open(path, readonly=True) as store:
        print(format_stats(project_stats(store)))
    return EXIT_OK


def _import(args: argparse.Namespace, annotator: str) -> int:
    from annotation.io.importer import import_paths

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise CliError(f"{missing[0]}: no such file or folder")
    with _open_or_create(args.project, args.schema) as store:
        progress = _progress("Importing")
        try:
            report = import_paths(
                store,
                args.paths,
                fmt=args.format,
                annotator=annotator,
                spans_as=args.spans_as,
                title_from=args.title_from,
                progress=progress,
            )
        finally:
            progress.close()
        for problem in report.problems:
            print(problem, file=sys.stderr)
        print(report.summary())
        if report.imported and not args.no_suggest:
            # The articles are committed; suggesting is a second step that can be stopped.
            _suggest_new(store, args)
    return EXIT_REJECTED if report.rejected else EXIT_OK


def _suggest_new(store: Store, args: argparse.Namespace) -> None:
    from annotation.suggest.service import load_memory, pending, suggest_articles

    engine = cli_suggest.load(store.schema, args)
    if not engine.suggesters:
        return
    load_memory(store, engine)
    bar = _progress("Suggesting", unit=" articles")
    try:
        report = suggest_articles(store, engine, pending(store, engine), progress=bar)
    finally:
        bar.close()
    print(report.summary())


def _export(args: argparse.Namespace, annotator: str) -> int:
    from annotation.io.export import export

    fmt = args.format or ("spacy" if args.out.suffix == ".spacy" else "jsonl")
    if args.gold:
        from annotation.team.review_export import export_gold

        if fmt != "jsonl":
            raise CliError("--gold exports JSONL only")
        with Store.open(args.project, readonly=True) as store:
            report = export_gold(
                store,
                args.out,
                args.reviewer or annotator,
                statuses=args.status or [ArticleStatus.DONE],
            )
        print(report.summary())
        return EXIT_OK
    with Store.open(args.project, readonly=True) as store:
        progress = _progress("Exporting", unit=" articles")
        try:
            report = export(
                store,
                args.out,
                fmt=fmt,
                annotator=args.only_annotator,
                statuses=args.status,
                include_suggestions=args.include_suggestions,
                progress=progress,
            )
        finally:
            progress.close()
    for line in [*report.warnings, *report.errors]:
        print(line, file=sys.stderr)
    print(report.summary())
    return EXIT_REJECTED if report.errors else EXIT_OK


def _stats(args: argparse.Namespace, annotator: str) -> int:
    if args.uncertain is not None:
        return _uncertain(args, annotator)
    if args.suggestions:
        from annotation.suggest.usage import suggestion_use

        with Store.open(args.project, readonly=True) as store:
            use = suggestion_use(store)
        print(json.dumps(use.to_json(), indent=2) if args.json else use.format())
        return EXIT_OK
    with Store.open(args.project, readonly=True) as store:
        stats = project_stats(store)
    print(json.dumps(stats, ensure_ascii=False, indent=2) if args.json else format_stats(stats))
    return EXIT_OK


def _uncertain(args: argparse.Namespace, annotator: str) -> int:
    from annotation.project.browse import most_uncertain
    from annotation.project.browse import unmeasured as count_unmeasured

    with Store.open(args.project, readonly=True) as store:
        found = most_uncertain(store, annotator, max(args.uncertain, 0))
        unmeasured = count_unmeasured(store)
    if args.json:
        print(
            json.dumps(
                {
                    "annotator": annotator,
                    "unmeasured": unmeasured,
                    "articles": [vars(a) for a in found],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    print(
        f"Most uncertain articles still to do for {annotator} "
        f"(disputed places / places the suggesters found):"
    )
    for a in found:
        title = " ".join(a.title.split()) or f"Article {a.id}"
        print(
            f"{a.id:>8}  {a.score:.3f}  {a.disputed:>3}/{a.places:<3}  "
            f"{a.status.replace('_', ' '):<11}  {title}"
        )
    if unmeasured:
        print(
            f"{unmeasured} articles not measured yet (never suggested): `sorot suggest` "
            f"measures them"
        )
    return EXIT_OK


def _schema(args: argparse.Namespace, annotator: str) -> int:
    from annotation.project.schema_changes import (
        ENTITY,
        RELATION,
        MergeLabels,
        RenameLabel,
        SetSchema,
    )

    if args.merge and not args.into:
        raise CliError("--merge needs --into LABEL")
    if not (args.set or args.rename or args.merge):
        with Store.open(args.project, readonly=True) as store:
            print(store.schema.to_json())
        return EXIT_OK
    kind = RELATION if args.relation else ENTITY
    command: SetSchema | RenameLabel | MergeLabels
    if args.set:
        command = SetSchema(LabelSchema.load(args.set))
    elif args.rename:
        command = RenameLabel(kind, *args.rename)
    else:
        command = MergeLabels(kind, args.merge, args.into)
    with Store.open(args.project) as store:
        CommandStack(store, annotator).do(command)
    print(f"{command.label}: done")
    return EXIT_OK


def _log(args: argparse.Namespace, annotator: str) -> int:
    sql = "SELECT id, time, annotator, kind, label, article_id, changes, ref FROM events"
    params: list[object] = []
    if args.article is not None:
        sql += " WHERE article_id = ?"
        params.append(args.article)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(args.limit)
    with Store.open(args.project, readonly=True) as store:
        rows = store.db.execute(sql, params).fetchall()
    for eid, time, who, kind, label, article, changes, ref in rows:
        if args.json:
            print(
                json.dumps(
                    {
                        "id": eid,
                        "time": time,
                        "annotator": who,
                        "kind": kind,
                        "label": label,
                        "article_id": article,
                        "ref": ref,
                        "changes": _readable_changes(changes),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            where = f" [article {article}]" if article is not None else ""
            print(f"{eid:>6}  {time}  {who:<12} {kind:<6} {label}{where}")
    return EXIT_OK


def _readable_changes(changes: str) -> object:
    """An event's changes for `sorot log --json`: the stored text itself, as a string, when
    another program wrote changes nested too deeply to read back."""
    try:
        return loads_bounded(changes, "the event's changes")
    except ValueError:
        return changes
