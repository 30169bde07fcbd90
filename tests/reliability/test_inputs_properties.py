"""Property tests (hypothesis) of span and relation records: import, export, import again.

Records are drawn near the edge of valid: spans on and off token edges, overlapping,
repeated, out of range; suggestions with any score (NaN, Infinity, huge integers);
relations between any of them; odd metadata. Whatever is drawn, import reports problems
and never fails, every exported line is JSON proper, and importing the export gives the
same entities and relations (with doccano too, suggestions included). This found the
doccano export turning suggestions into accepted entities, which then overlapped.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from annotation.io.export import export  # noqa: E402
from annotation.io.importer import import_paths  # noqa: E402
from annotation.project.store import Store  # noqa: E402

TEXT = "Presiden Joko Widodo bertemu Anwar Ibrahim di Bogor, Jawa Barat, pada Senin 😀."
EDGES = sorted(
    {0, len(TEXT)}
    | {m.start() for m in re.finditer(r"\S+", TEXT)}
    | {m.end() for m in re.finditer(r"\S+", TEXT)}
)
LABELS = ["PER", "GPE", "ORG", "LOC", "ROLE", "DATE", "EVENT"]
RELATIONS = ["MEETS", "VISITS", "HOLDS_ROLE", "LOCATED_IN", "MEMBER_OF"]
SCORES = (
    st.none()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**400), max_value=10**400)
)
META = st.dictionaries(
    st.text(max_size=4), st.none() | st.floats() | st.text(max_size=4) | st.integers(), max_size=3
)


@st.composite
def spans(draw: st.DrawFn, shift: int) -> list[dict]:
    found = []
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 4)):  # mostly on word edges, now and then anywhere
            start = draw(st.sampled_from(EDGES[:-1]))
            end = draw(st.sampled_from([e for e in EDGES if e > start]))
        else:
            start, end = draw(st.integers(-2, len(TEXT) + 2)), draw(st.integers(-2, 90))
        span = {"start": start + shift, "end": end + shift, "label": draw(st.sampled_from(LABELS))}
        if draw(st.booleans()):
            span.update(
                status="suggested",
                score=draw(SCORES),
                source=draw(st.sampled_from(["model", "", "rules:gazetteer"])),
            )
        found.append(span)
    return found


@st.composite
def records(draw: st.DrawFn, number: int) -> dict:
    prefix = f"{number}. "  # each record its own article
    found = draw(spans(len(prefix)))
    relations = []
    for _ in range(draw(st.integers(0, 4)) if len(found) > 1 else 0):
        head, child = draw(st.sampled_from(found)), draw(st.sampled_from(found))
        rel = {
            "label": draw(st.sampled_from(RELATIONS)),
            "head_span": {k: head[k] for k in ("start", "end", "label")},
            "child_span": {k: child[k] for k in ("start", "end", "label")},
        }
        if draw(st.booleans()):
            rel.update(status="suggested", score=draw(SCORES))
        relations.append(rel)
    return {
        "text": prefix + TEXT,
        "spans": found,
        "relations": relations,
        "meta": draw(META),
        "_annotator_id": draw(st.sampled_from([None, "ana", "budi"])),
    }


def _strict(line: str) -> None:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    json.loads(line, parse_constant=refuse)


def _content(store: Store, annotators: bool) -> list:
    rows = []
    for (article_id,) in store.db.execute("SELECT id FROM articles ORDER BY id"):
        live = ("accepted", "suggested")
        ents = {e.id: e for e in store.entities(article_id, live)}
        rows.append(
            (
                store.article(article_id).text,
                sorted(
                    (
                        e.start,
                        e.end,
                        e.label,
                        e.status,
                        e.annotator if annotators else "",
                        repr(e.score),
                    )
                    for e in ents.values()
                ),
                sorted(
                    (
                        ents[r.head].start,
                        ents[r.head].end,
                        ents[r.child].start,
                        ents[r.child].end,
                        r.label,
                        r.status,
                    )
                    for r in store.relations(article_id, live)
                ),
            )
        )
    return rows


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    st.integers(1, 4).flatmap(lambda n: st.tuples(*(records(i) for i in range(n)))),
    st.sampled_from(["jsonl", "doccano"]),
)
def test_import_export_import_keeps_every_span_and_relation(recs: tuple, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        data = folder_path / "in.jsonl"
        data.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8"
        )
        out = folder_path / "out.jsonl"
        with Store.create(folder_path / "p.sorot") as first:
            import_paths(first, [data], annotator="ana")  # problems reported, never raised
            export(first, out, fmt=fmt, include_suggestions=True)
            for line in out.read_text(encoding="utf-8").split("\n")[:-1]:
                _strict(line)
            with Store.create(folder_path / "q.sorot") as second:
                again = import_paths(second, [out], annotator="ana")
                assert again.problems == []
                # doccano records carry no annotator: the importer's is given to all
                annotators = fmt == "jsonl"
                assert _content(second, annotators) == _content(first, annotators)


def test_a_duplicate_records_accepted_entity_replaces_the_same_suggestion(tmp_path: Path) -> None:
    """Found by the property test above: the suggestion stays beside the accepted entity,
    breaking "suggestions never overlap an accepted entity"."""
    suggested = {
        "text": TEXT,
        "spans": [
            {"start": 0, "end": 8, "label": "ROLE", "status": "suggested", "source": "model"}
        ],
    }
    accepted = {"text": TEXT, "spans": [{"start": 0, "end": 8, "label": "ROLE"}]}
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps(suggested) + "\n" + json.dumps(accepted) + "\n", "utf-8")
    with Store.create(tmp_path / "p.sorot") as store:
        import_paths(store, [data], annotator="ana")
        statuses = sorted(e.status for e in store.entities(1))
    assert statuses == ["accepted"]
