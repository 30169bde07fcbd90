"""Sorot's domain: articles, entities, relations, the project file, commands, import and export.

This package never imports Qt; the desktop app in `gui/` is a thin layer over it.
"""

__version__ = "0.1.0"
