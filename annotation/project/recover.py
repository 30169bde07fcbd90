"""`sorot recover`: what can still be read of a damaged project, copied into a new one.

The damaged file is copied to a temporary folder and only that copy is read. Its rows are
salvaged with SQLite's own recovery (the `sqlite3` command's `.recover`) when that command is
installed, else row by row, skipping past the pages that cannot be read. Then a new project
is made and every salvaged row it accepts is copied in, table by table; a row whose article
or entities were lost is left out. The report says, per kind of row, how many were copied
and how many were lost.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotation.project import db as dbmod  # the schema of the new project
from annotation.project.file import atomic, checks, wal
from annotation.project.file.errors import ProjectError, ProjectExistsError

# In an order that satisfies the foreign keys.
TABLES = (
    "meta",
    "articles",
    "tokens",
    "entities",
    "relations",
    "article_status",
    "events",
    "history",
    "suggested",
    "uncertainty",
    "merges",
    "annotator_origins",
    "merged_items",
)
REPORTED = {
    "articles": "articles",
    "entities": "entities",
    "relations": "relations",
    "article_status": "article statuses",
    "events": "events in the log",
}
_AUTOINCREMENT = ("entities", "relations", "events")
SEQUENCE = "salvaged_sequence"
Row = tuple[Any, ...]  # a row (or the parameters of a query) as sqlite3 takes and gives it


@dataclass
class RecoverReport:
    source: Path
    target: Path
    method: str
    before: dict[str, int | None] = field(default_factory=dict)  # None: could not count
    copied: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)  # read, but their article was lost
    lost_articles: list[int] = field(default_factory=list)  # ids other rows still name
    unplaced: int = 0  # rows .recover found and could not put in any table

    def lost(self, table: str) -> int | None:
        before = self.before.get(table)
        return None if before is None else max(before - self.copied.get(table, 0), 0)

    @property
    def complete(self) -> bool:
        return (
            not self.unplaced
            and not any(self.left_out.values())
            and all(self.lost(t) == 0 for t in REPORTED)
        )

    def summary(self) -> str:
        lines = [f"Recovered {self.source} into {self.target} ({self.method}):"]
        for table, words in REPORTED.items():
            copied, before, lost = (
                self.copied.get(table, 0),
                self.before.get(table),
                self.lost(table),
            )
            if before is None:
                lines.append(
                    f"  {words:<18} {copied:>8,} copied (how many there were cannot be read)"
                )
                continue
            note = f"   {lost:,} lost" if lost else ""
            left = self.left_out.get(table, 0)
            if table == "articles" and lost and self.lost_articles:
                shown = ", ".join(map(str, self.lost_articles[:20]))
                more = " ..." if len(self.lost_articles) > 20 else ""
                note += f" ({'ids' if len(self.lost_articles) > 1 else 'id'} {shown}{more})"
            elif left:
                note += (
                    " with the lost articles"
                    if left == lost
                    else f" ({left:,} with the lost articles)"
                    if lost
                    else f"   {left:,} left out with the lost articles"
                )
            lines.append(f"  {words:<18} {copied:>8,} of {before:,}{note}")
        if self.unplaced:
            lines.append(f"{self.unplaced:,} fragments of rows could not be placed in any table.")
        if self.complete:
            lines.append(
                "Nothing was lost: every article, entity, relation, status and event was copied."
            )
        lines.append(f"{self.source} was not changed.")
        return "\n".join(lines)


def recover(
    source: Path, target: Path, default_schema: str, sqlite3_cli: str | None = None
) -> RecoverReport:
    """Copy what can be read of the project at `source` into a new project at `target`.

    `sqlite3_cli`: the `sqlite3` command to salvage with (None: row by row in Python).
    `default_schema`: the label schema JSON for the new project if the old one is lost.
    """
    source, target = Path(source), Path(target)
    header = checks.read_header(source)
    # A file whose first 16 bytes were overwritten still carries Sorot's application id:
    # recovered like any damaged project. Any other file (empty, text, another program's
    # SQLite file) is refused here, naming the file given, before anything is made.
    mark = dbmod.APPLICATION_ID.to_bytes(4, "big")
    bad_magic = not header.startswith(checks.SQLITE_MAGIC) and header[68:72] == mark
    if not bad_magic:
        checks.check_header(source, header, dbmod.APPLICATION_ID)
    if target.exists():
        raise ProjectExistsError(f"{target}: already exists; choose another name")
    if not target.parent.is_dir():
        raise ProjectError(f"{target.parent}: no such folder")
    with tempfile.TemporaryDirectory(prefix="sorot-recover-") as tmp:
        copy = Path(tmp) / "damaged.sorot"
        shutil.copyfile(source, copy)
        if bad_magic:  # so that SQLite reads the copy's pages at all
            with open(copy, "r+b") as f:
                f.write(checks.SQLITE_MAGIC)
        if wal.committed_frames(source):
            shutil.copyfile(wal.wal_path(source), wal.wal_path(copy))
            if wal.foreign_wal(copy, checks.QUICK_CHECK_BUDGET_S):
                wal.wal_path(copy).unlink()
        salvage = Path(tmp) / "salvage.db"
        method = "with sqlite3's .recover"
        failed = _cli_salvage(sqlite3_cli, copy, salvage) if sqlite3_cli else "not installed"
        if failed:
            method = "row by row" + (f"; sqlite3's .recover {failed}" if sqlite3_cli else "")
            salvage.unlink(missing_ok=True)
            _python_salvage(copy, salvage, source)
        report = RecoverReport(source, target, method, before=_counts(copy))
        found = sqlite3.connect(salvage)
        try:
            _refuse_newer(found, source)
            schema = _text_value(found, "SELECT value FROM meta WHERE key = 'schema'")
            new = atomic.scratch_path(target, "recovering")
            try:
                dbmod.create_project(new, schema or default_schema)
                _copy_rows(found, new, report)
                atomic.publish(new, target)
            finally:
                atomic.remove_scratch(new)
        finally:
            found.close()
    return report


def _refuse_newer(found: sqlite3.Connection, source: Path) -> None:
    # A newer Sorot's tables and columns would not fit this Sorot's new project: lost.
    try:
        newer = checks.newer_than_this(
            found, (m.name for m in dbmod.migrations._migrations), dbmod.SCHEMA_VERSION
        )
    except sqlite3.DatabaseError:  # no record of the migrations was salvaged
        return
    if newer is not None:
        raise ProjectError(
            f"{checks.newer_message(source, newer)}; recover it with that "
            f"Sorot, which knows all of its tables"
        )


def _cli_salvage(cli: str, copy: Path, salvage: Path) -> str:
    """Salvage with `sqlite3 COPY .recover | sqlite3 SALVAGE`; say why if that failed."""
    try:
        dump = subprocess.Popen(
            [cli, str(copy), ".recover"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert dump.stdout is not None and dump.stderr is not None, "both are pipes"
        load = subprocess.run([cli, str(salvage)], stdin=dump.stdout, capture_output=True)
        dump.stdout.close()
        error = dump.stderr.read().decode(errors="replace").strip()
        dump.stderr.close()
        dump.wait()
    except OSError as exc:
        return f"could not run ({exc.strerror})"
    if dump.returncode != 0 or load.returncode != 0 or not salvage.exists():
        return f"failed ({error or load.stderr.decode(errors='replace').strip()})"
    return ""


def _python_salvage(copy: Path, salvage: Path, source: Path) -> None:
    """Salvage row by row from `copy`, a copy of `source` (the file named in messages)."""
    src = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    out = sqlite3.connect(salvage)
    try:
        try:
            names = {r[0] for r in src.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            raise ProjectError(
                f"{source}: even the list of its tables cannot be read ({exc}); install "
                f"the sqlite3 command (SQLite's tools), whose .recover can find rows without "
                f"it, and run `sorot recover` again"
            ) from exc
        version = _value(src, "PRAGMA user_version")
        if isinstance(version, int):
            out.execute(f"PRAGMA user_version = {version}")
        for table in (*TABLES, "sqlite_sequence", checks.MIGRATIONS_TABLE):
            if table not in names:
                continue
            columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            quoted = ", ".join(f'"{c}"' for c in columns)
            # SQLite keeps the name sqlite_sequence to itself; .recover's output uses it.
            name = SEQUENCE if table == "sqlite_sequence" else table
            out.execute(f"CREATE TABLE {name} ({quoted})")
            rows = (
                _whole(src, table, quoted)
                if table in ("merged_items", "sqlite_sequence", checks.MIGRATIONS_TABLE)
                else _readable_rows(src, table, quoted)
            )
            out.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})", rows)
        out.commit()
    finally:
        src.close()
        out.close()


def _whole(conn: sqlite3.Connection, table: str, columns: str) -> list[Row]:
    try:
        return conn.execute(f"SELECT {columns} FROM {table}").fetchall()
    except sqlite3.DatabaseError:
        return []


def _readable_rows(
    conn: sqlite3.Connection, table: str, columns: str, batch: int = 500
) -> Iterator[Row]:
    """Every row of a rowid table that can be read, in rowid order, skipping ahead past the
    pages that cannot (by doubling steps from the last rowid read)."""
    after = -(2**63)
    while True:
        try:
            ids = [
                r[0]
                for r in conn.execute(
                    f"SELECT rowid FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT {batch}",
                    (after,),
                )
            ]
        except sqlite3.DatabaseError:
            past = _skip(conn, table, after)
            if past is None:
                return
            after = past
            continue
        if not ids:
            return
        for rowid in ids:
            try:
                row = conn.execute(
                    f"SELECT {columns} FROM {table} WHERE rowid = ?", (rowid,)
                ).fetchone()
            except sqlite3.DatabaseError:
                continue
            if row is not None:
                yield row
        after = ids[-1]


def _skip(conn: sqlite3.Connection, table: str, after: int) -> int | None:
    """A rowid past `after` from which the table can be walked again (minus one)."""
    step = 1
    while after + step < 2**62:
        try:
            row = conn.execute(
                f"SELECT rowid FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 1", (after + step,)
            ).fetchone()
        except sqlite3.DatabaseError:
            step *= 2
            continue
        return None if row is None else row[0] - 1
    return None


def _counts(copy: Path) -> dict[str, int | None]:
    """How many rows the damaged file says each reported table has (None: unreadable)."""
    conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    counts: dict[str, int | None] = {}
    try:
        for table in REPORTED:
            counts[table] = _int_value(conn, f"SELECT count(*) FROM {table}")
        seq = _int_value(conn, "SELECT seq FROM sqlite_sequence WHERE name = 'events'")
        if seq is not None and (counts["events"] is None or seq > counts["events"]):
            counts["events"] = seq  # the log is append-only: every id up to seq was written
    finally:
        conn.close()
    return counts


def _copy_rows(found: sqlite3.Connection, new: Path, report: RecoverReport) -> None:
    conn = sqlite3.connect(new, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN")
        present = {r[0] for r in found.execute("SELECT name FROM sqlite_master")}
        for table in TABLES:
            if table not in present:
                continue
            theirs = {r[1] for r in found.execute(f"PRAGMA table_info({table})")}
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] in theirs]
            quoted = ", ".join(f'"{c}"' for c in columns)
            verb = "INSERT OR REPLACE" if table == "meta" else "INSERT"
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
            sql = sql.replace("INSERT", verb, 1)
            order = "" if table == "merged_items" else " ORDER BY rowid"
            copied = left = 0
            for row in found.execute(f"SELECT {quoted} FROM {table}{order}"):
                try:
                    conn.execute(sql, row)
                    copied += 1
                except sqlite3.IntegrityError:
                    if table == "events" and _without_ref(conn, sql, columns, row):
                        copied += 1
                    else:
                        left += 1
            report.copied[table], report.left_out[table] = copied, left
        sequence = next((t for t in ("sqlite_sequence", SEQUENCE) if t in present), None)
        if sequence is not None:
            for table in _AUTOINCREMENT:
                seq = _value(found, f"SELECT max(seq) FROM {sequence} WHERE name = ?", (table,))
                if seq is not None:
                    conn.execute(
                        "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (seq, table)
                    )
        if "lost_and_found" in present:
            report.unplaced = _int_value(found, "SELECT count(*) FROM lost_and_found") or 0
        known = {r[0] for r in conn.execute("SELECT id FROM articles")}
        named: set[int] = set()
        for table in ("entities", "article_status", "tokens", "events"):
            if table in present:
                named |= {
                    r[0]
                    for r in found.execute(
                        f"SELECT DISTINCT article_id FROM {table} WHERE article_id IS NOT NULL"
                    )
                }
        report.lost_articles = sorted(a for a in named - known if isinstance(a, int))
        if report.before.get("articles") is None and report.lost_articles:
            report.before["articles"] = len(known) + len(report.lost_articles)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _without_ref(conn: sqlite3.Connection, sql: str, columns: list[str], row: Row) -> bool:
    # An event whose undone event was lost keeps its place in the log, without the link.
    if "ref" not in columns:
        return False
    values = list(row)
    values[columns.index("ref")] = None
    try:
        conn.execute(sql, values)
    except sqlite3.IntegrityError:
        return False
    return True


def _value(conn: sqlite3.Connection, sql: str, params: Row = ()) -> object:
    """The first column of the first row (None: no row, or it cannot be read)."""
    try:
        row = conn.execute(sql, params).fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else row[0]


def _int_value(conn: sqlite3.Connection, sql: str, params: Row = ()) -> int | None:
    """`_value` if it is a whole number, else None (a damaged file may hold anything)."""
    value = _value(conn, sql, params)
    return value if isinstance(value, int) else None


def _text_value(conn: sqlite3.Connection, sql: str, params: Row = ()) -> str | None:
    """`_value` if it is text, else None (a damaged file may hold anything)."""
    value = _value(conn, sql, params)
    return value if isinstance(value, str) else None
