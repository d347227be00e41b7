"""A generated report before it is Word: paragraphs with their roles, and table grids."""

from __future__ import annotations

from dataclasses import dataclass, field

from .grids import FormGrid

TITLE, BODY, HEADING, SUBHEADING, SIGNATURE = "title", "body", "heading", "subheading", "signature"


@dataclass(frozen=True)
class Para:
    role: str  # title | body | heading | subheading | signature: each has its font and indent in [generator]
    text: str  # "\n" breaks a line within the paragraph


@dataclass
class Document:
    agency: str
    year: int
    blocks: list[Para | FormGrid] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be filled or carried forward
    draft: bool = False  # marked on every page as not final (征求意见稿), its gaps highlighted

    @property
    def title(self) -> str:
        """The title on one line (a printed title may be broken over two: "\\n")."""
        return next(b.text for b in self.blocks if isinstance(b, Para) and b.role == TITLE).replace("\n", "")
