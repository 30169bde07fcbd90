"""Inter-annotator agreement on real project files, checked by hand and against references.

The references (scikit-learn's `cohen_kappa_score`, the `krippendorff` package and Fleiss'
formula written out here) see BIO tag sequences that these tests build on their own, token
by token, from the project's stored tokens and each Annotator's accepted Entities.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path

import krippendorff
import pytest
from sklearn.metrics import cohen_kappa_score

from annotation.io.importer import import_paths
from annotation.model import ArticleStatus, EntityStatus, NewEntity, NewRelation
from annotation.nlp.tokens import Tokens
from annotation.project.commands import CommandStack, SetArticleStatus
from annotation.project.store import Store
from annotation.team.agreement import AgreementError, article_disagreement, compute_agreement
from cli import agreement as cli_agreement

TEXT_1 = (
    "Presiden Joko Widodo bertemu Perdana Menteri Anwar Ibrahim di Bogor pada Senin (4/12/2023)."
)
TEXT_2 = "Menteri Luar Negeri Retno Marsudi berkunjung ke Teheran.\n\nIran  menyambut baik."
WORDS = [
    "pemerintah",
    "menyatakan",
    "bahwa",
    "kerja",
    "sama",
    "kedua",
    "negara",
    "akan",
    "diperluas",
    "dalam",
    "bidang",
    "energi",
    "perdagangan",
    "dan",
    "pertahanan",
    "setelah",
    "pertemuan",
    "di",
    "ibu",
    "kota",
    "pekan",
    "lalu",
]
NAMES = [
    "Retno Marsudi",
    "Anwar Ibrahim",
    "Jakarta",
    "PBB",
    "Uni Eropa",
    "KTT G20",
    "Teheran",
    "Joko Widodo",
    "Kuala Lumpur",
    "ASEAN",
]
LABELS = ["PER", "GPE", "ORG", "LOC", "EVENT"]


# -- building projects ----------------------------------------------------------------------


def make_project(tmp_path: Path, texts: list[str]) -> Store:
    """A project file with these articles (titled 'artikel-n'), tokenized by the importer."""
    folder = tmp_path / "txt"
    folder.mkdir()
    for n, text in enumerate(texts):
        (folder / f"artikel-{n:03d}.txt").write_text(text, encoding="utf-8")
    store = Store.create(tmp_path / "project.sorot")
    import_paths(store, [folder], fmt="txt", annotator="importer", title_from="filename")
    return store


def span(store: Store, article_id: int, words: str, label: str, nth: int = 0) -> NewEntity:
    text = store.article(article_id).text
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    return NewEntity(at, at + len(words), label)


def add(
    store: Store,
    article_id: int,
    who: str | None,
    entities: list[NewEntity],
    relations: list[NewRelation] = (),
) -> None:
    with store.db.atomic():
        store.add_annotations(article_id, entities, list(relations), annotator=who)


def mark(store: Store, who: str, article_ids: list[int], status: str = ArticleStatus.DONE) -> None:
    stack = CommandStack(store, who)
    for article_id in article_ids:
        stack.do(SetArticleStatus(article_id, status))


# -- references, built independently ----------------------------------------------------------


def accepted(store: Store, article_id: int, who: str) -> list[tuple[int, int, str]]:
    return [
        (e.start, e.end, e.label)
        for e in store.entities(article_id)
        if e.status == EntityStatus.ACCEPTED and e.annotator == who
    ]


def bio(store: Store, article_id: int, who: str, only: str | None = None) -> list[str]:
    """The article's BIO tags for one annotator, token by token, blank tokens left out."""
    text = store.article(article_id).text
    tokens = Tokens.from_bytes(store.tokens(article_id))
    kept = [(s, e) for s, e in zip(tokens.starts, tokens.ends) if text[s:e].strip()]
    spans = accepted(store, article_id, who)
    tags = []
    for s, e in kept:
        covering = [x for x in spans if x[0] < e and s < x[1]]
        if not covering:
            tags.append("O")
            continue
        x = max(covering, key=lambda c: (c[0], c[1]))
        first = next(ts for ts, te in kept if x[0] < te and ts < x[1])
        tags.append(("B-" if s == first else "I-") + x[2])
    if only is not None:
        tags = ["L" if t[2:] == only else "O" for t in tags]
    return tags


def sequences(store: Store, ids: list[int], names: list[str], only: str | None = None):
    return [sum((bio(store, a, who, only) for a in ids), []) for who in names]


def fleiss_by_hand(rows: list[list[str]]) -> float:
    """Fleiss' kappa from its textbook formula; `rows[rater][item]`."""
    n, items = len(rows), len(rows[0])
    categories = sorted({t for row in rows for t in row})
    counts = [[sum(row[i] == c for row in rows) for c in categories] for i in range(items)]
    p_i = [(sum(x * x for x in cnt) - n) / (n * (n - 1)) for cnt in counts]
    p_bar = sum(p_i) / items
    p_j = [sum(cnt[j] for cnt in counts) / (items * n) for j in range(len(categories))]
    p_e = sum(p * p for p in p_j)
    return (p_bar - p_e) / (1 - p_e)


def alpha_reference(seqs: list[list[str]]) -> float:
    codes = {t: i for i, t in enumerate(sorted({t for s in seqs for t in s}))}
    return krippendorff.alpha(
        reliability_data=[[codes[t] for t in s] for s in seqs], level_of_measurement="nominal"
    )


def exact_f1(store: Store, ids: list[int], a: str, b: str, label: str | None = None) -> float:
    sa = {(i, *x) for i in ids for x in accepted(store, i, a) if label in (None, x[2])}
    sb = {(i, *x) for i in ids for x in accepted(store, i, b) if label in (None, x[2])}
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa or sb else 1.0


def overlap_f1(store: Store, ids: list[int], a: str, b: str) -> float:
    def matched(x: str, y: str) -> tuple[int, int]:
        hit = total = 0
        for i in ids:
            theirs = accepted(store, i, y)
            for s, e, label in accepted(store, i, x):
                total += 1
                hit += any(s < te and ts < e and label == tl for ts, te, tl in theirs)
        return hit, total

    (ha, ta), (hb, tb) = matched(a, b), matched(b, a)
    p, r = ha / ta, hb / tb
    return 2 * p * r / (p + r)


# -- a small case by hand -------------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> Store:
    """Two articles, two annotators (ani, budi), both done; work known by heart."""
    store = make_project(tmp_path, [TEXT_1, TEXT_2])
    a1, a2 = store.article_ids()
    add(
        store,
        a1,
        "ani",
        [
            span(store, a1, "Joko Widodo", "PER"),
            span(store, a1, "Anwar Ibrahim", "PER"),
            span(store, a1, "Bogor", "GPE"),
            span(store, a1, "Perdana Menteri", "ROLE"),
        ],
        [NewRelation(0, 1, "MEETS"), NewRelation(0, 2, "VISITS")],
    )
    add(
        store,
        a1,
        "budi",
        [
            span(store, a1, "Joko Widodo", "PER"),
            span(store, a1, "Anwar Ibrahim", "PER"),
            span(store, a1, "Bogor", "LOC"),
            span(store, a1, "Senin (4/12/2023)", "DATE"),
        ],
        [NewRelation(1, 0, "MEETS"), NewRelation(2, 0, "VISITS")],
    )
    add(
        store,
        a2,
        "ani",
        [span(store, a2, "Retno Marsudi", "PER"), span(store, a2, "Teheran", "GPE")],
    )
    add(
        store,
        a2,
        "budi",
        [
            span(store, a2, "Retno", "PER"),
            span(store, a2, "Teheran", "GPE"),
            span(store, a2, "Iran", "GPE"),
        ],
    )
    # Neither a suggestion nor a rejected entity is anybody's work.
    add(store, a2, None, [NewEntity(0, 7, "ROLE", status=EntityStatus.SUGGESTED)])
    add(store, a2, "ani", [NewEntity(0, 7, "ROLE", status=EntityStatus.REJECTED)])
    mark(store, "ani", [a1, a2])
    mark(store, "budi", [a1, a2])
    yield store
    store.close()


