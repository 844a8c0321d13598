"""The small-number rule (小数保护): figures built on fewer than five students stay private.

A figure that counts students of a school — graduates, placed, in-field, further study, the
students behind a salary median — and rests on one to four students is shown as ``<5`` to anyone
but that school and its own regulators (the regulators whose region holds the school; national
regulators and admins). A rate, 供求比, gap or median worked out from such a figure is not shown at
all: it would give the number back. Zero is shown (it names no one). The threshold is data: one
constant with its wording, stated here once and used by every place the figures leave the
service (the mismatch report and its exports, the school's view of its region, the 人才需求清单,
the outcomes of a school's cohorts). See docs/design/policy.md §7 and docs/security.md.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALL_NUMBER_LIMIT = 5
SMALL_NUMBER_TEXT = "<5"
SMALL_NUMBER_RULE = (
    "小数保护：按学生人数统计的数字（毕业生、去向落实、对口就业、升学人数，薪资中位数所依据的人数），"
    f"所依据的学生不足{SMALL_NUMBER_LIMIT}人（1至{SMALL_NUMBER_LIMIT - 1}人）时，"
    f"除该校本身及其所在地区的监管部门外，一律显示为“{SMALL_NUMBER_TEXT}”；"
    "据此计算的比率、供求比、缺口和薪资中位数不予显示。"
)
SMALL_NUMBER_SOURCE = (
    "《中华人民共和国个人信息保护法》第五十一条（采取去标识化等安全技术措施）；"
    "统计数据发布的小数抑制惯例"
)

Count = int | str


def is_small(count: int) -> bool:
    """One to four students: a figure that could point at a person."""
    return 0 < count < SMALL_NUMBER_LIMIT


def shown(count: int, exact: bool) -> Count:
    """The count as a viewer may read it: exact for the school and its regulators, ``<5``
    for others when it rests on one to four students."""
    return count if exact or not is_small(count) else SMALL_NUMBER_TEXT


def any_small(counts: Sequence[int], exact: bool) -> bool:
    """Whether a figure derived from ``counts`` (a rate, a gap) must be left out."""
    return not exact and any(is_small(count) for count in counts)


def weighted_median(values: Sequence[tuple[float, int]]) -> float | None:
    """The median of values each standing for ``weight`` people (a cohort's average salary for
    its employed graduates); None without any weight. Between two halves, their mean."""
    items = sorted((value, weight) for value, weight in values if weight > 0)
    total = sum(weight for _, weight in items)
    if total == 0:
        return None
    lower_rank, upper_rank = (total + 1) // 2, total // 2 + 1
    lower = upper = None
    seen = 0
    for value, weight in items:
        seen += weight
        if lower is None and seen >= lower_rank:
            lower = value
        if seen >= upper_rank:
            upper = value
            break
    assert lower is not None
    assert upper is not None
    return (lower + upper) / 2
