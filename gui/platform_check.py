"""Checks made before the QApplication exists, so that a missing system library is named in
one line instead of Qt's page about platform plugins."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping

XCB_CURSOR = "libxcb-cursor.so.0"
XCB_CURSOR_MISSING = (
    "sorot: error: Qt's xcb platform plugin needs libxcb-cursor, which is not installed. "
    "Install it (Debian/Ubuntu: `sudo apt install libxcb-cursor0`; Fedora: `sudo dnf install "
    "xcb-util-cursor`) and start Sorot again."
)


def uses_xcb(platform: str, environ: Mapping[str, str]) -> bool:
    """Whether Qt would start on the xcb (X11) platform plugin."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    # Unset: Qt 6 picks wayland in a Wayland session, otherwise xcb (X11 through DISPLAY).
    wayland = environ.get("WAYLAND_DISPLAY") or environ.get("XDG_SESSION_TYPE") == "wayland"
    return bool(environ.get("DISPLAY")) and not wayland


def has_xcb_cursor() -> bool:
    """Whether libxcb-cursor.so.0 can be loaded."""
    if ctypes.util.find_library("xcb-cursor"):
        return True
    try:
        ctypes.CDLL(XCB_CURSOR)
    except OSError:
        return False
    return True


def missing_library(
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    found: Callable[[], bool] | None = None,
) -> str | None:
    """The one-line message to print when the window cannot start, or None when it can;
    `found` says whether libxcb-cursor loads (by default, trying to load it)."""
    if uses_xcb(platform, environ) and not (found or has_xcb_cursor)():
        return XCB_CURSOR_MISSING
    return None
