"""Suggestions in a project: running the engine, measuring and training on it."""
