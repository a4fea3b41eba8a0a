"""Modal screens of the terminal chat."""
