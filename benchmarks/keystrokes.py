"""Keystroke benchmark: the keys (and clicks) an efficient researcher needs to reach a gold file.

    .venv/bin/python benchmarks/keystrokes.py GOLD.jsonl [--limit N] [--json]
        [--strategy cheapest|walk|accept-all] [--mouse]

The gold texts go without their annotations into a fresh project in a temporary folder by
`sorot import`, which suggests for them before the window opens, so a run is deterministic.
The real window is then driven offscreen, article by article, with real key events until it
holds the gold exactly. A key press (Shift+letter too), click or drag is one action, charged
to entities or relations (making an end current counts for the relation). Entities need no
mouse: one is made current by Tab or by G and its hint letters (PageDown / PageUp to bring it
in sight), and one the suggestions missed is drawn with the caret (arrows, Ctrl+arrows, the
gap keys N / Shift+N, Shift+arrows to resize) or found with "/", then given its number key.
Relations need no mouse either: one is made current by Tab while it is an open suggestion,
and, accepted too, by ] or [ from one of its ends or Ctrl+] or Ctrl+[ through the article,
whichever takes fewest keys; --mouse lets a relation also be added by a drag between its two
ends. `sorot export` then writes the project, and every article must equal its gold, or the
differences are listed and the exit code is 1. Strategies: "walk" Tab-walks
the suggestions, one key each; "accept-all" presses Ctrl+Alt+A (entities, then the relations
between them) and fixes the wrong ones; "cheapest" (default) takes, per article, the one the
planner expects to need fewer actions. Relations: a suggestion with the right ends but
another type or direction is changed by T; one missing is added by L (Shift on the hint's
last letter when the first type is right, Tab for an end beyond the neighbouring
sentences), by a drag between two ends in sight (--mouse), or by R's list where L cannot
start.

The planning is in keystroke_plan (no Qt), the hands in keystroke_drive, the plan for one
article in keystroke_article. The planner knows the gold and reads what the window shows
(hint letters, type order, the relation dialog's rows); the project is only ever changed by
the window's gestures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotation.settings import Settings  # noqa: E402
from benchmarks.keystroke_article import Article  # noqa: E402
from benchmarks.keystroke_drive import Researcher  # noqa: E402
from benchmarks.keystroke_plan import WHO, check_export, load_gold  # noqa: E402
from cli import main as cli  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402

MOUSE = ("click", "drag", "alt-drag", "scroll")


def run(
    gold_path: Path, limit: int | None = None, strategy: str = "cheapest", mouse: bool = False
) -> dict:
    """Run the benchmark and return its figures; SystemExit lists any difference."""
    began, golds = time.perf_counter(), load_gold(gold_path, limit)
    if len({g.text for g in golds}) != len(golds):
        raise SystemExit(f"{gold_path}: two records have the same text")
    work = Path(tempfile.mkdtemp(prefix="sorot-keystrokes-"))
    os.environ["SOROT_CONFIG_DIR"] = os.environ["SOROT_DATA_DIR"] = str(work)
    texts, project = work / "texts.jsonl", work / "bench.sorot"
    texts.write_text(
        "".join(json.dumps({"text": g.text}, ensure_ascii=False) + "\n" for g in golds),
        encoding="utf-8",
    )
    with contextlib.redirect_stdout(sys.stderr):  # `sorot import` suggests as well
        if cli.run(["import", str(project), str(texts), "--annotator", "importer"]):
            raise SystemExit("sorot import failed")
    app = QApplication.instance() or QApplication([])
    window = MainWindow(Settings(annotator=WHO), suggestions=False)
    window.open_project(project)
    window.resize(1600, 1000)
    window.show()
    schema = window.workspace.schema
    unknown = {lab for g in golds for *_, lab in g.spans if schema.entity(lab) is None} | {
        lab for g in golds for *_, lab in g.relations if schema.relation(lab) is None
    }
    if unknown:
        raise SystemExit(f"labels not in the project's schema: {', '.join(sorted(unknown))}")
    r = Researcher(app, window, mouse)
    r.activate()
    by_text = {g.text: g for g in golds}
    for _ in golds:
        Article(r, by_text[r.c.article.text], strategy).run()
        r.key("article", "done", Qt.Key_Return, Qt.ControlModifier)
    window.close()
    if problems := check_export(project, golds, schema):
        raise SystemExit(
            f"the project ({project}) does not equal the gold:\n" + "\n".join(problems)
        )
    shutil.rmtree(work, ignore_errors=True)
    spent = Counter()
    for (kind, _), n in r.actions.items():
        spent[{"link": "relation"}.get(kind, kind)] += n
    ents, rels = sum(len(g.spans) for g in golds), sum(len(g.relations) for g in golds)
    added = sum(n for (k, _), n in r.actions.items() if k == "link")
    return {
        "articles": len(golds),
        "gold_entities": ents,
        "gold_relations": rels,
        "actions": {
            "entities": spent["entity"],
            "relations": spent["relation"],
            "done": spent["article"],
            "total": sum(spent.values()),
        },
        "per_gold_entity": round(spent["entity"] / max(ents, 1), 3),
        "per_gold_relation": round(spent["relation"] / max(rels, 1), 3),
        "per_relation_added": round(added / max(r.outcome["relation", "missing"], 1), 3),
        "per_gold_item": round(sum(spent.values()) / max(ents + rels, 1), 3),
        "mouse_actions": {
            kind: sum(
                n
                for (k, g), n in r.actions.items()
                if g in MOUSE and {"link": "relation"}.get(k, k) == kind
            )
            for kind in ("entity", "relation")
        },
        **{
            f"{kind}_suggestions": {
                k: r.outcome[kind, k] for k in ("right", "fixed", "rejected", "missing")
            }
            for kind in ("entity", "relation")
        },
        "gestures": {f"{kind} {g}": n for (kind, g), n in sorted(r.actions.items())},
        "strategies": dict(r.strategies),
        "notes": dict(r.notes),
        "seconds": round(time.perf_counter() - began, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path, metavar="GOLD.jsonl")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument(
        "--strategy", choices=["cheapest", "walk", "accept-all"], default="cheapest"
    )
    parser.add_argument(
        "--mouse", action="store_true", help="let a relation be added by a drag between its ends"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    f = run(args.gold, args.limit, args.strategy, args.mouse)
    if args.json:
        print(json.dumps(f, ensure_ascii=False, indent=2))
        return
    a = f["actions"]
    print(
        f"{f['articles']} articles, {f['gold_entities']} gold entities, "
        f"{f['gold_relations']} gold relations ({f['seconds']} s)\n"
        f"actions: entities {a['entities']} ({f['per_gold_entity']} per gold entity), "
        f"relations {a['relations']} ({f['per_gold_relation']} per gold relation; "
        f"{f['per_relation_added']} per relation added by hand), Ctrl+Enter {a['done']}; "
        f"total {a['total']} ({f['per_gold_item']} per gold entity or relation); mouse: "
        f"entities {f['mouse_actions']['entity']}, relations {f['mouse_actions']['relation']}"
    )
    for kind in ("entity", "relation"):
        s = f[f"{kind}_suggestions"]
        print(
            f"{kind} suggestions: {s['right']} right as shown, {s['fixed']} fixed, "
            f"{s['rejected']} rejected; {s['missing']} missing (added by hand)"
        )
    for name in ("strategies", "gestures", "notes"):
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in f[name].items()))


if __name__ == "__main__":
    main()
