"""Paths as messages show them."""

from __future__ import annotations

import os
from pathlib import Path


def shown(path: Path) -> str:
    """A path relative to the current directory when inside it, else as it is."""
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel
