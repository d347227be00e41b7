"""The normalized XML archive: one XML document per agency and year, and the store of them.

* :mod:`archive.xml` — report model <-> XML, validated against ``report.xsd`` both ways.
* :mod:`archive.store` — the archive directory: atomic writes, locking, versions, sources.
"""
