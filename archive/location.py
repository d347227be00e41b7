"""Where the archive is when no folder is given: apart from :mod:`archive.store` so that a
command can ask whether there is an archive at all without loading the store (and lxml)."""

from __future__ import annotations

import os
from pathlib import Path

ENV = "GKNB_ARCHIVE"


def default_root() -> Path:
    """$GKNB_ARCHIVE, else $XDG_DATA_HOME/gknb/archive (~/.local/share/gknb/archive)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "gknb" / "archive"
