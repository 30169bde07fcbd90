"""The schema editor: entity and relation labels, their colours and rules."""
