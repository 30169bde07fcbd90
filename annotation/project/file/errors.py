"""The errors a project file raises, each with a message for the researcher."""

from __future__ import annotations


class ProjectError(Exception):
    """A project file that cannot be opened or used, with a message for the researcher."""


class ProjectExistsError(ProjectError):
    """A new project's path is taken (possibly by another process creating it just now)."""
