"""The generator: a year's figures (and last year's archived report) -> the report as .docx and PDF.

Data flows one way, one module a step:

* ``basis``    what a report is generated from: a figures file (via gknb.parsers.figures) or a report;
* ``carry``    what last year's archived report hands on (结转, 现行有效件数, problems and measures);
* ``draft``    the figures file for a new year, prefilled from the archive;
* ``readiness`` whether the report may be final (error-level rules, gaps), and a draft's name;
* ``wording``  the report's text: title, opening, the sentences of sections 一, 五 and 六;
* ``grids``    the three tables in the official form's structure (merged cells included);
* ``compose``  figures + last year -> the document as a list of blocks;
* ``wordml``   blocks -> WordprocessingML parts; ``package`` -> a byte-identical .docx;
* ``pdf``      .docx -> PDF through LibreOffice.

Layout facts and fixed wording are data: the ``[generator]`` table of the official template.
"""

from .compose import compose, generate_docx

__all__ = ["compose", "generate_docx"]
