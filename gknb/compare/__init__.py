"""The comparer: this year's report against last year's, as a reviewer reads them.

Modules, one job each: ``textdiff`` (Chinese prose diff), ``figures`` (figures side by
side, large swings), ``carryover`` (section 五's problems followed into the next year),
``checks`` (every rule on both years, each cross-year rule's status), ``comparison`` (the
whole comparison, built once), ``markup`` / ``html`` / ``details`` / ``style`` (the
self-contained page), ``jsonview`` (findings for scripts), ``batch`` / ``index`` (pairs
and whole years from the archive), ``cli`` (the ``gknb compare`` command).

Kept free of imports so that ``gknb.rules`` can use ``textdiff`` without loading the rest.
"""
