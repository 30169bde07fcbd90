"""Sizes Sorot refuses to go beyond, and why: one place, so that the README can cite them.

An article is held whole in memory as text, tokens and a spaCy Doc while it is imported,
shown or suggested for, at some hundreds of bytes per character, so one article has an upper
size. A news article is 2 to 20 thousand characters; a long report, a few hundred thousand.
"""

from __future__ import annotations

import json
from typing import Any

# The longest article (in characters, as Python counts them): about 2 MB of plain text, some
# 300,000 words. Importing or suggesting for one takes well under 1 GB of memory (see
# benchmarks/bench_memory.py); a longer text is refused at import, naming its file and line.
MAX_ARTICLE_CHARS = 2_000_000

# The longest JSONL line read at all: an article at the limit with its tokens and spans
# written out (Sorot's own export) takes about 40 MB; a longer line is refused unread.
MAX_LINE_BYTES = 64 << 20

# How deeply JSON values may nest inside a record's metadata, which is stored, shown and
# exported as it is. Real metadata nests a few levels; a JSON parser gives up at about 1,000,
# and code that walks the value would hit Python's recursion limit well before its end.
MAX_JSON_DEPTH = 64


class NestedTooDeeply(ValueError):
    """Stored JSON that nests lists or objects more than MAX_JSON_DEPTH levels deep."""


def describe_size(chars: int) -> str:
    """A size in characters for a message: "48,000,000 characters (about 48.0 MB)"."""
    return f"{chars:,} characters (about {chars / 1e6:,.1f} MB)"


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest in a JSON value (a string or number: 0), counted
    up to `limit` + 1 and no further; without recursion, which deep values would exhaust."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if type(item) is dict:
            item = item.values()
        elif type(item) is not list:
            continue
        deepest = max(deepest, level)
        if level > limit:
            break
        stack.extend(
            (child, level + 1) for child in item if type(child) is dict or type(child) is list
        )
    return deepest


def loads_bounded(text: str | bytes, what: str, limit: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads(text)` for JSON read back from a project or a settings file, which another
    program may have written: a value nesting more than `limit` levels deep raises
    NestedTooDeeply (a ValueError) naming `what`, rather than a RecursionError from the parser
    or, later, from code that walks, prints or paints the value. Invalid JSON: ValueError."""
    try:
        value = json.loads(text)
    except RecursionError:
        value = None
    else:
        # Counting brackets is quick; only a text with enough of them can nest too deeply.
        if isinstance(text, bytes):
            brackets = text.count(b"[") + text.count(b"{")
        else:
            brackets = text.count("[") + text.count("{")
        if brackets <= limit:
            return value
        if json_depth(value, limit) <= limit:
            return value
    raise NestedTooDeeply(f"{what} nests lists or objects more than {limit} levels deep")
