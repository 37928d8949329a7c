"""Small helpers every part of Docker KB shares: one subprocess runner, one polling
loop, one atomic file write. This package imports nothing else from the project."""