def test_small_case_by_hand(small: Store) -> None:
    report = compute_agreement(small)
    assert report.annotators == ["ani", "budi"]
    assert (report.articles_counted, report.articles_total) == (2, 2)
    assert report.entities == {"ani": 6, "budi": 7}
    pair = report.pairs[0]
    # Exact: Joko, Anwar, Teheran; 2 * 3 / (6 + 7).
    assert (pair.exact.a_matched, pair.exact.b_matched) == (3, 3)
    assert pair.exact.f1 == pytest.approx(6 / 13)
    # Overlap adds Retno Marsudi ~ Retno (PER); Bogor GPE ~ LOC has another label.
    assert (pair.overlap.a_matched, pair.overlap.b_matched) == (4, 4)
    assert pair.overlap.f1 == pytest.approx(8 / 13)
    per = {x.label: x for x in report.per_label}
    assert per["PER"].exact_f1 == pytest.approx(2 * 2 / (3 + 3))
    assert per["PER"].overlap_f1 == pytest.approx(1.0)
    assert per["GPE"].exact_f1 == pytest.approx(2 * 1 / (2 + 2))
    assert per["DATE"].exact_f1 == 0.0 and per["DATE"].spans == 1
    # MEETS is symmetric: B->A matches A->B. VISITS is not: reversed, it does not.
    assert (pair.relations.a_matched, pair.relations.a_total, pair.relations.b_total) == (1, 2, 2)
    assert pair.relation_labels["MEETS"].f1 == 1.0
    assert pair.relation_labels["VISITS"].f1 == 0.0
    # VISITS' child is Bogor, whose label differs: only MEETS has shared ends.
    assert (pair.relations_shared.a_total, pair.relations_shared.f1) == (1, 1.0)
    c = pair.confusion
    m = {
        (c.labels[i], c.labels[j]): n
        for i, row in enumerate(c.matrix)
        for j, n in enumerate(row)
        if n
    }
    assert m == {("PER", "PER"): 2, ("GPE", "GPE"): 1, ("GPE", "LOC"): 1}
    assert {k: v for k, v in c.only_a.items() if v} == {"PER": 1, "ROLE": 1}
    assert {k: v for k, v in c.only_b.items() if v} == {"PER": 1, "GPE": 1, "DATE": 1}


def test_small_case_kappa_and_alpha_match_references(small: Store) -> None:
    report = compute_agreement(small)
    ids = small.article_ids()
    a, b = sequences(small, ids, ["ani", "budi"])
    assert report.tokens == len(a)
    # Blank tokens ("\n\n", the second space of "Iran  menyambut") are not counted.
    assert "Iran  menyambut" in TEXT_2 and report.tokens < sum(
        len(Tokens.from_bytes(small.tokens(i)).starts) for i in ids
    )
    assert report.kappa_kind == "cohen"
    assert report.kappa == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
    assert report.alpha == pytest.approx(alpha_reference([a, b]), abs=1e-9)
    for x in report.per_label:
        la, lb = sequences(small, ids, ["ani", "budi"], only=x.label)
        assert x.kappa == pytest.approx(cohen_kappa_score(la, lb), abs=1e-9), x.label
    for row in report.articles:
        sa, sb = sequences(small, [row.article_id], ["ani", "budi"])
        assert row.kappa == pytest.approx(cohen_kappa_score(sa, sb), abs=1e-9)
        assert row.exact_f1 == pytest.approx(
            exact_f1(small, [row.article_id], "ani", "budi"), abs=1e-9
        )


# -- generated data with known disagreement --------------------------------------------------


