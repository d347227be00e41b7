"""What reading a damaged or hostile zip package can raise, besides its own ``BadZipFile``.

A member whose data is garbage for its compression method raises that method's error:
``zlib.error`` (deflate), ``OSError`` (bzip2: "Invalid data stream"), ``lzma.LZMAError``;
``EOFError`` when it is cut short, ``NotImplementedError`` for a method Python cannot read,
``ValueError`` and ``KeyError`` from damaged headers and names.  Every reader of a zip
(Word, the figures workbook, the register, reviews) catches this one tuple.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib

ZIP_DAMAGE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, EOFError, zlib.error, OSError, lzma.LZMAError, NotImplementedError, ValueError, KeyError)
