"""Generate Indonesian news-like articles with entities and relations, as Sorot JSONL.

Deterministic for a given seed. Each article is about 3 KB with about 20 entities and 5
relations, written as sentences from templates with entity slots, so that spans are real
words a tokenizer sees in news text, between real news sentences.

The real sentences come from the NER datasets in `../shared/data/*/train.jsonl` (with their
PER/ORG/LOC spans), when they are there. They matter: a tokenizer's speed depends on how
often it meets a word it has not cached, and text made only from templates has a vocabulary
of a few hundred words, which spaCy's tokenizer runs through about six times faster than
real news. Without the datasets, the template fillers are used, and the tokenizer-relative
figures come out less favourable to everything but the tokenizer.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

PER = [
    "Prabowo Subianto",
    "Emmanuel Macron",
    "Wang Yi",
    "Sergey Lavrov",
    "Antony Blinken",
    "Retno Marsudi",
    "Recep Tayyip Erdoğan",
    "Miguel Díaz-Canel",
    "Ebrahim Raisi",
    "Anwar Ibrahim",
    "Fumio Kishida",
    "Narendra Modi",
    "Luiz Inácio Lula da Silva",
]
ROLE = [
    "Presiden",
    "Menteri Luar Negeri",
    "Perdana Menteri",
    "Juru Bicara",
    "Duta Besar",
    "Sekretaris Jenderal",
    "Menteri Pertahanan",
]
GPE = [
    "Indonesia",
    "Amerika Serikat",
    "AS",
    "Tiongkok",
    "Rusia",
    "Iran",
    "Kuba",
    "Prancis",
    "Jepang",
    "Malaysia",
    "Turki",
    "Palestina",
    "Israel",
    "Qatar",
    "Mesir",
    "Jakarta",
    "Teheran",
    "Beijing",
    "Doha",
]
ORG = [
    "PBB",
    "Dewan Keamanan PBB",
    "OKI",
    "Uni Eropa",
    "ASEAN",
    "BRICS",
    "NATO",
    "Liga Arab",
    "Kementerian Luar Negeri",
    "Hamas",
]
EVENT = ["KTT G20", "KTT ASEAN ke-43", "Sidang Majelis Umum PBB", "COP 28", "KTT BRICS"]
DATE = [
    "Senin (4/12/2023)",
    "20 November 2023",
    "Rabu 23 Oct 2024",
    "7 Oktober lalu",
    "Kamis (9/11/2023)",
    "pekan lalu",
]
FILLER = [
    "Kedua negara berniat meningkatkan hubungan diplomatik dan kerja sama di berbagai bidang.",
    "Pernyataan itu disampaikan dalam konferensi pers usai pertemuan.",
    "Pembicaraan berlangsung selama hampir dua jam di tengah situasi kawasan yang tegang.",
    "Sejumlah pengamat menilai langkah itu sebagai sinyal perubahan kebijakan luar negeri.",
    "ADVERTISEMENT",
    "Baca Juga: Daftar Negara yang Mendukung Gencatan Senjata",
    "Menurut data yang dihimpun, nilai perdagangan kedua negara naik 12,5 persen "
    "dibandingkan tahun sebelumnya, terutama di sektor nikel, minyak sawit dan tekstil.",
    '"Kami berharap semua pihak menahan diri dan kembali ke meja perundingan," ujarnya '
    "kepada wartawan.",
    "Situasi kemanusiaan di wilayah itu terus memburuk; ribuan warga sipil mengungsi, "
    "sementara bantuan makanan dan obat-obatan tertahan di perbatasan.",
    "Pertemuan tersebut juga membahas isu perubahan iklim, ketahanan pangan, serta "
    "reformasi lembaga keuangan internasional.",
]

# (template, relation between slots) ; slots are {LABEL} in order of appearance
TEMPLATES = [
    ("{ROLE} {GPE} {PER} bertemu dengan {ROLE} {GPE} {PER} di {GPE} pada {DATE}.", (2, 5, "MEETS")),
    ("{PER} mendesak {ORG} untuk segera menyerukan gencatan senjata di {GPE}.", (0, 1, "URGES")),
    (
        "{GPE} dan {GPE} sepakat memperluas kerja sama di bidang energi dan pertanian.",
        (0, 1, "COOPERATES_WITH"),
    ),
    (
        "Dalam {EVENT} yang digelar di {GPE}, {PER} menyampaikan dukungan kepada {GPE}.",
        (2, 3, "SUPPORTS"),
    ),
    ("{ORG} menjatuhkan sanksi baru terhadap {GPE} pada {DATE}.", (0, 1, "SANCTIONS")),
    ("{GPE} merupakan anggota {ORG} sejak lama, kata {ROLE} {PER}.", (0, 1, "MEMBER_OF")),
]


SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def real_sentences(folder: Path = SHARED_DATA) -> list[dict]:
    """News sentences with their spans, from the shared NER datasets; [] without them.

    The datasets keep the CoNLL convention of a space around every punctuation mark
    ("Jakarta , kata dia ."); the sentences are put back as news prints them.
    """
    sentences = []
    for path in sorted(folder.glob("*/train.jsonl")):
        with open(path, encoding="utf-8") as f:
            sentences += [detokenize(json.loads(line)) for line in f]
    return sentences


_ATTACH_LEFT = frozenset(",.;:!?)%]")
_ATTACH_RIGHT = frozenset("([")


def detokenize(record: dict) -> dict:
    """Join punctuation to its word again, moving the spans along with the text."""
    old, pieces, moved = record["text"], [], {}
    at = 0
    tokens = old.split(" ")
    for i, token in enumerate(tokens):
        glue = i > 0 and (token in _ATTACH_LEFT or tokens[i - 1] in _ATTACH_RIGHT)
        if i > 0 and not glue:
            pieces.append(" ")
        new_start = sum(map(len, pieces))
        moved[at] = new_start
        moved[at + len(token)] = new_start + len(token)
        pieces.append(token)
        at += len(token) + 1
    spans = [
        {**s, "start": moved[s["start"]], "end": moved[s["end"]]}
        for s in record["spans"]
        if s["start"] in moved and s["end"] in moved
    ]
    return {"text": "".join(pieces), "spans": spans}


def _filler(rng: random.Random, text: str, spans: list[dict], real: list[dict]) -> str:
    """A sentence between the templates: a real one with its spans, if there are any."""
    if not real:
        return rng.choice(FILLER)
    sentence = rng.choice(real)
    base = len(text)
    if len(spans) < 12:
        spans.extend(
            {"start": base + s["start"], "end": base + s["end"], "label": s["label"]}
            for s in sentence["spans"]
        )
    return sentence["text"]


def article(rng: random.Random, n: int, size: int = 3000, real: list[dict] = ()) -> dict:
    """One article of about `size` characters with its spans and relations."""
    title = f"Laporan Diplomatik {n}: {rng.choice(GPE)} dan {rng.choice(GPE)} Bahas Kerja Sama"
    text = title + "\n\n"
    spans: list[dict] = []
    relations: list[dict] = []
    while len(text) < size:
        if (len(spans) >= 18 and len(relations) >= 5) or rng.random() < (0.45 if real else 0.3):
            text += _filler(rng, text, spans, real) + (" " if rng.random() < 0.7 else "\n")
            continue
        template, (a, b, rel) = rng.choice(TEMPLATES)
        slots, pos, parts = [], 0, []
        while "{" in template[pos:]:
            i = template.index("{", pos)
            j = template.index("}", i)
            parts.append(template[pos:i])
            label = template[i + 1 : j]
            value = rng.choice(globals()[label])
            start = len(text) + sum(len(p) for p in parts)
            parts.append(value)
            slots.append({"start": start, "end": start + len(value), "label": label})
            pos = j + 1
        parts.append(template[pos:])
        text += "".join(parts) + " "
        base = len(spans)
        spans.extend(slots)
        if len(relations) < 5:
            relations.append(
                {"head_span": spans[base + a], "child_span": spans[base + b], "label": rel}
            )
    return {
        "text": text,
        "title": title,
        "spans": spans,
        "relations": relations,
        "meta": {"source": "generated", "n": n},
    }


def write(path: Path, count: int, seed: int = 7, real: list[dict] | None = None) -> Path:
    rng = random.Random(seed)
    real = real_sentences() if real is None else real
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for n in range(count):
            f.write(json.dumps(article(rng, n, real=real), ensure_ascii=False) + "\n")
    return path


def cached(work: Path, count: int) -> Path:
    """The JSONL of `count` news-like articles under `work`, generated on first use."""
    real = real_sentences()
    data = work / f"articles-{'news' if real else 'synthetic'}-{count}.jsonl"
    if not data.exists():
        print(f"generating {count} articles into {data} ...", flush=True)
        write(data, count, real=real)
    return data


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write(args.out, args.count, args.seed)
