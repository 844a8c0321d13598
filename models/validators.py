"""Validators of the identifiers the platform accepts (see docs/design/architecture.md)."""

from __future__ import annotations

import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Weights of positions 1–17: 3^(i−1) mod 31 (GB 32100-2015).
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_SHAPE = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")
_SCHOOL_CODE = re.compile(r"^\d{10}$")
_REGION_CODE = re.compile(r"^\d{6}$")


def uscc_check_character(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 whose first 17 characters are given."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, in Chinese; None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    if not _USCC_SHAPE.match(code):
        bad = sorted({c for c in code if c not in USCC_ALPHABET})
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用I、O、S、V、Z）"
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：应为{expected}，实际为{code[17]}"
    return None


def school_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 学校标识码 (10 digits), in Chinese; None when valid."""
    if not _SCHOOL_CODE.match(code):
        return "学校标识码应为10位数字"
    return None


def region_code_problem(code: str) -> str | None:
    if not _REGION_CODE.match(code):
        return "行政区划代码应为6位数字"
    return None


def normalize_code(code: str) -> str:
    """Upper-case, half-width, no surrounding spaces: the form in which codes are stored."""
    return code.strip().translate(_FULLWIDTH).upper()


_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
