"""Fuzz harness for the readers (issue 15).

The promise under test: any input, however hostile, ends in a parsed report or the reader's
clean refusal (``parsers.DocumentError``; ``archive.xml.ArchiveError`` for the archive) —
never another exception, never a hang, never unbounded memory.

* ``targets``   one target per reader, and "any" through ``parsers.parse_source``
* ``seeds``     seed inputs from the corpus, the sample and archive XML made from them
* ``mutators``  format-aware mutations (bytes, lines, XML trees, zip members, PDF streams)
* ``execute``   one execution under a time limit, with its peak RSS and its classification
* ``runner``    the seeded random engine (a watched worker process; no atheris needed)
* ``atheris_target``  the coverage-guided engine (libFuzzer through atheris, extra ``fuzz``)
* ``__main__``  ``python -m tests.fuzz``: runs targets (at most 2 at a time) and prints the table

Findings go to ``out/fuzz/crashes/<target>/<sha1>.bin`` with ``<sha1>.txt`` beside it.
"""
