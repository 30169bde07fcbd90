"""Export, import into a new project, export again: the same bytes, for several annotators."""

from __future__ import annotations

import re
from pathlib import Path

from annotation.io.export import export
from annotation.io.importer import import_paths
from annotation.project.commands import AddEntity, AddRelation, CommandStack, SetArticleStatus
from annotation.project.store import Store

TEXT = (
    "Menteri Luar Negeri Retno Marsudi 😀 bertemu Wang Yi di Beijing,\r\n"
    "Senin (4/12/2023). Keduanya sepakat\tmendorong gencatan senjata."
)


def span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def annotate(store: Store, article: int, who: str, labels: dict[str, str]) -> None:
    stack = CommandStack(store, who)
    ids = {
        needle: stack.do(AddEntity(article, *span(needle), label)).entity_id
        for needle, label in labels.items()
    }
    stack.do(AddRelation(ids["Retno Marsudi"], ids["Wang Yi"], "MEETS"))
    stack.do(SetArticleStatus(article, "done"))


def test_two_annotators_survive_export_and_import(tmp_path: Path) -> None:
    first = Store.create(tmp_path / "first.sorot")
    with first.transaction():
        article = first.add_article(TEXT, title="Retno bertemu Wang Yi", source="fixture")
    annotate(first, article, "ana", {"Retno Marsudi": "PER", "Wang Yi": "PER", "Beijing": "GPE"})
    annotate(
        first,
        article,
        "budi",
        {"Retno Marsudi": "PER", "Wang Yi": "PER", "Senin (4/12/2023)": "DATE"},
    )
    out1 = tmp_path / "one.jsonl"
    assert export(first, out1).records == 2

    second = Store.create(tmp_path / "second.sorot")
    report = import_paths(second, [out1], annotator="someone-else")
    assert (report.imported, report.duplicate, report.added) == (1, 1, 1)
    out2 = tmp_path / "two.jsonl"
    export(second, out2)
    # Each project names itself in `_project_id`; everything else survives byte for byte.
    ids = re.compile(rb',"_project_id":"[0-9a-f]{32}"')
    assert ids.sub(b"", out2.read_bytes()) == ids.sub(b"", out1.read_bytes())

    again = import_paths(second, [out1], annotator="someone-else")
    assert (again.imported, again.added) == (0, 0)  # the same file twice adds nothing
    assert second.annotators() == ["ana", "budi"]
    first.close()
    second.close()
