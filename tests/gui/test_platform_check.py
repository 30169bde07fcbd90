"""The check made before the window starts: a missing libxcb-cursor is named in one line."""

from __future__ import annotations

import pytest

import main
from gui import app, platform_check
from gui.platform_check import missing_library, uses_xcb

X11 = {"DISPLAY": ":0"}


@pytest.mark.parametrize(
    ("platform", "environ", "xcb"),
    [
        ("linux", X11, True),
        ("linux", {**X11, "QT_QPA_PLATFORM": "xcb"}, True),
        ("linux", {"QT_QPA_PLATFORM": "xcb"}, True),
        ("linux", {**X11, "QT_QPA_PLATFORM": "offscreen"}, False),
        ("linux", {**X11, "QT_QPA_PLATFORM": "wayland"}, False),
        ("linux", {**X11, "WAYLAND_DISPLAY": "wayland-0"}, False),
        ("linux", {**X11, "XDG_SESSION_TYPE": "wayland"}, False),
        ("linux", {}, False),
        ("darwin", X11, False),
        ("win32", {}, False),
    ],
)
def test_which_starts_use_the_xcb_plugin(platform, environ, xcb) -> None:
    assert uses_xcb(platform, environ) is xcb


def test_a_missing_libxcb_cursor_names_the_package() -> None:
    message = missing_library("linux", X11, found=lambda: False)
    assert message is not None and "\n" not in message
    assert "sudo apt install libxcb-cursor0" in message
    assert missing_library("linux", X11, found=lambda: True) is None
    # Where xcb is not used, the library is not looked for at all.
    assert (
        missing_library(
            "linux", {"QT_QPA_PLATFORM": "offscreen"}, found=lambda: pytest.fail("looked up")
        )
        is None
    )


def test_sorot_stops_before_qt_with_one_line(monkeypatch, capsys) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    monkeypatch.setattr(app.sys, "platform", "linux")
    monkeypatch.setattr(platform_check, "has_xcb_cursor", lambda: False)
    monkeypatch.setattr(app, "application", lambda: pytest.fail("Qt was started"))
    assert main.main([]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "sudo apt install libxcb-cursor0" in err[0]
