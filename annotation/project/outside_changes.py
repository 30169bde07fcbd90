"""What other processes committed to a project since a mark: for a window that has it open.

A window learns of its own changes from the store's listeners. Another window's edits, a
`sorot` command's import, merge, suggestions or schema change reach it only through the
file; `changes_since` reads what they left behind, cheaply enough to ask every second:

- events after the last one seen, each naming its article (an edit, an undo) or none (an
  import, a merge, a schema change: then everything may have changed);
- articles suggested after the last suggestion seen;
- the number of articles and the highest id, which say articles came or went;
- the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotation.project.store import Store


@dataclass(frozen=True)
class Mark:
    """Where the project stood when it was last looked at."""

    event: int
    suggested: str
    articles: tuple[int, int]
    schema: str


@dataclass
class OutsideChanges:
    """What changed since a mark, and the mark to look from next time."""

    mark: Mark
    articles: set[int] = field(default_factory=set)
    everything: bool = False  # articles came or went, or a change of no one article
    schema: bool = False


def changes_since(store: Store, mark: Mark | None) -> OutsideChanges:
    """What changed in the project since `mark` (None: just take the mark)."""
    db = store.db
    event = db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    suggested = db.execute("SELECT coalesce(max(updated), '') FROM suggested").fetchone()[0]
    articles = tuple(db.execute("SELECT count(*), coalesce(max(id), 0) FROM articles").fetchone())
    schema = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
    now = Mark(event, suggested, articles, schema)
    found = OutsideChanges(now)
    if mark is None:
        return found
    for (article_id,) in db.execute("SELECT article_id FROM events WHERE id > ?", (mark.event,)):
        if article_id is None:
            found.everything = True
        else:
            found.articles.add(article_id)
    found.articles.update(
        r[0]
        for r in db.execute("SELECT article_id FROM suggested WHERE updated > ?", (mark.suggested,))
    )
    found.schema = schema != mark.schema
    found.everything |= found.schema or articles != mark.articles
    if found.everything:
        found.articles.update(store.article_ids())
    return found
