"""A variant suite: corpus documents mutated in known ways, with their figures known.

Every corpus document that has an ``expected.json`` is rewritten by small seeded mutation
functions (:mod:`.classes`): headings renumbered or misspelt, row labels restyled, figures in
full-width digits, the report in Traditional characters, HTML cells wrapped, tables split, and
the HTML variants rendered to Word and PDF.  Because each mutation touches only what it targets,
the expected figures stay known; :mod:`.build` writes the variants with their expected files and
:mod:`.run` parses them and reports exact / flagged / silent / refused / crashed per class.

Nothing is stored in the repository: variants are generated at run time from the corpus.
"""
