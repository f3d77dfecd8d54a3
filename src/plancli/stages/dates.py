"""Dates in a notice: `2023年5月6日`, `2023-07-25`, `二〇二三年五月六日`, and damaged ones
(`2023年725`) that a date found elsewhere on the page can stand in for.
"""

from __future__ import annotations

import datetime
import re
from functools import cache

from plancli import regexes
from plancli.stages.meta_text import is_subsequence
from plancli.text import chinese_integer

YEAR = r"(?:19|20)\d{2}"
DATE_YMD = regexes.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
DATE_ISO = regexes.compile(r"(?<!\d)(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)")
HAN_DIGITS = "〇○零O0一二三四五六七八九"
DATE_HAN = regexes.compile(
    rf"(?P<y>[{HAN_DIGITS}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,3}})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)
DAMAGED_DATE = regexes.compile(
    r"^(?P<y>\d{4})\s*年[\d\s年月日.\-/]*$|^(?:19|20)\d{4,6}$"
)  # 2023626: 年月日 lost
# 年, 月 and 日 lost as spaces (a stray mark before it allowed): `{ 2017 6 23`
SPACED_DATE = regexes.compile(rf"^\W*(?P<y>{YEAR})\s+(?P<m>\d{{1,2}})\s+(?P<d>\d{{1,2}})$")


@cache
def year_month() -> re.Pattern[str]:
    """A year and month alone (`2021 年 5 月`), as on a cover page; compiled on first use."""
    return regexes.compile(
        r"^(\d{4}|[〇○零O0一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月$"
    )


def make_date(year: int | None, month: int | None, day: int | None) -> datetime.date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, datetime.date]]:
    """Every valid date in `text` with its (start, end) span, in order of appearance."""
    found: list[tuple[int, int, datetime.date]] = []
    for pattern in (DATE_YMD, DATE_ISO):
        for m in pattern.finditer(text):
            date = make_date(int(m["y"]), int(m["m"]), int(m["d"]))
            if date:
                found.append((m.start(), m.end(), date))
    for m in DATE_HAN.finditer(text):
        year, month, day = (chinese_integer(m[key], digit_by_digit=key == "y") for key in "ymd")
        date = make_date(year, month, day)
        if date:
            found.append((m.start(), m.end(), date))
    return sorted(found, key=lambda item: item[0])


def parse_date(text: str) -> datetime.date | None:
    """The date when `text` is nothing but a date (`2023年5月6日`, `2023-07-25`, 二〇二三年…)."""
    text = text.strip()
    dates = find_dates(text)
    if len(dates) == 1 and dates[0][0] == 0 and dates[0][1] == len(text):
        return dates[0][2]
    return None


def spaced_date(text: str) -> datetime.date | None:
    """A date whose 年, 月 and 日 were lost as spaces, which leave it unambiguous.

    >>> spaced_date("{ 2017 6 23"), spaced_date("2017 13 1")
    (datetime.date(2017, 6, 23), None)
    """
    match = SPACED_DATE.match(text.strip())
    return make_date(int(match["y"]), int(match["m"]), int(match["d"])) if match else None


def is_damaged_date(text: str) -> bool:
    return bool(DAMAGED_DATE.match(text) or SPACED_DATE.match(text.strip())) and (
        parse_date(text) is None
    )


WRITTEN_YEAR = regexes.compile(rf"(?<!\d)({YEAR})\s*年")


def written_year(text: str) -> int | None:
    """The first year written as such (`2023年`, `2023 年`) in `text`.

    >>> written_year("由2020年的2.5万张"), written_year("第17次")
    (2020, None)
    """
    found = WRITTEN_YEAR.search(text)
    return int(found.group(1)) if found else None


def date_fits_damage(date: datetime.date, damaged: str) -> bool:
    """`2023-07-25` can stand in for `2023年725`: same year, the damaged digits in order."""
    digits = re.sub(r"\D", "", damaged)
    return digits[:4] == str(date.year) and is_subsequence(digits, date.strftime("%Y%m%d"))