def generated(tmp_path: Path, names: list[str], articles: int = 12, seed: int = 5) -> Store:
    """Random articles; each annotator's work is a perturbed copy of one base set."""
    rng = random.Random(seed)
    texts = []
    for _ in range(articles):
        parts = []
        for _ in range(rng.randint(15, 30)):
            parts.append(rng.choice(NAMES) if rng.random() < 0.3 else rng.choice(WORDS))
            parts.append(rng.choice([" ", " ", " ", ", ", ".\n\n", "  "]))
        texts.append("".join(parts).strip() + ".")
    store = make_project(tmp_path, texts)
    for article_id in store.article_ids():
        text = store.article(article_id).text
        base, at = [], 0
        for name in NAMES:
            at = 0
            while (at := text.find(name, at)) >= 0:
                base.append((at, at + len(name), rng.choice(LABELS)))
                at += len(name)
        base.sort()
        base = [x for i, x in enumerate(base) if i == 0 or x[0] >= base[i - 1][1]]
        for who in names:
            mine = []
            for s, e, label in base:
                roll = rng.random()
                if roll < 0.1:
                    continue  # dropped
                if roll < 0.2:
                    label = rng.choice(LABELS)  # relabelled
                elif roll < 0.3:
                    e = e - 1 if e - s > 2 else e  # shifted end, inside a token
                elif roll < 0.35:
                    s = text.find(" ", s, e) + 1 or s  # shifted start to the next word
                mine.append(NewEntity(s, e, label))
            relations = [
                NewRelation(i, i + 1, rng.choice(["MEETS", "SUPPORTS"]))
                for i in range(0, len(mine) - 1, 3)
                if rng.random() < 0.7
            ]
            add(store, article_id, who, mine, relations)
    ids = store.article_ids()
    for who in names:
        mark(store, who, ids)
    return store


def test_two_annotators_match_references_on_generated_data(tmp_path: Path) -> None:
    store = generated(tmp_path, ["a", "b"])
    report = compute_agreement(store)
    ids = store.article_ids()
    a, b = sequences(store, ids, ["a", "b"])
    assert 0.3 < report.kappa < 0.95  # there is disagreement, but not chaos
    assert report.kappa == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
    assert report.alpha == pytest.approx(alpha_reference([a, b]), abs=1e-9)
    assert report.pairs[0].exact.f1 == pytest.approx(exact_f1(store, ids, "a", "b"), abs=1e-9)
    assert report.pairs[0].overlap.f1 == pytest.approx(overlap_f1(store, ids, "a", "b"), abs=1e-9)
    for x in report.per_label:
        la, lb = sequences(store, ids, ["a", "b"], only=x.label)
        assert x.kappa == pytest.approx(cohen_kappa_score(la, lb), abs=1e-9)
        assert x.exact_f1 == pytest.approx(exact_f1(store, ids, "a", "b", x.label), abs=1e-9)
    for row in report.articles:
        sa, sb = sequences(store, [row.article_id], ["a", "b"])
        assert row.kappa == pytest.approx(cohen_kappa_score(sa, sb), abs=1e-9)
    scores = [s for _, s in article_disagreement(store, ["a", "b"])]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(ids)


def test_three_annotators_fleiss_alpha_and_pairs(tmp_path: Path) -> None:
    names = ["a", "b", "c"]
    store = generated(tmp_path, names, seed=11)
    report = compute_agreement(store)
    ids = store.article_ids()
    seqs = sequences(store, ids, names)
    assert report.kappa_kind == "fleiss"
    assert report.kappa == pytest.approx(fleiss_by_hand(seqs), abs=1e-9)
    assert report.alpha == pytest.approx(alpha_reference(seqs), abs=1e-9)
    assert [p.name for p in report.pairs] == ["a / b", "a / c", "b / c"]
    for pair in report.pairs:
        i, j = names.index(pair.a), names.index(pair.b)
        assert pair.kappa == pytest.approx(cohen_kappa_score(seqs[i], seqs[j]), abs=1e-9)
        assert pair.exact.f1 == pytest.approx(exact_f1(store, ids, pair.a, pair.b), abs=1e-9)
    assert report.mean("exact") == pytest.approx(
        sum(p.exact.f1 for p in report.pairs) / 3, abs=1e-12
    )
    for x in report.per_label:
        binary = sequences(store, ids, names, only=x.label)
        assert x.kappa == pytest.approx(fleiss_by_hand(binary), abs=1e-9)
    for row in report.articles:
        assert row.kappa == pytest.approx(
            fleiss_by_hand(sequences(store, [row.article_id], names)), abs=1e-9
        )


