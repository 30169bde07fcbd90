"""One long article never takes the machine's memory: real `sorot` processes, their peak
resident memory measured (see benchmarks/bench_memory.py for the full table)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.nlp.tokens import tokenize
from annotation.project.store import Store

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = (
    "Menteri Luar Negeri Retno Marsudi bertemu Menteri Luar Negeri Malaysia Mohamad Hasan di "
    "Jakarta pada Senin. Keduanya membahas perundingan batas maritim di Laut Sulawesi. "
    "Presiden Joko Widodo mendesak ASEAN agar mempercepat kode etik Laut China Selatan. "
    "Juru bicara Kementerian Luar Negeri Tiongkok Wang Wenbin menolak tuduhan itu di Beijing. "
)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="ru_maxrss")]

# Measured in a parent of its own: RUSAGE_CHILDREN keeps the largest child so far.
_PEAK = """
import json, resource, subprocess, sys
done = subprocess.run(json.loads(sys.argv[1]), capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps([done.returncode, peak * (1 if sys.platform == "darwin" else 1024) / 1e6,
                  done.stdout, done.stderr]))
"""


def sorot_peak(tmp_path: Path, *args: str) -> tuple[int, float, str, str]:
    """Run `sorot ARGS`; its exit code, peak RSS in MB, stdout and stderr."""
    argv = [sys.executable, str(ROOT / "main.py"), "--annotator", "ana", *args]
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, json.dumps(argv)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    code, peak, out, err = json.loads(done.stdout)
    return code, peak, out, err


def test_suggesting_a_long_article_takes_bounded_memory(tmp_path: Path) -> None:
    """A 300 KB one-line article: Sorot took about 0.9 GB to suggest for it, the model
    reading it whole; in windows of sentences it takes about what a short one takes."""
    article = tmp_path / "long.txt"
    article.write_text(SENTENCES * (300_000 // len(SENTENCES)), encoding="utf-8")
    project = tmp_path / "p.sorot"
    code, imported, _, err = sorot_peak(
        tmp_path, "import", str(project), str(article), "--no-suggest"
    )
    assert code == 0, err
    code, suggested, out, err = sorot_peak(tmp_path, "suggest", str(project))
    assert code == 0, err
    assert "in 1 articles" in out
    assert imported < 400 and suggested < 450, (imported, suggested)
    with Store.open(project) as store:
        found = {
            (store.article(1).text[e.start : e.end], e.origin)
            for e in store.entities(1, ("suggested",))
        }
    assert "Retno Marsudi" in {surface for surface, _ in found}
    assert {origin.partition(":")[0] for _, origin in found} >= {"rules", "model"}


def test_an_article_over_the_limit_from_an_older_sorot_is_refused_by_suggest(
    tmp_path: Path,
) -> None:
    """Import refuses it now, but an older Sorot took it: suggest says so at once."""
    from annotation.limits import MAX_ARTICLE_CHARS

    text = (SENTENCES * (MAX_ARTICLE_CHARS // len(SENTENCES) + 1))[: MAX_ARTICLE_CHARS + 1]
    project = tmp_path / "old.sorot"
    with Store.create(project) as store, store.transaction():
        store.add_article(
            "Berita pendek di Jakarta.", tokens=next(tokenize(["Berita pendek di Jakarta."]))
        )
        store.add_article(text, tokens=next(tokenize([text])))
    code, peak, _, err = sorot_peak(tmp_path, "suggest", str(project), "--articles", "2")
    assert code == 1
    assert "article 2: 2,000,001 characters, over the limit of 2,000,000" in err
    assert "Traceback" not in err
    assert peak < 600
