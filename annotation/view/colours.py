"""Label colours as they are drawn under the article's text, in light and dark themes.

An accepted entity's highlight is its label's colour laid over the view's background at
`LIGHT_ALPHA` or `DARK_ALPHA` (more for the current one); where that would leave the text
on it below WCAG AA contrast, the colour is laid on more thinly. The default colours
(resources/schema/default.json) are chosen so that these highlights stay apart for the
common colour-vision deficiencies (tests/view/test_colours.py measures it).
"""

from __future__ import annotations

import functools

from annotation.view.contrast import contrast_ratio

LIGHT_ALPHA = 0.5
DARK_ALPHA = 0.55
LIGHT_CURRENT_ALPHA = 0.65
DARK_CURRENT_ALPHA = 0.7
TEXT_CONTRAST = 4.5  # WCAG AA for text

RGB = tuple[float, float, float]


def rgb(colour: str) -> RGB:
    """'#RRGGBB' as channels in 0..1."""
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def over(colour: RGB, base: RGB, alpha: float) -> RGB:
    """`colour` laid over `base` with this opacity."""
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(colour, base))  # type: ignore


def is_dark(base: RGB) -> bool:
    """Whether a background is a dark theme's (the text on it is light)."""
    return max(base) + min(base) < 1.0  # HSL lightness below one half


@functools.lru_cache(maxsize=1024)
def highlight_alpha(colour: str, base: str, ink: str, current: bool = False) -> float:
    """The opacity of a label's highlight over `base`: the theme's, or less where the text
    (`ink`) on it would fall below WCAG AA contrast."""
    b, c, i = rgb(base), rgb(colour), rgb(ink)
    if is_dark(b):
        alpha = DARK_CURRENT_ALPHA if current else DARK_ALPHA
    else:
        alpha = LIGHT_CURRENT_ALPHA if current else LIGHT_ALPHA
    while alpha > 0.05 and contrast_ratio(over(c, b, alpha), i) < TEXT_CONTRAST:
        alpha -= 0.01
    return round(alpha, 2)


def highlight(colour: str, base: str, ink: str, current: bool = False) -> RGB:
    """The colour the text of an accepted entity sits on."""
    return over(rgb(colour), rgb(base), highlight_alpha(colour, base, ink, current))


OUTLINE_CONTRAST = 3.0  # WCAG's for graphics that must be seen (non-text contrast)


@functools.lru_cache(maxsize=1024)
def outline(colour: str, base: str) -> str:
    """A label's colour for lines drawn on `base` (a suggestion's dashed outline): the colour
    itself, or mixed towards white on a dark background (black on a light one) until it has
    WCAG's 3:1 non-text contrast with `base`."""
    c, b = rgb(colour), rgb(base)
    towards = (1.0, 1.0, 1.0) if is_dark(b) else (0.0, 0.0, 0.0)
    mixed, share = c, 0.0
    while share < 1.0 and contrast_ratio(mixed, b) < OUTLINE_CONTRAST:
        share += 0.05
        mixed = over(towards, c, share)
    return "#" + "".join(f"{round(v * 255):02X}" for v in mixed)
