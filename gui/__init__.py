"""Sorot's desktop app (PySide6): widgets that turn gestures into `annotation` commands."""
