"""The consolidated report (本级政府年度报告): a government's figures as the sum of its member agencies'.

``members`` (who belongs to a government: small pluggable sources), ``total`` (the tables
added up by the template's own rules, members missing or unusable named), ``breakdown``
(the per-agency workbook), ``cli`` (the ``gknb consolidate`` command; the run itself, with
the generated report, is :mod:`jobs.consolidate`).
"""
