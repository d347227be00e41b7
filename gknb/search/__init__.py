"""Search over the archive: full text of every report's sections, and figures across years.

The XML archive stays the single source of truth.  ``<archive>/index.sqlite`` is a
derived, disposable index (SQLite FTS5 with the trigram tokenizer, through apsw for a
current SQLite): brought up to date from the XML before every use, rebuildable at any time.

Modules, one job each:

* ``db``        the index file: schema, opening, version check
* ``extract``   what of a report is searchable (parts) and which figures are kept (cells)
* ``sync``      which archive files changed since last indexing (stat per folder or per file, hashes)
* ``index``     keeping the index current under the store's lock; rebuilding it
* ``scope``     filters shared by every command (agency, years, sections)
* ``fulltext``  substring search of any length, ranked; ``snippet`` marks the hits
* ``cells``     naming a cell by id, label path or words of its label
* ``series``    series, numeric conditions and the tidy export of every figure
* ``export``    CSV (with BOM, for Excel) and JSON writers of the tidy export
* ``errors``    the error users see (Chinese message, exit status 2)
* ``cli``       the ``gknb search/index/series/query/export`` commands
"""
