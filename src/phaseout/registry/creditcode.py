"""统一社会信用代码 (unified social credit code), GB 32100-2015. Pure functions, no database.

Source and confidence: ../shared/reference/policy-facts.md §4 (S, the algorithm agrees across three
independent implementations, recomputed locally). 18 characters from a 31-character set without
I, O, S, V, Z; position 18 is the check character:
    C18 = 31 − (Σ value(Ci)·Wi mod 31), Wi = 3^(i−1) mod 31, and 31 maps to 0.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, …
PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# Early Fujian pilot codes that were issued without a conforming check character
# (policy-facts.md §4, recomputed locally). They are real and must be accepted.
LEGACY_VALID = frozenset(
    {
        "91350100M0001TGQXM",
        "91350211M0000XUF46",
        "91350203M0001FUE2P",
    }
)


def check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def credit_code_problem(code: str) -> str | None:
    """Why this code is not a valid 统一社会信用代码, in words a person can act on; None if valid."""
    if code in LEGACY_VALID:
        return None
    if len(code) != 18:
        return _("统一社会信用代码应为18位，实际为%(n)d位。") % {"n": len(code)}
    bad = [ch for ch in code if ch not in VALUES]
    if bad:
        return _("统一社会信用代码含有不允许的字符“%(ch)s”（不使用I、O、S、V、Z）。") % {
            "ch": bad[0]
        }
    if not PATTERN.match(code):
        return _("统一社会信用代码第3至8位应为6位数字的行政区划码。")
    expected = check_character(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：第18位应为“%(expected)s”，实际为“%(actual)s”。") % {
            "expected": expected,
            "actual": code[17],
        }
    return None


def validate_credit_code(code: str) -> None:
    """Model-field validator: raises ValidationError saying what is wrong."""
    problem = credit_code_problem(normalize(code))
    if problem:
        raise ValidationError(problem, code="credit_code")


def with_check_character(first17: str) -> str:
    """Append the check character: used by the demo and test data generators."""
    return first17 + check_character(first17)