def test_fleiss_on_a_tiny_case_by_hand(tmp_path: Path) -> None:
    store = make_project(tmp_path, ["Retno bertemu Anwar di Jakarta"])
    (aid,) = store.article_ids()
    add(store, aid, "a", [span(store, aid, "Retno", "PER"), span(store, aid, "Jakarta", "GPE")])
    add(store, aid, "b", [span(store, aid, "Retno", "PER"), span(store, aid, "Anwar", "PER")])
    add(store, aid, "c", [span(store, aid, "Retno", "PER"), span(store, aid, "Jakarta", "LOC")])
    for who in "abc":
        mark(store, who, [aid])
    report = compute_agreement(store)
    # Tokens: Retno bertemu Anwar di Jakarta; tags per rater (a, b, c):
    # B-PER x3 | O x3 | O, B-PER, O | O x3 | B-GPE, O, B-LOC.
    # P_i: 1, 1, 1/3, 1, 0 -> P = 10/15 = 2/3.
    # Tag shares of 15: B-PER 4, O 9, B-GPE 1, B-LOC 1 -> P_e = (16 + 81 + 1 + 1) / 225.
    p_e = 99 / 225
    assert report.tokens == 5
    assert report.kappa == pytest.approx((2 / 3 - p_e) / (1 - p_e), abs=1e-12)


# -- rules and edge cases ------------------------------------------------------------------------


def test_only_articles_all_marked_done_count(small: Store, tmp_path: Path) -> None:
    a1, a2 = small.article_ids()
    mark(small, "budi", [a2], ArticleStatus.IN_PROGRESS)
    report = compute_agreement(small)
    assert (report.articles_counted, report.articles_total) == (1, 2)
    assert [a.article_id for a in report.articles] == [a1]
    assert report.entities == {"ani": 4, "budi": 4}
    assert "1 of 2 articles counted" in report.format()
    mark(small, "budi", [a1], ArticleStatus.SKIPPED)
    with pytest.raises(AgreementError, match="no article is marked done by all of ani, budi"):
        compute_agreement(small)


def test_perfect_agreement_and_all_o_report_one_never_nan(tmp_path: Path) -> None:
    store = make_project(tmp_path, [TEXT_1, TEXT_2])
    a1, a2 = store.article_ids()
    for who in ("ani", "budi"):
        add(store, a1, who, [span(store, a1, "Joko Widodo", "PER")])
    mark(store, "ani", [a1, a2])
    mark(store, "budi", [a1, a2])
    report = compute_agreement(store)
    assert report.kappa == 1.0 and report.alpha == 1.0 and report.pairs[0].exact.f1 == 1.0
    empty = next(a for a in report.articles if a.article_id == a2)
    assert (empty.kappa, empty.exact_f1, empty.disagreement) == (1.0, 1.0, 0.0)
    text = json.dumps(report.to_json(), allow_nan=False)
    assert "NaN" not in text
    # Only O on every token for everyone: kappa and alpha are undefined, reported as 1.
    only_o = compute_agreement(store, labels=["GPE"])
    assert only_o.kappa == 1.0 and only_o.alpha == 1.0
    assert only_o.per_label[0].kappa == 1.0 and only_o.per_label[0].exact_f1 == 1.0


def test_an_annotator_who_marked_nothing(tmp_path: Path) -> None:
    store = make_project(tmp_path, [TEXT_1, TEXT_2])
    ids = store.article_ids()
    add(store, ids[0], "ani", [span(store, ids[0], "Bogor", "GPE")])
    mark(store, "ani", ids)
    mark(store, "budi", ids)  # done, with no entity at all
    report = compute_agreement(store)
    a, b = sequences(store, ids, ["ani", "budi"])
    assert report.entities == {"ani": 1, "budi": 0}
    assert report.pairs[0].exact.f1 == 0.0 and report.pairs[0].overlap.f1 == 0.0
    assert report.kappa == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
    assert report.alpha == pytest.approx(alpha_reference([a, b]), abs=1e-9)
    assert report.pairs[0].confusion.only_a["GPE"] == 1
    assert compute_agreement(store, ["budi", "ani"]).pairs[0].confusion.only_b["GPE"] == 1


def test_errors_are_clear(small: Store, tmp_path: Path) -> None:
    with pytest.raises(AgreementError, match="at least two annotators"):
        compute_agreement(small, ["ani"])
    with pytest.raises(AgreementError, match="no work by carla"):
        compute_agreement(small, ["ani", "carla"])
    with pytest.raises(AgreementError, match="unknown entity label NOPE"):
        compute_agreement(small, labels=["NOPE"])
    lonely = Store.create(tmp_path / "lonely.sorot")
    with pytest.raises(AgreementError, match="only .*nobody|nobody"):
        compute_agreement(lonely)
    lonely.close()


