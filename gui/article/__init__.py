"""One article on screen: its view, painting, caret, relations and panels."""
