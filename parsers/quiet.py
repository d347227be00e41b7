"""The PDF libraries' own logging kept to real errors.

pdfminer logs (in English) every oddity of a damaged PDF; what matters reaches the user as
gknb's own message.  Set where the libraries are imported (the PDF and scan readers), so that
a command that reads no PDF never loads :mod:`logging` for them.
"""

from __future__ import annotations

import logging

LIBRARIES = ("pdfminer", "pdfplumber", "pypdfium2")


def quiet_pdf_libraries() -> None:
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.ERROR)
