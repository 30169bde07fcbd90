"""The default label colours stay apart for colour-blind readers, in light and dark themes,
and the text on every highlight keeps WCAG AA contrast."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from annotation.schema import default_schema
from annotation.view.colours import highlight, outline, rgb
from annotation.view.contrast import contrast_ratio
from gui.app import application, dark_palette
from gui.article.paint import text_colour

colorspacious = pytest.importorskip("colorspacious")

# Distance in CAM02-UCS (about 1 is a just noticeable difference; 7 tells labels apart
# at a glance); severity 100 is full dichromacy.
MIN_DELTA_E = 7.0
VISIONS = [None, "deuteranomaly", "protanomaly", "tritanomaly"]
# The colours before issue 13 (Okabe-Ito): PER and ORG two blues, ORG and LOC close for
# tritanopes on a light background.
OKABE_ITO = ["#0072B2", "#F0E442", "#D55E00", "#56B4E9", "#009E73", "#CC79A7", "#E69F00"]


def themes() -> dict[str, tuple[str, str]]:
    """(background, text) of the article view in the light and the dark theme."""
    app = application()
    light = (
        QApplication.style().standardPalette()
        if app.style().name() == "fusion"
        else app.style().standardPalette()
    )
    out = {}
    for name, palette in (("light", light), ("dark", dark_palette())):
        out[name] = (palette.color(QPalette.Base).name(), palette.color(QPalette.Text).name())
    assert QColor(out["light"][0]).lightnessF() > 0.5 > QColor(out["dark"][0]).lightnessF()
    return out


def seen(colour: tuple[float, float, float], vision: str | None):
    if vision is not None:
        colour = colorspacious.cspace_convert(
            colour, {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}, "sRGB1"
        )
    return [min(max(c, 0.0), 1.0) for c in colour]


def closest(colours: list[str]) -> tuple[float, str]:
    """The smallest distance between any two of these label colours (or a highlight and its
    background), over the tag colours and both themes' highlights, for every vision."""
    worst = (float("inf"), "")
    drawn = {"tag": [rgb(c) for c in colours]}
    for theme, (base, ink) in themes().items():
        drawn[theme] = [highlight(c, base, ink) for c in colours] + [rgb(base)]
        drawn[f"{theme} outline"] = [rgb(outline(c, base)) for c in colours]
    for (where, shown), vision in itertools.product(drawn.items(), VISIONS):
        simulated = [seen(c, vision) for c in shown]
        for (i, a), (j, b) in itertools.combinations(enumerate(simulated), 2):
            d = colorspacious.deltaE(a, b, input_space="sRGB1")
            if d < worst[0]:
                names = [*colours, "background"]
                worst = (d, f"{names[i]}/{names[j]} {where} {vision or 'normal'}")
    return worst


def test_the_default_colours_stay_apart_for_every_vision() -> None:
    colours = [t.colour for t in default_schema().entities]
    distance, where = closest(colours)
    assert distance >= MIN_DELTA_E, where


def test_the_threshold_tells_the_old_colours_apart() -> None:
    distance, where = closest(OKABE_ITO)
    assert distance < MIN_DELTA_E, where


def test_text_on_every_highlight_and_tag_keeps_aa_contrast() -> None:
    for (base, ink), t, current in itertools.product(
        themes().values(), default_schema().entities, (False, True)
    ):
        assert contrast_ratio(highlight(t.colour, base, ink, current), rgb(ink)) >= 4.5, t.name
        tag_ink = text_colour(QColor(t.colour))
        assert contrast_ratio(rgb(t.colour), rgb(tag_ink.name())) >= 4.5, t.name


def test_suggestion_outlines_are_seen_on_both_backgrounds() -> None:
    for (base, _), t in itertools.product(themes().values(), default_schema().entities):
        assert contrast_ratio(rgb(outline(t.colour, base)), rgb(base)) >= 3.0, t.name
    # A dark colour is lightened in the dark theme, keeping its hue.
    lifted = QColor(outline("#332288", themes()["dark"][0]))
    assert lifted.lightnessF() > QColor("#332288").lightnessF()
    assert abs(lifted.hueF() - QColor("#332288").hueF()) < 0.02


def test_a_bright_colour_is_laid_on_thinly_enough_in_the_dark() -> None:
    base, ink = themes()["dark"]
    yellow = highlight("#F0E442", base, ink)
    assert 4.5 <= contrast_ratio(yellow, rgb(ink)) < 4.7
