"""Files to import, checked whole before any record is read: encoding, shape and size.

A file that fails these checks is refused whole (`Refused`), with the reason and the place;
`annotation.io.readers` then parses the records of the files that pass, one `Problem` per bad
record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from annotation.limits import MAX_ARTICLE_CHARS, describe_size

BOM = b"\xef\xbb\xbf"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_CHUNK = 1 << 22
# UTF-8 takes at most 4 bytes a character: a longer .txt file is too long, unread.
_MAX_TXT_BYTES = 4 * MAX_ARTICLE_CHARS


@dataclass(frozen=True)
class Problem:
    """A record (or a whole file) that was not imported, and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class Skipped(Problem):
    """A record left out on purpose (a rejected or ignored Prodigy task), not an error."""


class Refused(Exception):
    """A file refused whole (wrong encoding, binary); nothing from it is imported."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Source:
    """A file to read: its path, the name to show and store, and the format asked for."""

    path: Path
    name: str
    fmt: str | None = None

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


def too_long(chars: int) -> str:
    """Why an article of `chars` characters is refused."""
    return (
        f"the text is {describe_size(chars)}, longer than the {MAX_ARTICLE_CHARS:,} "
        "characters Sorot takes in one article; split it into articles (one per .txt "
        "file, or one per JSONL line)"
    )


def read_txt(source: Source) -> bytes:
    """A .txt file's bytes; raise Refused if it cannot be read or is far too long to read."""
    size = source.size
    if size > _MAX_TXT_BYTES:
        # Not read at all: decoding and tokenizing it would take gigabytes.
        raise Refused(
            Problem(
                str(source.path),
                1,
                f"the file is {size / 1e6:,.1f} MB, "
                f"longer than the {MAX_ARTICLE_CHARS:,} characters Sorot takes "
                "in one article; split it into articles (one per .txt file, or "
                "one per JSONL line); nothing was imported",
            )
        )
    try:
        return source.path.read_bytes()
    except OSError as exc:
        raise Refused(Problem(str(source.path), 0, f"cannot read: {exc.strerror}")) from exc


def check_encoding(source: Source, data: bytes, offset: int = 0, lines: int = 0) -> None:
    """Raise Refused unless `data` (the file from byte `offset`, line `lines` + 1) is UTF-8."""
    path = str(source.path)
    if offset == 0:
        if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
            raise Refused(
                Problem(
                    path,
                    1,
                    "UTF-32 text (it starts with a UTF-32 byte-order "
                    "mark); Sorot reads UTF-8 only: save it as UTF-8",
                )
            )
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise Refused(
                Problem(
                    path,
                    1,
                    "UTF-16 text (it starts with a UTF-16 byte-order "
                    "mark); Sorot reads UTF-8 only: save it as UTF-8",
                )
            )
    nul = data.find(b"\0")
    if nul >= 0:
        line = lines + data.count(b"\n", 0, nul) + 1
        raise Refused(
            Problem(
                path,
                line,
                f"a NUL byte at byte {offset + nul}: this is a binary "
                "file or text not in UTF-8; nothing was imported",
            )
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = lines + data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise Refused(
            Problem(
                path,
                line,
                f"not UTF-8: byte {offset + exc.start} (0x{data[exc.start]:02x}, line "
                f"{line}, column {column}) cannot be decoded; save the file as UTF-8 "
                "(nothing was imported)",
            )
        ) from None


def scan_encoding(source: Source) -> None:
    """Check a whole file before any of it is imported, in chunks that end at a newline."""
    offset = lines = 0
    try:
        with open(source.path, "rb") as f:
            while chunk := f.read(_CHUNK):
                # Ending each chunk at a newline keeps every character whole, because
                # b"\n" never occurs inside a multi-byte UTF-8 sequence.
                chunk += f.readline()
                check_encoding(source, chunk, offset, lines)
                offset += len(chunk)
                lines += chunk.count(b"\n")
    except OSError as exc:
        raise Refused(Problem(str(source.path), 0, f"cannot read: {exc.strerror}")) from exc


def check_shape(source: Source, fmt: str | None) -> None:
    """Refuse a JSON document or a file of unknown kind before it floods the report."""
    with open(source.path, "rb") as f:
        first = f.readline()
        while first and not first.strip():
            first = f.readline()
    first = first.removeprefix(BOM).strip()
    if first.startswith(b"["):
        try:
            json.loads(first)
        except ValueError:
            raise Refused(
                Problem(
                    str(source.path),
                    1,
                    "a JSON array spread over lines, not JSON Lines (one object per line)",
                )
            ) from None
        except RecursionError:
            pass  # one line of arrays nested too deeply: that line's problem, reported so
    elif (
        first
        and not first.startswith(b"{")
        and fmt is None
        and source.path.suffix.lower() not in (*JSONL_SUFFIXES, ".json")
    ):
        raise Refused(
            Problem(
                str(source.path),
                1,
                "cannot tell the format: neither a .txt "
                "file nor JSON Lines; give the format (txt, jsonl or doccano)",
            )
        )
