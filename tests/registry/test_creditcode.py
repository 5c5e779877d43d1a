"""统一社会信用代码 GB 32100-2015: the published vectors, and properties of the check character."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from phaseout.registry.creditcode import (
    CHARSET,
    LEGACY_VALID,
    check_character,
    credit_code_problem,
    validate_credit_code,
    with_check_character,
)

# policy-facts.md §4: codes that pass both checks, and one that does not.
GOOD = [
    "91350100M000100Y43",
    "914403001922038216",
    "91440300708461136T",
    "91330100799655058B",
    "91110000802100433B",
    "91110108551385082Q",
]


@pytest.mark.parametrize("code", GOOD)
def test_published_codes_pass(code):
    assert credit_code_problem(code) is None


def test_worked_example_check_character_is_3():
    # Σ = 1640, 1640 mod 31 = 28, 31 − 28 = 3 (policy-facts.md §4 worked example).
    assert check_character("91350100M000100Y4") == "3"


def test_negative_vector_names_expected_character():
    problem = credit_code_problem("911100001000013428")
    assert "C" in problem and "8" in problem


@pytest.mark.parametrize("code", sorted(LEGACY_VALID))
def test_legacy_fujian_pilot_codes_are_accepted(code):
    assert check_character(code[:17]) != code[17]  # they really fail the check
    assert credit_code_problem(code) is None


@pytest.mark.parametrize(
    "code, fragment",
    [
        ("91110000802100433", "18位"),
        ("91110000802100433BB", "18位"),
        ("9111000080210043IB", "I"),
        ("91A10000802100433B", "6位数字"),
    ],
)
def test_malformed_codes_say_what_is_wrong(code, fragment):
    assert fragment in credit_code_problem(code)


def test_validator_normalises_case_and_space():
    validate_credit_code(" 91440300708461136t ")
    with pytest.raises(ValidationError):
        validate_credit_code("911100001000013428")


charset = st.sampled_from(CHARSET)
first17 = st.tuples(
    st.text(alphabet=CHARSET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CHARSET, min_size=9, max_size=9),
).map("".join)


@given(first17)
def test_completed_code_is_valid(prefix):
    assert credit_code_problem(with_check_character(prefix)) is None


@given(first17, st.integers(min_value=0, max_value=16), charset)
def test_changing_one_character_invalidates_unless_check_recomputed(prefix, position, new):
    code = with_check_character(prefix)
    if code[position] == new or (2 <= position <= 7 and not new.isdigit()):
        return
    changed = code[:position] + new + code[position + 1 :]
    # The weights 3^i mod 31 are units mod 31, so any single substitution moves the sum.
    assert credit_code_problem(changed) is not None
    assert credit_code_problem(with_check_character(changed[:17])) is None


@given(first17, charset)
def test_wrong_check_character_is_rejected_with_the_right_one_named(prefix, wrong):
    right = check_character(prefix)
    if wrong == right:
        return
    problem = credit_code_problem(prefix + wrong)
    assert f"“{right}”" in problem
