"""The keystroke benchmark reaches accepted relations by keys: after Ctrl+Alt+A a wrong
relation is made current by ] or [ from one of its ends, or Ctrl+] or Ctrl+[ through the
article, never by a click on its label. Run as anyone would run it, on the benchmark's own
three-article gold (tests/data/keystrokes), where Ctrl+Alt+A accepts a relation with the
wrong type and one that is wrong altogether."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "keystrokes" / "gold.jsonl"
RELATION_KEYS = ("]", "[", "ctrl+]", "ctrl+[")


def test_accept_all_fixes_accepted_relations_without_the_mouse(tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "keystrokes.py"),
            str(GOLD),
            "--json",
            "--strategy",
            "accept-all",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]  # it checks the export against the gold
    f = json.loads(done.stdout)
    gestures = f["gestures"]
    rels = f["relation_suggestions"]
    assert rels["fixed"] >= 1 and rels["rejected"] >= 1, rels  # accepted, then fixed
    assert f["mouse_actions"] == {"entity": 0, "relation": 0}
    assert not any("click" in g for g in gestures), gestures
    assert sum(gestures.get(f"relation {k}", 0) for k in RELATION_KEYS) >= 1, gestures
    assert gestures.get("relation T") == rels["fixed"]
