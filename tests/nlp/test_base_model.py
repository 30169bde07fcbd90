"""The NER model Sorot ships, tested as shipped from resources/, and the command that trains it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spacy
from spacy.vocab import Vocab

from annotation.nlp import train_base
from annotation.nlp.docs import make_doc
from annotation.nlp.pipeline import DEFAULT_MODEL, FALLBACK_SCORE, PipelineSuggester
from annotation.nlp.suggestion import Candidate, SuggesterError
from tests.conftest import SHARED

# Sentences of our own about made-up people; each names what the model must find.
SENTENCES = [
    (
        "Menteri Keuangan Siti Rahmawati mengatakan di Jakarta, Senin, bahwa Bank Indonesia "
        "akan menaikkan suku bunga.",
        {("Siti Rahmawati", "PER"), ("Jakarta", "LOC"), ("Bank Indonesia", "ORG")},
    ),
    (
        "Gubernur Made Suarjana meresmikan jembatan baru di Denpasar bersama rektor "
        "Universitas Udayana.",
        {("Made Suarjana", "PER"), ("Denpasar", "LOC"), ("Universitas Udayana", "ORG")},
    ),
]


@pytest.fixture(scope="module")
def shipped() -> PipelineSuggester:
    return PipelineSuggester()


@pytest.fixture(scope="module")
def plain_nlp() -> spacy.language.Language:
    """The shipped model as plain spaCy loads it: no Sorot code involved."""
    return spacy.load(DEFAULT_MODEL)


def shipped_meta() -> dict:
    return json.loads((DEFAULT_MODEL / "meta.json").read_text(encoding="utf-8"))


def found(suggester: PipelineSuggester, text: str, vocab=None) -> set[tuple[str, str]]:
    doc = make_doc(vocab or suggester.vocab, text)
    return {(text[c.start : c.end], c.label) for c in suggester.suggest([doc])[0]}


def test_the_shipped_model_is_in_resources_and_small() -> None:
    assert DEFAULT_MODEL.parent.parent.name == "resources"
    assert (DEFAULT_MODEL / "config.cfg").is_file()
    size = sum(p.stat().st_size for p in DEFAULT_MODEL.rglob("*") if p.is_file())
    assert size < 8_000_000
    assert not list(DEFAULT_MODEL.rglob("*.py")), "resources/ holds no code"


def test_the_shipped_model_loads_with_plain_spacy(plain_nlp, shipped) -> None:
    assert plain_nlp.lang == "id"
    assert plain_nlp.pipe_names == ["ner"]
    assert set(plain_nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC"}
    text = SENTENCES[0][0]
    plain = {(e.start_char, e.end_char, e.label_) for e in plain_nlp(text).ents}
    assert plain == {
        (c.start, c.end, c.label) for c in shipped.suggest([make_doc(shipped.vocab, text)])[0]
    }, "the fast loader changes nothing but speed"


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_finds_the_obvious_entities(
    shipped: PipelineSuggester, text: str, expected: set[tuple[str, str]]
) -> None:
    assert expected <= found(shipped, text)


def test_candidates_carry_origin_and_the_held_out_precision(shipped) -> None:
    precision = shipped_meta()["sorot"]["precision"]
    assert set(precision) == {"PER", "ORG", "LOC"}
    doc = make_doc(shipped.vocab, SENTENCES[0][0])
    candidates = shipped.suggest([doc])[0]
    assert candidates
    for c in candidates:
        assert isinstance(c, Candidate)
        assert c.origin == "model" == shipped.name
        assert c.score == pytest.approx(precision[c.label], abs=1e-4)
        assert 0.5 < c.score <= 1.0


def test_edge_tokens_without_letters_are_trimmed_but_a_bracketed_end_is_kept(shipped) -> None:
    from annotation.nlp.pipeline import _trimmed

    doc = make_doc(shipped.vocab, "“ Partai Amanat Nasional ( PAN ) ” 😀 -- ok")
    words = [t.text for t in doc]
    assert _trimmed(doc[0:8]).text == "Partai Amanat Nasional ( PAN )"
    assert _trimmed(doc[words.index("PAN") : words.index("”") + 1]).text == "PAN"
    assert _trimmed(doc[words.index("😀") : words.index("ok")]) is None


def test_offsets_are_python_str_offsets_after_emoji_crlf_and_tabs(shipped) -> None:
    text = (
        "🎉🇮🇩 Kabar\r\n\t\tMenteri Pertahanan Budi Hartanto tiba di Surabaya 😀 "
        "bersama pejabat Bank Indonesia.\r\n"
    )
    doc = make_doc(shipped.vocab, text)
    assert doc.text == text
    candidates = shipped.suggest([doc])[0]
    spans = {(text[c.start : c.end], c.label) for c in candidates}
    assert ("Budi Hartanto", "PER") in spans
    # The model sometimes takes a following emoji into a place's span ("Surabaya 😀"); the
    # suggester trims edge tokens with no letter or digit.
    assert ("Surabaya", "LOC") in spans
    person = next(c for c in candidates if c.label == "PER")
    assert person.start == text.index("Budi Hartanto")
    assert person.end == person.start + len("Budi Hartanto")


def test_docs_from_another_vocab_give_the_same_candidates(shipped) -> None:
    text = SENTENCES[1][0]
    other = Vocab()
    doc = make_doc(other, text)
    assert doc.vocab is not shipped.vocab
    assert found(shipped, text, other) == found(shipped, text)
    assert doc.vocab is other and not doc.ents, "the caller's Doc is left alone"


def test_a_doc_with_entities_already_set_is_not_steered_by_them(shipped) -> None:
    text = SENTENCES[0][0]
    doc = make_doc(shipped.vocab, text)
    doc.ents = [doc.char_span(0, len("Menteri Keuangan"), label="ORG")]
    assert shipped.suggest([doc])[0] == shipped.suggest([make_doc(shipped.vocab, text)])[0]


def test_batches_keep_the_order_of_docs(shipped) -> None:
    texts = [s for s, _ in SENTENCES] * 20 + ["", "tanpa nama apa pun"]
    small = PipelineSuggester(label_map={}, batch_size=3)
    results = small.suggest([make_doc(small.vocab, t) for t in texts])
    assert len(results) == len(texts)
    assert results[-2:] == [[], []]
    assert results[0] == shipped.suggest([make_doc(shipped.vocab, texts[0])])[0]
    assert results[1] != results[0]


def test_label_map_renames_drops_and_passes_through() -> None:
    suggester = PipelineSuggester(label_map={"PER": "PERSON", "LOC": None}, origin="ner-id")
    assert suggester.labels == ["ORG", "PERSON"]
    assert suggester.name == "ner-id"
    spans = found(suggester, SENTENCES[0][0])
    assert ("Siti Rahmawati", "PERSON") in spans
    assert ("Bank Indonesia", "ORG") in spans
    assert all(label != "LOC" for _, label in spans)
    doc = make_doc(suggester.vocab, SENTENCES[0][0])
    assert {c.origin for c in suggester.suggest([doc])[0]} == {"ner-id"}


def test_a_missing_path_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "no-model-here"
    with pytest.raises(SuggesterError, match="no-model-here.*no such folder"):
        PipelineSuggester(missing)
    with pytest.raises(SuggesterError, match="no such folder"):
        PipelineSuggester(str(missing))


def test_a_missing_package_says_so() -> None:
    with pytest.raises(SuggesterError, match="'xx_sorot_not_installed'.*no installed package"):
        PipelineSuggester("xx_sorot_not_installed")


def test_a_folder_that_is_not_a_pipeline_says_so(tmp_path: Path) -> None:
    with pytest.raises(SuggesterError, match="no config.cfg"):
        PipelineSuggester(tmp_path)


def test_a_broken_model_directory_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(DEFAULT_MODEL, broken)
    (broken / "ner" / "model").write_bytes(b"not a model")
    with pytest.raises(SuggesterError, match="broken.*could not be loaded"):
        PipelineSuggester(broken)
    (broken / "config.cfg").write_text("[nlp\nlang = ", encoding="utf-8")
    with pytest.raises(SuggesterError, match="could not be loaded"):
        PipelineSuggester(broken)


def test_a_pipeline_without_ner_says_so(tmp_path: Path) -> None:
    spacy.blank("xx").to_disk(tmp_path / "blank")
    with pytest.raises(SuggesterError, match="no ner or spancat"):
        PipelineSuggester(tmp_path / "blank")


# -- training -----------------------------------------------------------------------------

PEOPLE = ["Rina Kusuma", "Hadi Prasetyo", "Dewi Lestari", "Agus Salim", "Tono Wijaya"]
PLACES = ["Medan", "Bandung", "Ambon", "Kupang"]
GROUPS = ["Dinas Pertanian", "Koperasi Maju", "Universitas Andalas", "PT Sinar Laut"]


def tiny_records(n: int = 20) -> list[dict]:
    """Made-up training sentences with exact spans, enough to prove the command works."""
    records = []
    for i in range(n):
        parts = [
            (PEOPLE[i % 5], "PER"),
            (" berkunjung ke ", None),
            (PLACES[i % 4], "LOC"),
            (" bersama ", None),
            (GROUPS[(i + 1) % 4], "ORG"),
            (" .", None),
        ]
        text, spans = "", []
        for part, label in parts:
            if label:
                spans.append({"start": len(text), "end": len(text) + len(part), "label": label})
            text += part
        records.append({"text": text, "spans": spans, "meta": {"line": i + 1}})
    return records


def write_dataset(root: Path) -> Path:
    (root / "tiny").mkdir(parents=True)
    for split, records in (("train", tiny_records()), ("dev", tiny_records(6))):
        lines = "".join(json.dumps(r) + "\n" for r in records)
        (root / "tiny" / f"{split}.jsonl").write_text(lines, encoding="utf-8")
    return root


def test_the_training_command_writes_a_loadable_model(tmp_path: Path) -> None:
    data, out = write_dataset(tmp_path / "data"), tmp_path / "model"
    settings = {
        "max_epochs": 2,
        "rows": [500, 200, 200, 200],
        "width": 32,
        "heldout_fraction": 0.2,
        "refit": False,
    }
    assert (
        train_base.main(
            ["--data", str(data), "--out", str(out), "--settings", json.dumps(settings)]
        )
        == 0
    )
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["sorot"]["train_files"] == ["tiny/train.jsonl"]
    assert meta["sorot"]["settings"]["max_epochs"] == 2
    assert set(meta["sorot"]["dev"]["tiny"]["all"]) == {"ALL", "PER", "ORG", "LOC"}
    suggester = PipelineSuggester(out, origin="tiny")
    assert suggester.labels == ["LOC", "ORG", "PER"]
    assert suggester.suggest([make_doc(suggester.vocab, "Rina Kusuma ke Medan .")]) is not None


def test_training_is_reproducible() -> None:
    records = [
        (r["text"], [(s["start"], s["end"], s["label"]) for s in r["spans"]])
        for r in tiny_records()
    ]
    settings = train_base.Settings(max_epochs=2, rows=(300, 100, 100, 100), width=16)
    runs = [train_base.train({"tiny": records}, settings, log=lambda _: None)[0] for _ in range(2)]
    assert runs[0].get_pipe("ner").to_bytes() == runs[1].get_pipe("ner").to_bytes()


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("Partai Amanat Nasional (PAN) menang", (0, 28), ["Partai Amanat Nasional", "PAN"]),
        ("Presiden (SBY) datang", (9, 14), ["SBY"]),
        ("dari (PDIP), lalu", (5, 12), ["PDIP"]),
        ("PT PLN ( Persero ) rugi", (0, 18), ["PT PLN ( Persero )"]),
        ("Kadin ( Kamar ) Indonesia", (0, 25), ["Kadin ( Kamar ) Indonesia"]),
        ("ke Indonesia?", (3, 13), ["Indonesia"]),
        ("Walt Disney Co.", (0, 15), ["Walt Disney Co."]),
    ],
)
def test_normalize_spans_splits_abbreviations_and_strips_edges(text, span, expected) -> None:
    spans = train_base.normalize_spans(text, [(*span, "ORG")])
    assert [text[a:b] for a, b, _ in spans] == expected
    assert {label for _, _, label in spans} == {"ORG"}


def test_a_model_without_held_out_precision_scores_the_fallback(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(DEFAULT_MODEL, plain)
    meta = json.loads((plain / "meta.json").read_text(encoding="utf-8"))
    del meta["sorot"]["precision"]
    (plain / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    suggester = PipelineSuggester(plain)
    candidates = suggester.suggest([make_doc(suggester.vocab, SENTENCES[0][0])])[0]
    assert candidates
    assert {c.score for c in candidates} == {FALLBACK_SCORE}


# -- the shared datasets ------------------------------------------------------------------


def test_the_shipped_model_scores_well_on_indolem_dev(plain_nlp) -> None:
    dev = SHARED / "data" / "indolem-nerui" / "dev.jsonl"
    if not dev.is_file():
        pytest.skip(f"the shared datasets are not at {dev.parent} (no ../shared beside the repo)")
    scores = train_base.score(plain_nlp, train_base.read_jsonl(dev))
    assert scores["ALL"]["f"] >= 0.80, scores
