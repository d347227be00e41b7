"""Which report years can be meant: four digits, from the first year under the 政府信息公开条例
to next year.  One rule for every command that takes a year (``--year``, a YEAR argument) and for
the January job, so that ``--year 25`` or ``--year 99999999999999999999`` is a clear error, never a
report for year 25 nor a traceback deep in a query."""

from __future__ import annotations

import datetime
import re

FIRST_YEAR = 2008  # the first year under the 政府信息公开条例 (in force 1 May 2008)


class YearError(ValueError):
    """A report year that cannot be meant (25, 0225, 3025); the message is Chinese."""


def check_year(value: str | int) -> int:
    """The year as an int if it is plausible: four digits, 2008 to next year."""
    text = str(value).strip()
    last = datetime.date.today().year + 1
    if not re.fullmatch(r"[0-9]{4}", text) or not FIRST_YEAR <= int(text) <= last:
        raise YearError(f"年度“{value}”不合理：应为四位数字的年份，在{FIRST_YEAR}年至{last}年之间"
                        f"（例如 --year {last - 1}）")
    return int(text)
