"""Window state (geometry, text size) in QSettings, kept beside Sorot's own settings file."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from annotation.settings import config_dir


def qsettings() -> QSettings:
    """The QSettings file for window state; it follows SOROT_CONFIG_DIR like the settings."""
    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