def test_labels_restrict_the_comparison(small: Store) -> None:
    report = compute_agreement(small, labels=["PER"])
    assert report.labels == ["PER"] and report.entities == {"ani": 3, "budi": 3}
    assert report.pairs[0].exact.f1 == pytest.approx(2 / 3)
    full_a, full_b = sequences(small, small.article_ids(), ["ani", "budi"])
    per_a, per_b = ([t if t.endswith("PER") else "O" for t in seq] for seq in (full_a, full_b))
    assert report.kappa == pytest.approx(cohen_kappa_score(per_a, per_b), abs=1e-9)
    assert len(per_a) == report.tokens


def test_article_disagreement_sorts_most_disagreeing_first(small: Store) -> None:
    ranked = article_disagreement(small)
    report = compute_agreement(small)
    by_id = {a.article_id: a for a in report.articles}
    assert [r[0] for r in ranked] == [a.article_id for a in report.articles]
    for article_id, score in ranked:
        a = by_id[article_id]
        assert score == pytest.approx(1 - (a.exact_f1 + max(a.kappa, 0)) / 2)
    assert ranked[0][1] >= ranked[1][1]


# -- the command line -------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sorot")
    cli_agreement.add_parsers(parser.add_subparsers(dest="command"))
    return cli_agreement.agreement(parser.parse_args(argv), "tester")


def test_cli_table_json_and_exit_codes(small: Store, capsys) -> None:
    path = str(small.path)
    assert run_cli(["agreement", path]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 articles counted" in out and "Cohen's kappa" in out
    assert "most disagreeing articles" in out
    assert run_cli(["agreement", path, "--json", "--annotators", "budi", "ani"]) == 0
    data = json.loads(capsys.readouterr().out)
    report = compute_agreement(small, ["budi", "ani"])
    assert data["annotators"] == ["budi", "ani"]
    assert data["overall"]["kappa"] == pytest.approx(report.kappa)
    assert data["overall"]["krippendorff_alpha"] == pytest.approx(report.alpha)
    assert data["overall"]["exact_f1"] == pytest.approx(report.pairs[0].exact.f1)
    assert set(data["per_label"]) == set(report.labels)
    assert len(data["articles"]) == 2
    assert run_cli(["agreement", path, "--annotators", "ani"]) == 1
    assert "at least two annotators" in capsys.readouterr().err
    assert run_cli(["agreement", path, "--labels", "PER", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["labels"] == ["PER"]


def test_cli_no_done_articles_exits_1(tmp_path: Path, capsys) -> None:
    store = make_project(tmp_path, [TEXT_1])
    (aid,) = store.article_ids()
    add(store, aid, "ani", [span(store, aid, "Bogor", "GPE")])
    add(store, aid, "budi", [span(store, aid, "Bogor", "GPE")])
    mark(store, "ani", [aid])
    store.close()
    assert run_cli(["agreement", str(tmp_path / "project.sorot")]) == 1
    err = capsys.readouterr().err
    assert "no article is marked done by all of ani, budi (1 articles in the project)" in err
    assert run_cli(["agreement", str(tmp_path / "missing.sorot")]) == 1


def test_sorot_agreement_through_the_main_command_line(small: Store, capsys) -> None:
    """`sorot agreement` is one of `sorot`'s commands, not only cli.agreement's own parser."""
    from cli.main import build_parser, run

    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert "agreement" in commands
    assert run(["agreement", str(small.path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles_counted"] == 2


def test_no_nan_in_json_even_without_tokens(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "bare.sorot")
    with store.db.atomic():
        aid = store.add_article("", title="kosong")
        other = store.add_article("Retno di Jakarta", title="isi")
    add(store, other, "ani", [NewEntity(0, 5, "PER")])
    add(store, other, "budi", [NewEntity(0, 5, "PER")])
    mark(store, "ani", [aid, other])
    mark(store, "budi", [aid, other])
    report = compute_agreement(store)
    assert report.articles_counted == 2
    empty = next(a for a in report.articles if a.article_id == aid)
    assert empty.kappa is None and not math.isnan(empty.disagreement)
    json.dumps(report.to_json(), allow_nan=False)
