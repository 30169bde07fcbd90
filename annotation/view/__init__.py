"""What the window draws and where the keyboard goes, computed without Qt."""
