"""Cell-value clean-up: Indonesian numbers, dates, grades and capaian arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbxl.core.formulas import capaian_value
from rbxl.core.values import (
    capaian,
    capaian_kategori,
    format_number,
    parse_date,
    parse_graded,
    parse_number,
    sakip_grade,
)


@pytest.mark.parametrize("text, number", [
    ("75,5", 75.5), ("1.234,5", 1234.5), ("1.234", 1234.0), ("2.76", 2.76), ("1,234.5", 1234.5),
    ("100%", 100.0), (" 12 ", 12.0), ("-3", -3.0), ("0,75", 0.75), ("1 234,5", 1234.5),
])
def test_numbers_written_the_indonesian_or_english_way(text, number):
    assert parse_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12a", "sebagian", "-", "1..2"])
def test_text_that_is_not_a_number(text):
    assert parse_number(text) is None


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 4)))
def test_indonesian_display_reads_back_as_the_same_number(x):
    assert parse_number(format_number(x)) == pytest.approx(x, abs=1e-6)


def test_graded_values_and_sakip_grades():
    assert parse_graded("70,2 BB") == (pytest.approx(70.2), "BB")
    assert parse_graded("80 A") == (80.0, "A")
    assert parse_graded(65.0) == (65.0, None)
    assert [sakip_grade(x) for x in (95, 85, 72.5, 65, 55, 40, 10)] == ["AA", "A", "BB", "B", "CC", "C", "D"]


@pytest.mark.parametrize("text, date", [
    ("31/03/2023", dt.date(2023, 3, 31)), ("2023-03-31", dt.date(2023, 3, 31)), ("5 April 2023", dt.date(2023, 4, 5)),
    ("1 Agustus 2023", dt.date(2023, 8, 1)), ("05-Des-2023", dt.date(2023, 12, 5)), (45016, dt.date(2023, 3, 31)),
])
def test_dates_typed_many_ways(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["kemarin", "31/02/2023", "30 Februari 2023", "", 0])
def test_not_a_date(text):
    assert parse_date(text) is None


def test_capaian_follows_the_direction():
    assert capaian(75, 100, "naik") == 75
    assert capaian(80, 100, "turun") == 120  # lower than target is better
    assert capaian(300, 100, "turun") == 0  # never below zero
    assert capaian(3, 3, "sama") == 100 and capaian(2, 3, "sama") == 0
    assert capaian(5, 0, "naik") is None


def test_categories_compare_by_their_order():
    opini = ["WTP", "WDP", "TW", "TMP"]
    assert capaian_kategori("WTP", "WTP", opini) == 100
    assert capaian_kategori("WDP", "WTP", opini) == 75
    assert capaian_kategori("WTP", "WDP", opini) == pytest.approx(400 / 3)
    assert capaian_kategori("XYZ", "WTP", opini) is None


def test_cached_value_matches_what_the_formula_shows_for_blanks():
    assert capaian_value(100.0, "", "naik") == ""
    assert capaian_value("-", 5.0, "naik") == ""
    assert capaian_value("", "WTP", "naik", ["WTP", "WDP"]) == ""
    assert capaian_value(80.0, 60.0, "naik") == 75
