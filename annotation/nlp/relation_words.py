"""Closed-class Indonesian words that steer the relation search: grammar, not lexicon.

Each class is a bit, so that one lookup per word finds all of its classes
(`relation_article.ArticleBase` flags the words of an article with one sorted-array search).
"""

from __future__ import annotations

from annotation.nlp.relation_discourse import (
    BOTH,
    BOTH_OF,
    PARTY,
    PERSON,
    QUOTES,
    SAY,
    SAY_AFTER_QUOTE,
    SPEAKER,
)

CLAUSE = (
    "bahwa",
    "namun",
    "tetapi",
    "tapi",
    "sedangkan",
    "sementara",
    "karena",
    "sehingga",
    "agar",
    "supaya",
    "setelah",
    "sesudah",
    "sebelum",
    "ketika",
    "meski",
    "meskipun",
    "walaupun",
    "jika",
    ";",
    ":",
    *QUOTES,
    *SAY,
)  # a clause or a quote starts: the subject or object lies beyond it
STOP_BEFORE = CLAUSE
STOP_AFTER = (*CLAUSE, "di", "dari", "dalam", "sejak", "menurut")  # places, times, sources
SHARED = ("dan", "serta", "untuk", "guna", "lalu", "kemudian")  # "..., dan mendesak Y"
PURPOSE = ("untuk", "guna")  # "mendesak X untuk mendukung Y": X is who supports
CONTROL = ("URGES",)  # relations whose child does what follows PURPOSE
PREPOSITIONS = ("terhadap", "ke", "kepada", "atas", "untuk", "bagi", "dengan", "pada", "antara")
# An entity after one of these is an adjunct ("hubungan dengan Iran", "di Gaza"), no subject.
OBLIQUE = (*PREPOSITIONS, "di", "dari", "dalam", "oleh", "menuju", "tentang", "sejak", "pro")
BETWEEN = "antara"  # "pertemuan antara A dan B"
# A clause that leaves its subject out to the sentence's: "X sepakat ... setelah bertemu Y",
# "Sebelum bertolak ke Rusia, Prabowo ...", "X, salah satu ..., mengecam Y".
SUBORDINATE = (
    "setelah",
    "sesudah",
    "sebelum",
    "usai",
    "seusai",
    "saat",
    "ketika",
    "sambil",
    "sembari",
    "selagi",
    "tatkala",
    "sejak",
)
# Verbs that report a statement: "X mengatakan Indonesia ..." (see `relation_speech`).
SPEECH = (
    "mengatakan",
    "menyatakan",
    "menegaskan",
    "menyebut",
    "menyebutkan",
    "mengungkapkan",
    "menjelaskan",
    "menambahkan",
    "menekankan",
    "menyampaikan",
)
# A nominal predicate ("X sebagai mitra Y") is no verb whose subject a later "dan ..." shares.
COPULA = ("sebagai", "adalah", "merupakan", "ialah")
# What a mediator stands between: "menengahi sengketa antara A dan B", "konflik A-B".
DISPUTE = (BETWEEN, "konflik", "sengketa", "perselisihan", "pertikaian", "perang")
# Verbs of a host of talks: "X menggelar perundingan antara A dan B" mediates them.
HOST = (
    "menggelar",
    "memfasilitasi",
    "menyelenggarakan",
    "mensponsori",
    "memprakarsai",
    "tuan",
    "memediasi",
    "menengahi",
)
# Words of the me- verb shape that take no object: after them a name may be a subject.
NOT_TRANSITIVE = frozenset(
    (
        "menteri",
        "mereka",
        "merdeka",
        "meskipun",
        "melainkan",
        "memang",
        "mengatakan",
        "menyatakan",
        "menegaskan",
        "menyebut",
        "menyebutkan",
        "mengungkapkan",
        "menjelaskan",
        "menambahkan",
        "mengklaim",
        "menilai",
        "memastikan",
        "mengakui",
        "meyakini",
        "menganggap",
        "melaporkan",
        "mengumumkan",
        "menduga",
        "mengira",
        "berharap",
        "menginginkan",
    )
)

# Each class of words is a bit, so one dictionary lookup a word finds all its classes.
(
    STOP_B,
    STOP_A,
    SHARE,
    PURP,
    PREP,
    BETW,
    OBL,
    DI,
    YANG,
    QUOTE,
    SAYS,
    PRON,
    SUBORD,
    COMMA,
    DASH,
    DISP,
    HOSTS,
    COPS,
    SPEAK,
    ACCORD,
    AT,
) = (1 << i for i in range(21))
WORD_CLASSES = {
    STOP_B: STOP_BEFORE,
    STOP_A: STOP_AFTER,
    SHARE: SHARED,
    PURP: PURPOSE,
    PREP: PREPOSITIONS,
    BETW: (BETWEEN,),
    OBL: OBLIQUE,
    DI: ("di",),
    YANG: ("yang",),
    QUOTE: QUOTES,
    SAYS: (*SAY, *SAY_AFTER_QUOTE),
    PRON: (*PERSON, *PARTY, *BOTH, *BOTH_OF, *SPEAKER),
    SUBORD: SUBORDINATE,
    COMMA: (",",),
    DASH: ("-", "\u2013", "\u2014"),
    DISP: DISPUTE,
    HOSTS: HOST,
    COPS: COPULA,
    SPEAK: SPEECH,
    ACCORD: ("menurut",),
    AT: ("di", "dalam", "pada"),
}
