"""The command line's suggestion commands: `sorot suggest` and `sorot evaluate`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotation.project.store import Store
from annotation.schema import LabelSchema, default_schema
from annotation.settings import Settings
from cli.exit_codes import EXIT_ERROR, EXIT_OK, EXIT_REJECTED

if TYPE_CHECKING:  # the suggestion engine is loaded only by the commands that suggest
    from annotation.nlp.engine import Engine


def add_source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        action="append",
        metavar="NAME",
        help="a suggester to use: 'rules', 'model' (the shipped model), or an "
        "installed spaCy pipeline by package name or path; repeat for several "
        "(default: from settings, else rules and model)",
    )
    p.add_argument(
        "--pipeline-label-map",
        action="append",
        default=[],
        metavar="FROM=TO",
        help="map a label of the --source pipelines to a project label "
        "(PERSON=PER); FROM= drops the label",
    )
    p.add_argument(
        "--no-relation-model",
        action="store_true",
        help="suggest relations with the rules alone, without the project's "
        "adopted relation model or the shipped one (the shipped one is used only "
        'when the settings say "relation_model": true)',
    )


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "suggest",
        help="pre-annotate articles with suggested entities and relations",
        description="Suggest entities and relations for the project's articles "
        "that have none from these suggesters yet (or for --articles), in "
        "batches, committing after each batch: stop at any time and run again "
        "to go on. Decisions are never changed, also those made while it "
        "runs. An article longer than Sorot takes (2,000,000 characters) is "
        "skipped and named. Exit code 3 when it stopped part-way (what was "
        "suggested until then is kept) or a suggester could not be loaded.",
    )
    p.add_argument("project", type=Path)
    p.add_argument(
        "--articles",
        type=int,
        nargs="+",
        metavar="ID",
        help="only these articles (suggested again even if they have suggestions)",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="suggest again for every article, not only those still pending",
    )
    add_source_options(p)

    p = sub.add_parser(
        "evaluate",
        help="score suggestions against gold annotations",
        description="Suggest for each record of a gold JSONL file (the format "
        "`sorot import` reads) and report precision, recall and F1 for entities "
        "(exact span and label), overall and per label, and for relations where "
        "the gold file has them, with the throughput.",
    )
    p.add_argument("gold", type=Path, metavar="GOLD.jsonl")
    add_source_options(p)
    p.add_argument(
        "--label-map",
        action="append",
        default=[],
        metavar="FROM=TO",
        help="map a suggested label onto the gold file's labels (GPE=LOC); FROM= leaves it out",
    )
    p.add_argument("--no-relations", action="store_true", help="entities only")
    p.add_argument(
        "--relation-model",
        type=Path,
        metavar="DIR",
        help="suggest relations with the rules and this relation model (a folder "
        "`sorot train` wrote: an adopted one, an --out folder or its relations/)",
    )
    p.add_argument(
        "--gold-entities",
        action="store_true",
        help="score relations only, suggested among the gold entities, so that "
        "entity errors do not count against them",
    )
    p.add_argument(
        "--learn",
        action="store_true",
        help="simulate a labelling session: after each batch, teach the memory "
        "the gold answers (accepted spans, rejected suggestions) before going on",
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def load(schema: LabelSchema, args: argparse.Namespace, relations: bool = True) -> Engine:
    """Load the engine the options and settings ask for; print what could not be loaded."""
    from annotation.nlp.suggestion import SuggesterError
    from annotation.suggest.evaluate import parse_label_map
    from annotation.suggest.service import engine_from_settings

    try:
        label_map = parse_label_map(args.pipeline_label_map)
    except ValueError as exc:
        raise SuggesterError(str(exc)) from None
    relation_model = getattr(args, "relation_model", None)
    no_model = getattr(args, "no_relation_model", False)
    if relation_model is not None and no_model:
        raise SuggesterError("--relation-model and --no-relation-model: choose one")
    if relation_model is not None:
        from annotation.nlp.relation_model import find_model

        found = find_model(relation_model)
        if found is None:
            raise SuggesterError(f"--relation-model {relation_model}: no relation model there")
        relation_model = found
    engine = engine_from_settings(
        schema,
        Settings.load(),
        args.source,
        label_map,
        relations=relations,
        project=getattr(args, "project", None),
        relation_model=relation_model,
        learned_relations=False if no_model else None,
    )
    for problem in engine.problems:
        print(f"sorot: warning: {problem}; going on without it", file=sys.stderr)
    return engine


def suggest(args: argparse.Namespace, annotator: str, progress: Any) -> int:
    from annotation.suggest.service import TooLong, load_memory, pending, suggest_articles

    with Store.open(args.project) as store:
        engine = load(store.schema, args)
        if not engine.suggesters:
            return EXIT_ERROR
        load_memory(store, engine)
        too_long: list[TooLong] = []
        if args.articles:
            known = set(store.article_ids())
            missing = [a for a in args.articles if a not in known]
            if missing:
                print(f"sorot: error: no article {missing[0]} in {args.project}", file=sys.stderr)
                return EXIT_ERROR
            ids = args.articles
        else:
            ids = store.article_ids() if args.all else pending(store, engine, too_long=too_long)
        bar = progress("Suggesting", unit=" articles")
        try:
            report = suggest_articles(store, engine, ids, progress=bar)
        finally:
            bar.close()
    report.too_long[:0] = too_long
    for skipped in report.too_long:
        print(f"sorot: warning: {skipped.message()}", file=sys.stderr)
    print(report.summary())
    if report.stopped:
        # Exit code 1 says nothing was changed; the batches before the stop are committed.
        print(f"sorot: error: suggesting stopped: {report.stopped}", file=sys.stderr)
        return EXIT_REJECTED
    if report.too_long and not report.articles:
        return EXIT_ERROR  # every article asked for is over the limit: nothing was changed
    return EXIT_REJECTED if engine.problems else EXIT_OK


def evaluate(args: argparse.Namespace, annotator: str, progress: Any) -> int:
    from annotation.suggest.evaluate import evaluate as run_evaluation
    from annotation.suggest.evaluate import parse_label_map

    if not args.gold.is_file():
        print(f"sorot: error: {args.gold}: no such file", file=sys.stderr)
        return EXIT_ERROR
    try:
        label_map = parse_label_map(args.label_map)
    except ValueError as exc:
        print(f"sorot: error: --label-map: {exc}", file=sys.stderr)
        return 2
    from annotation.nlp.suggestion import SuggesterError

    if args.gold_entities and args.no_relations:
        print(
            "sorot: error: --gold-entities scores relations; drop --no-relations", file=sys.stderr
        )
        return 2
    schema = default_schema()
    began = time.perf_counter()
    try:
        engine = load(schema, args, relations=not args.no_relations)
    except SuggesterError as exc:
        print(f"sorot: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if not engine.suggesters:
        return EXIT_ERROR
    load_seconds = time.perf_counter() - began
    bar = progress("Evaluating", unit=" records")
    try:
        result = run_evaluation(
            args.gold,
            engine,
            schema,
            label_map=label_map,
            progress=bar,
            load_seconds=load_seconds,
            learn=args.learn,
            gold_entities=args.gold_entities,
            batch_size=16 if args.learn else 64,
        )
    finally:
        bar.close()
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(result.format())
    return EXIT_REJECTED if result.problems or engine.problems else EXIT_OK
