"""The project: its file, the store, and the commands that change it."""
