"""Dates stated in a text, normalised to a value and a granularity (day, month, year).

Explicit dates ("January 19, 2026", "19 January 2026", "Jan. 2026", "in 2024",
"2026-01-19", "1/19/2026") and relative ones ("yesterday", "last week", "on Monday",
"earlier this month") resolved against the document's publication date. Bare years
count only after a word that makes them a time ("in 2016", "since 2019", "fiscal year
2020"), so case numbers, statute sections (18 U.S.C. § 1030), phone numbers, dollar
amounts and ages never become dates.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

DATES_VERSION = "1"

MIN_YEAR, MAX_YEAR = 1900, 2100

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = (r"(?P<{g}>January|February|March|April|May|June|July|August|September|October|"
          r"November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|"
          r"Oct\.?|Nov\.?|Dec\.?)")
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>(?:19|20)\d\d)"
_RANGE = r"\s*(?:-|–|—|to|through|until|and|&)\s*"


def _p(template: str, **groups: str) -> str:
    return template.format(**groups)


# Order matters: longer forms first; one pass, non-overlapping.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # January 12 to 23, 2026 / Jan. 12-23, 2026
    ("md_range_y", re.compile(
        r"\b" + _MONTH.format(g="m") + r"\s+" + _DAY.format(g="d1") + _RANGE + _DAY.format(g="d2")
        + r",?\s+" + _YEAR.format(g="y") + r"\b")),
    # January 19, 2026 / Monday, January 19, 2026 / Jan. 19 2026
    ("mdy", re.compile(
        r"\b" + _MONTH.format(g="m") + r"\s+" + _DAY.format(g="d") + r"(?!\d)(?:,\s*|\s+)"
        + _YEAR.format(g="y") + r"\b")),
    # 19 January 2026 / 19th of January, 2026
    ("dmy", re.compile(
        r"\b" + _DAY.format(g="d") + r"\s+(?:of\s+)?" + _MONTH.format(g="m") + r",?\s+"
        + _YEAR.format(g="y") + r"\b")),
    # 2026-01-19
    ("iso", re.compile(r"(?<![\w/.-])" + _YEAR.format(g="y")
                       + r"-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w/-])")),
    # 1/19/2026 (US order)
    ("us_numeric", re.compile(r"(?<![\w/.-])(?P<m>1[0-2]|0?[1-9])/(?P<d>[0-3]?\d)/"
                              + _YEAR.format(g="y") + r"(?![\w/-])")),
    # January 2026 / Jan. 2026 / January of 2026
    ("my", re.compile(r"\b" + _MONTH.format(g="m") + r",?\s+(?:of\s+)?"
                      + _YEAR.format(g="y") + r"\b")),
    # January 12 to 23 (year from the publication date)
    ("md_range", re.compile(
        r"\b" + _MONTH.format(g="m") + r"\s+" + _DAY.format(g="d1") + _RANGE + _DAY.format(g="d2")
        + r"(?![\d,]*\s*(?:19|20)\d\d)\b")),
    # January 19 / on Jan. 19 (year from the publication date)
    ("md", re.compile(r"\b" + _MONTH.format(g="m") + r"\s+" + _DAY.format(g="d")
                      + r"(?!\d|:|\s*(?:%|percent|years?\b|kilo|pounds|grams|,\s*(?:19|20)\d\d))\b")),
    # in 2016 / since 2019 / between 2014 and 2016 / fiscal year 2020 / early 2020
    ("year", re.compile(
        r"\b(?P<trigger>(?:in|since|during|until|till|from|by|through|throughout|between|"
        r"before|after|of|to|and|early|late|mid|mid-|year|fiscal year|FY|spring|summer|around|"
        r"circa|about|'s|’s|"
        r"autumn|fall|winter|end of|beginning of|start of)\s+)"
        r"(?P<y>(?:19|20)\d\d)(?![\w/-]|\.\d|,\d|\s*(?:%|percent|U\.S\.C|USC)|\s+[a-z]+s\b)",
        re.IGNORECASE)),
    # the 2025 International Drug Conference
    ("year", re.compile(r"\b(?P<trigger>the\s+)(?P<y>(?:19|20)\d\d)(?=\s+[A-Z][a-z])")),
    # 2014-2016 / 2014 to 2016 after a trigger ("from 2014 to 2016") handled by "year"
    # relative forms
    ("relative", re.compile(
        r"\b(?P<rel>yesterday|today|tomorrow|last\s+week|this\s+week|next\s+week|"
        r"last\s+month|this\s+month|next\s+month|earlier\s+this\s+month|"
        r"later\s+this\s+month|earlier\s+this\s+year|later\s+this\s+year|last\s+year|"
        r"this\s+year|next\s+year|(?:on|last|this|next|earlier\s+on|late|early)\s+"
        r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b", re.IGNORECASE)),
]

_YEAR_BLOCKERS = re.compile(r"(?:§|\$|No\.|Nos\.|Case|Docket|Section|Sec\.|U\.S\.C\.?|Title|"
                            r"Rule|Room|Suite|Box|Route|#)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FoundDate:
    text: str
    start: int
    end: int
    value: date
    granularity: str                 # day, month, year


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not (MIN_YEAR <= year <= MAX_YEAR):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, published: date | None) -> int | None:
    """The year of a date stated without one: the publication year, or the year before
    when that would put the date well after publication ("on December 28" in January)."""
    if published is None:
        return None
    candidate = _safe_date(published.year, month, max(1, min(day, 28)))
    if candidate is not None and candidate > published + timedelta(days=60):
        return published.year - 1
    return published.year


def _relative(expr: str, published: date) -> tuple[date, str] | None:
    e = " ".join(expr.lower().split())
    if e == "today":
        return published, "day"
    if e == "yesterday":
        return published - timedelta(days=1), "day"
    if e == "tomorrow":
        return published + timedelta(days=1), "day"
    if e in ("last week",):
        return (published - timedelta(days=7)).replace(day=1), "month"
    if e in ("this week",):
        return published.replace(day=1), "month"
    if e in ("next week",):
        return (published + timedelta(days=7)).replace(day=1), "month"
    if e in ("this month", "earlier this month", "later this month"):
        return published.replace(day=1), "month"
    if e == "last month":
        return (published.replace(day=1) - timedelta(days=1)).replace(day=1), "month"
    if e == "next month":
        return (published.replace(day=28) + timedelta(days=7)).replace(day=1), "month"
    if e in ("this year", "earlier this year", "later this year"):
        return date(published.year, 1, 1), "year"
    if e == "last year":
        return date(published.year - 1, 1, 1), "year"
    if e == "next year":
        return date(published.year + 1, 1, 1), "year"
    words = e.split()
    weekday = _WEEKDAYS.get(words[-1])
    if weekday is None:
        return None
    if words[0] == "next":
        delta = (weekday - published.weekday()) % 7 or 7
        return published + timedelta(days=delta), "day"
    # "on Monday", "last Monday": the most recent such day up to publication
    delta = (published.weekday() - weekday) % 7
    if words[0] == "last" and delta == 0:
        delta = 7
    return published - timedelta(days=delta), "day"


def find_dates(text: str, published: date | None = None) -> list[FoundDate]:
    """Every date stated in ``text`` (offsets are character offsets into it)."""
    taken = bytearray(len(text))
    found: list[FoundDate] = []

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def add(a: int, b: int, value: date | None, granularity: str) -> None:
        if value is None:
            return
        found.append(FoundDate(text[a:b], a, b, value, granularity))

    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            a, b = m.span()
            if not free(a, b):
                continue
            g = m.groupdict()
            if kind == "md_range_y":
                month, year = _month(g["m"]), int(g["y"])
                first = _safe_date(year, month, int(g["d1"]))
                last = _safe_date(year, month, int(g["d2"]))
                if first is None or last is None or last < first:
                    continue
                add(a, m.end("d1"), first, "day")
                add(m.start("d2"), b, last, "day")
            elif kind in ("mdy", "dmy", "iso", "us_numeric"):
                month = _month(g["m"]) if kind in ("mdy", "dmy") else int(g["m"])
                value = _safe_date(int(g["y"]), month, int(g["d"]))
                if value is None:
                    continue
                add(a, b, value, "day")
            elif kind == "my":
                value = _safe_date(int(g["y"]), _month(g["m"]), 1)
                if value is None or g["m"].lower() == "may" and not text[a:a + 1].isupper():
                    continue
                add(a, b, value, "month")
            elif kind in ("md_range", "md"):
                if g["m"] == "May" and _is_modal_may(text, a, b):
                    continue
                month = _month(g["m"])
                day = int(g["d"] if kind == "md" else g["d1"])
                year = _year_for(month, day, published)
                if year is None:
                    continue
                value = _safe_date(year, month, day)
                if value is None:
                    continue
                if kind == "md":
                    add(a, b, value, "day")
                else:
                    last = _safe_date(year, month, int(g["d2"]))
                    if last is None or last < value:
                        continue
                    add(a, m.end("d1"), value, "day")
                    add(m.start("d2"), b, last, "day")
            elif kind == "year":
                if _YEAR_BLOCKERS.search(text[max(0, a - 12):a]):
                    continue
                year = int(g["y"])
                if published is not None and year > published.year + 10:
                    continue
                a = m.start("y")
                add(a, b, _safe_date(year, 1, 1), "year")
            elif kind == "relative":
                if published is None:
                    continue
                resolved = _relative(g["rel"], published)
                if resolved is None:
                    continue
                rel_start = m.start("rel")
                add(rel_start, b, resolved[0], resolved[1])
            taken[a:b] = b"\x01" * (b - a)
    found.sort(key=lambda f: (f.start, f.end))
    return found


def _is_modal_may(text: str, a: int, b: int) -> bool:
    """"May 5" is a date, but "they may 5..." is rare; a capital M at a sentence start
    followed by a number is still taken as the month."""
    return not text[a:b].startswith("May")
