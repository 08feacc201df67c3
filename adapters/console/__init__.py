"""The terminal face: the same commands typed in a terminal or piped in from a file."""
