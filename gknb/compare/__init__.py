"""The comparer: this year's report against last year's, as a reviewer reads them.

Modules, one job each: ``textdiff`` (Chinese prose diff), ``figures`` (figures side by
side), ``carryover`` (section 五's problems followed into the next year), ``checks``
(every rule on both years, cross-year rules with their status), ``comparison`` (the whole
comparison), ``html`` / ``style`` (the self-contained report), ``archive`` (pairs and
batches from the archive), ``cli`` (the ``gknb compare`` command).

Kept free of imports so that ``gknb.rules`` can use ``textdiff`` without loading the rest.
"""
