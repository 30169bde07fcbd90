"""Files other than the project: reading articles to import, writing exports."""
