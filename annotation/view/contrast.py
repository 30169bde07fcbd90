"""Colour contrast as WCAG 2 defines it, for checking that what is drawn can be read."""

from __future__ import annotations


def luminance(rgb: tuple[float, float, float]) -> float:
    """The relative luminance of an sRGB colour with channels in 0..1."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """From 1 (none) to 21 (black on white); WCAG AA asks 4.5 for text."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
