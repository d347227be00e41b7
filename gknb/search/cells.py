"""Naming a cell of the form, for the search commands: :mod:`gknb.cellnames`, whose errors
are the search commands' own (:class:`SearchError`)."""

from __future__ import annotations

from gknb import cellnames
from gknb import template as tpl
from gknb.cellnames import catalogue, full_path, label_path, numbered, numbers

from .errors import SearchError

__all__ = ["catalogue", "full_path", "label_path", "numbered", "numbers", "resolve"]


def resolve(name: str) -> tpl.CellDef:
    """The one cell ``name`` means; SearchError (Chinese) if none or several."""
    try:
        return cellnames.resolve(name)
    except cellnames.CellNameError as e:
        raise SearchError(str(e)) from None
