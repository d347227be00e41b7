"""The comparer: this year's report against last year's, as a reviewer reads them.

Modules, one job each (the Chinese prose diff itself is :mod:`gknb.textdiff`, which the
checker uses too): ``changes`` (figures side by
side, large swings), ``rectification`` (section 五's problems followed into the next year),
``checks`` (every rule on both years, each cross-year rule's status), ``comparison`` (the
whole comparison, built once), ``markup`` / ``html`` / ``details`` / ``style`` (the
self-contained page), ``jsonview`` (findings for scripts), ``batch`` / ``index`` (pairs
and whole years from the archive), ``cli`` (the ``gknb compare`` command).
"""
