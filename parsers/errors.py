"""Errors for input that cannot be parsed.

Every message is Chinese (the users' language) and names the file; the CLI prints
``str(error)`` and exits non-zero without a traceback.
"""

from __future__ import annotations


class DocumentError(Exception):
    """A document that cannot be read as a report.  ``problem`` is a Chinese sentence."""

    def __init__(self, path: str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}：{problem}")


class NoTextLayer(DocumentError):
    """A PDF without a usable text layer (none, or glyphs without Unicode): a scan to recognise."""
