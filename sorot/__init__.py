"""Sorot as an installed program: `sorot` on the command line, `python -m sorot`.

The work is done in `annotation` (the domain), `cli` (headless commands) and `gui` (the
window); `sorot.launch` only chooses between the last two, so it sits above both.
"""
