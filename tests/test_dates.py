"""Dates found in real sentences of the dev corpus, normalised and resolved."""
from __future__ import annotations

from datetime import date

import pytest

from corpus.dates import find_dates


def values(text: str, published: date | None = None) -> list[tuple[str, date, str]]:
    return [(f.text, f.value, f.granularity) for f in find_dates(text, published)]


def test_explicit_dates_and_granularity():
    text = ("Wednesday, December 18, 2019. A federal grand jury indicted Wyatt on Nov. 8, 2017. "
            "Beginning in 2016, Wyatt was a member. On 19 January 2026 and in Jan. 2026; "
            "filed 2026-01-19 and 1/19/2026.")
    found = values(text)
    assert ("December 18, 2019", date(2019, 12, 18), "day") in found
    assert ("Nov. 8, 2017", date(2017, 11, 8), "day") in found
    assert ("2016", date(2016, 1, 1), "year") in found
    assert ("19 January 2026", date(2026, 1, 19), "day") in found
    assert ("Jan. 2026", date(2026, 1, 1), "month") in found
    assert ("2026-01-19", date(2026, 1, 19), "day") in found
    assert ("1/19/2026", date(2026, 1, 19), "day") in found


def test_range_and_missing_year_take_the_publication_year():
    text = ("On January 19, ICITAP Counter-IED Advisors delivered the course, held at Camp "
            "Badnogo from January 12 to 23, 2026.")
    found = {v for _, v, _ in values(text, date(2026, 3, 16))}
    assert found == {date(2026, 1, 19), date(2026, 1, 12), date(2026, 1, 23)}


def test_a_day_without_year_well_after_publication_is_last_year():
    # "On May 9" in a post published in February 2026 happened in May 2025
    assert values("On May 9, the mission reported", date(2026, 2, 23))[0][1] == date(2025, 5, 9)


@pytest.mark.parametrize("expr, value, granularity", [
    ("yesterday", date(2022, 8, 4), "day"),
    ("today", date(2022, 8, 5), "day"),
    ("last week", date(2022, 7, 1), "month"),
    ("earlier this month", date(2022, 8, 1), "month"),
    ("last month", date(2022, 7, 1), "month"),
    ("last year", date(2021, 1, 1), "year"),
    ("on Monday", date(2022, 8, 1), "day"),        # 2022-08-05 is a Friday
])
def test_relative_dates_resolve_against_publication(expr, value, granularity):
    found = values(f"Vinnik was extradited {expr} from Greece.", date(2022, 8, 5))
    assert [(v, g) for _, v, g in found] == [(value, granularity)]


def test_relative_dates_need_a_publication_date():
    assert values("He was extradited yesterday.", None) == []


@pytest.mark.parametrize("text", [
    "in violation of 18 U.S.C. § 1030 and 18 U.S.C. § 2016",
    "ordered to pay $2,016 in restitution",
    "Criminal Division Citizen Phone Line 202-353-4641",
    "Case No. 2:19-cr-2016 was filed",
    "Jafar Tafakori, 57, an Iranian national",
    "a fine of $250,000, or both, and 2016 counts",
    "the 1030 section",
])
def test_no_false_dates(text):
    assert values(text, date(2020, 1, 1)) == []


def test_offsets_point_at_the_text():
    text = "Taken into custody on October 3, 2020, and presented on September 7, 2021."
    for f in find_dates(text):
        assert text[f.start:f.end] == f.text
