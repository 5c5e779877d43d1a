"""Formula injection: every text cell handed out is neutralised, and importers can undo it."""

import pytest

from phaseout.core.exports import csv_chunks, neutralise, unneutralise


@pytest.mark.parametrize(
    "text", ["=1+1", "+86 510", "-5", "@SUM(A1)", "\tx", "\r=cmd", '=HYPERLINK("http://x")']
)
def test_formula_starts_get_a_quote_and_come_back(text):
    assert neutralise(text) == "'" + text
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("value", ["城东水泥", "'quoted", "", 5, -5, 1.5, None])
def test_other_values_are_left_alone(value):
    assert neutralise(value) == value


def test_a_quote_before_ordinary_text_is_kept():
    assert unneutralise("'abc") == "'abc"


def test_csv_chunks_start_with_bom_and_neutralise():
    text = "".join(csv_chunks([["名称", "数"], ["=1+1", -3], [None, 2]]))
    assert text.startswith("\ufeff名称,数\r\n")
    assert "'=1+1,-3\r\n" in text and ",2\r\n" in text
