"""The columns of each import kind: English names, Chinese labels, how a cell is read and written.

A file may head its columns with the English name, the Chinese label or one of the aliases; exports
write the English names (or the labels on request) and the values in the form the reader takes back,
so that an export imports again without a change.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from models.base import (
    MAX_COUNT,
    ORGANIZATION_KIND_LABELS,
    POSITION_KIND_LABELS,
    POSITION_STATUS_LABELS,
)
from models.validators import normalize_code, uscc_check_character
from service.fields import CONTROL_CHARACTER_MESSAGE, CONTROL_CHARACTERS


class TransferKind(StrEnum):
    """What a file holds."""

    organizations = "organizations"
    programmes = "programmes"
    cohorts = "cohorts"
    positions = "positions"
    demand = "demand"
    students = "students"


class FileFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class CellError(ValueError):
    """A cell whose text cannot be read; the message says why, in Chinese."""


Parser = Callable[[str], Any]

LIST_SEPARATOR = ";"
_LIST_SPLIT = re.compile(r"[;；]")
MAJOR_CODE_SHAPE = re.compile(r"\d{6}K?")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# Spreadsheet programs run a CSV cell starting with one of these as a formula; exports prefix such a
# cell with an apostrophe and the reader takes it off again, so the round trip stays exact.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MIN_YEAR = 1990
MAX_YEAR = 2100


def _refuse_control_characters(value: str) -> None:
    # The request bodies' rule (service.fields.InputModel), with the same message.
    if CONTROL_CHARACTERS.search(value):
        raise CellError(CONTROL_CHARACTER_MESSAGE)


def text(max_length: int | None = None) -> Parser:
    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise CellError(f"长度不能超过{max_length}个字符（实际{len(value)}个）")
        _refuse_control_characters(value)
        return value

    return parse


def code(max_length: int) -> Parser:
    """A code: half-width, upper case, no spaces around it."""

    def parse(value: str) -> str:
        normalised = normalize_code(value)
        if len(normalised) > max_length:
            raise CellError(f"代码长度不能超过{max_length}位")
        return normalised

    return parse


def _numeric_text(value: str) -> str:
    # Full-width digits and thousands separators (１，２００) are still numbers.
    return unicodedata.normalize("NFKC", value).replace(",", "").strip()


def integer(minimum: int = 0, maximum: int = MAX_COUNT) -> Parser:
    def parse(value: str) -> int:
        if value.isascii() and value.isdigit():  # the common case, without normalising
            number = int(value)
        else:
            compact = _numeric_text(value)
            try:
                as_float = float(compact)
            except ValueError:
                raise CellError("应为整数") from None
            if not as_float.is_integer():
                raise CellError("应为整数")
            number = int(as_float)
        if number < minimum:
            raise CellError(f"应不小于{minimum}")
        if number > maximum:
            raise CellError(f"应不大于{maximum}")
        return number

    return parse


year = integer(MIN_YEAR, MAX_YEAR)


def number(minimum: float = 0.0, maximum: float | None = None) -> Parser:
    def parse(value: str) -> float:
        try:
            parsed = float(value)
        except ValueError:
            try:
                parsed = float(_numeric_text(value))
            except ValueError:
                raise CellError("应为数字") from None
        if not math.isfinite(parsed):
            raise CellError("应为数字")
        if parsed < minimum:
            raise CellError(f"应不小于{_plain_number(minimum)}")
        if maximum is not None and parsed > maximum:
            raise CellError(f"应不大于{_plain_number(maximum)}")
        return parsed

    return parse


def iso_date(value: str) -> date:
    """YYYY-MM-DD, also with / or . or 年月日 between the parts."""
    parsed: date | None = None
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        match = _DATE.match(unicodedata.normalize("NFKC", value).strip())
        if match is None:
            raise CellError("日期格式应为YYYY-MM-DD")
        try:
            parsed = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError("日期不存在") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise CellError(f"日期应在{MIN_YEAR}年至{MAX_YEAR}年之间")
    return parsed


def choice(values: Mapping[str, str]) -> Parser:
    """One of ``values`` (accepted text → stored value); case and full width do not matter."""
    accepted = {unicodedata.normalize("NFKC", key).strip().lower(): v for key, v in values.items()}
    shown = "、".join(dict.fromkeys(values))

    def parse(value: str) -> str:
        found = accepted.get(value) or accepted.get(
            unicodedata.normalize("NFKC", value).strip().lower()
        )
        if found is None:
            raise CellError(f"取值应为{shown}之一")
        return found

    return parse


_PHONE = re.compile(r"^\+?[0-9][0-9-]{6,19}$")


def phone(value: str) -> str:
    """A phone number: digits (a leading + and dashes allowed), 7–20 characters."""
    if not _PHONE.match(value):
        # The value is personal data: the message never repeats it.
        raise CellError("格式不正确（应为7–20位数字）")
    return value


def items(max_length: int = 64, max_items: int = 50, *, as_code: bool = False) -> Parser:
    """A ``;``-separated list (a full-width ； works too); empty items are dropped, repeats too."""

    def parse(value: str) -> list[str]:
        _refuse_control_characters(value)
        parts = [part.strip() for part in _LIST_SPLIT.split(value)]
        if as_code:
            parts = [normalize_code(part) for part in parts]
        kept = list(dict.fromkeys(part for part in parts if part))
        if len(kept) > max_items:
            raise CellError(f"最多{max_items}项（实际{len(kept)}项）")
        long = [part for part in kept if len(part) > max_length]
        if long:
            raise CellError(f"每项长度不能超过{max_length}个字符：{long[0]}")
        return kept

    return parse


def major_reference(value: str) -> str:
    """A major code (normalised) or, failing the code shape, a name to resolve."""
    compact = normalize_code(value)
    if MAJOR_CODE_SHAPE.fullmatch(compact):
        return compact
    if len(value) > 64:
        raise CellError("长度不能超过64个字符")
    return value


def _with_labels(enum_labels: Mapping[Any, str]) -> dict[str, str]:
    accepted: dict[str, str] = {}
    for member, label in enum_labels.items():
        accepted[str(member.value)] = str(member.value)
        accepted[label] = str(member.value)
    return accepted


ORGANIZATION_KINDS = _with_labels(ORGANIZATION_KIND_LABELS)
POSITION_KINDS = _with_labels(POSITION_KIND_LABELS)
POSITION_STATUSES = _with_labels(POSITION_STATUS_LABELS)


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``required`` columns must be in the file and filled on every row; ``exported`` columns are the
    ones an export writes (an alternative input such as ``major_name`` is read but never written).
    """

    name: str
    label: str
    parse: Parser
    required: bool = False
    example: str = ""
    aliases: tuple[str, ...] = ()
    exported: bool = True


@dataclass(frozen=True)
class KindSpec:
    """The columns of one kind and the groups of which each row must fill at least one column."""

    kind: TransferKind
    label: str
    columns: tuple[Column, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    by_header: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_header: dict[str, Column] = {}
        for column in self.columns:
            for header in (column.name, column.label, *column.aliases):
                key = header_key(header)
                if key in by_header:
                    raise ValueError(f"{self.kind}: header {header!r} names two columns")
                by_header[key] = column
        object.__setattr__(self, "by_header", by_header)

    @property
    def exported(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.exported)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


_HEADER_NOISE = re.compile(r"[\s*＊]|[（(](必填|选填|可选)[)）]")


def header_key(header: str) -> str:
    """The form in which headers are compared: NFKC, lower case, no spaces or 必填 marks."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", header)).lower()


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def render_text(value: Any) -> str:
    """A stored value as the text a CSV cell holds (and the reader reads back to the same value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _plain_number(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, StrEnum):
        return str(value.value)
    return str(value)


def render_cell(value: Any) -> str | int | float | None:
    """A stored value as a spreadsheet cell: numbers stay numbers, everything else is text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return render_text(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return render_text(value)


# ---------------------------------------------------------------- the kinds

# A valid 统一社会信用代码 (check character computed) for the templates' example rows.
EXAMPLE_USCC = "91500106MA5U00001" + uscc_check_character("91500106MA5U00001")
SCHOOL_CODE = Column(
    "school_code",
    "学校标识码",
    code(32),
    required=True,
    example="4150000001",
    aliases=("学校代码",),
)
MAJOR_CODE = Column("major_code", "专业代码", major_reference, example="510203")
MAJOR_NAME = Column("major_name", "专业名称", text(64), example="", exported=False)
REGION_CODE = Column(
    "region_code", "行政区划代码", code(6), example="500106", aliases=("地区代码", "所在地区代码")
)

SPECS: dict[TransferKind, KindSpec] = {
    TransferKind.organizations: KindSpec(
        TransferKind.organizations,
        "机构",
        (
            Column("kind", "机构类型", choice(ORGANIZATION_KINDS), required=True, example="企业"),
            Column(
                "code",
                "机构代码",
                code(32),
                required=True,
                example=EXAMPLE_USCC,
                aliases=("统一社会信用代码或学校标识码", "统一社会信用代码"),
            ),
            Column(
                "name", "机构名称", text(128), required=True, example="重庆示例汽车零部件有限公司"
            ),
            Column(
                "region_code",
                "行政区划代码",
                code(6),
                required=True,
                example="500106",
                aliases=("地区代码", "所在地区代码"),
            ),
            Column("industry_code", "行业代码", code(5), example="3670"),
            Column("level", "办学层次", text(16)),
            Column("staff_count", "在岗职工总数", integer(0), example="500", aliases=("职工人数",)),
        ),
    ),
    TransferKind.programmes: KindSpec(
        TransferKind.programmes,
        "专业开设",
        (
            SCHOOL_CODE,
            MAJOR_CODE,
            MAJOR_NAME,
            Column("year", "年份", year, required=True, example="2025", aliases=("招生年份",)),
            Column(
                "enrolment_plan",
                "招生计划数",
                integer(0),
                required=True,
                example="120",
                aliases=("招生计划",),
            ),
            Column("enrolled", "实际招生数", integer(0), example="115", aliases=("实招人数",)),
            Column(
                "practical_hours_share",
                "实践性教学课时占比",
                number(0, 1),
                example="0.55",
                aliases=("实践课时占比",),
            ),
        ),
        one_of=(("major_code", "major_name"),),
    ),
    TransferKind.cohorts: KindSpec(
        TransferKind.cohorts,
        "毕业生去向",
        (
            SCHOOL_CODE,
            MAJOR_CODE,
            MAJOR_NAME,
            Column("graduation_year", "毕业年份", year, required=True, example="2025"),
            Column("graduates", "毕业生数", integer(0), required=True, example="100"),
            Column("placed", "去向落实人数", integer(0), required=True, example="92"),
            Column("in_field", "对口就业人数", integer(0), required=True, example="70"),
            Column("further_study", "升学人数", integer(0), example="10"),
            Column(
                "avg_monthly_salary",
                "平均月薪",
                number(0),
                example="4800",
                aliases=("平均月收入",),
            ),
        ),
        one_of=(("major_code", "major_name"),),
    ),
    TransferKind.positions: KindSpec(
        TransferKind.positions,
        "岗位",
        (
            Column(
                "enterprise_code",
                "企业统一社会信用代码",
                code(32),
                required=True,
                example=EXAMPLE_USCC,
                aliases=("企业代码",),
            ),
            Column("title", "岗位名称", text(128), required=True, example="汽车零部件装调学徒"),
            Column("kind", "岗位类型", choice(POSITION_KINDS), required=True, example="学徒"),
            Column(
                "major_codes",
                "专业要求",
                items(64, 20),
                example="460103;机电一体化技术",
                aliases=("专业代码", "专业"),
            ),
            Column("region_code", "工作地区代码", code(6), example="500106", aliases=("工作地区",)),
            Column("headcount", "招聘人数", integer(1, 100_000), required=True, example="5"),
            Column("monthly_pay", "月薪", number(0), example="4500", aliases=("月薪（元）",)),
            Column("start_date", "开始日期", iso_date, required=True, example="2025-09-01"),
            Column("closing_date", "报名截止日期", iso_date, example="2025-08-15"),
            Column("description", "岗位描述", text(), example="在师傅带领下完成零部件装配与检测"),
            Column("status", "状态", choice(POSITION_STATUSES), example="open"),
            Column(
                "same_post_wage", "同岗位职工工资", number(0), example="5500", aliases=("同岗工资",)
            ),
            Column("hours_per_day", "每日工时", number(0, 24), example="8"),
            Column("hours_per_week", "每周工时", number(0, 168), example="40"),
            Column("end_date", "结束日期", iso_date, example="2026-02-28"),
            Column("skills", "技能要求", items(64, 50), example="钳工;识图"),
            Column("post_staff_count", "同类岗位职工数", integer(0), example="40"),
            Column(
                "occupation_code",
                "职业代码",
                code(16),
                example="6-18-02-01",
                aliases=("职业分类代码",),
            ),
            Column(
                "requirements",
                "任职要求",
                text(),
                example="持电工证者优先",
            ),
        ),
    ),
    TransferKind.demand: KindSpec(
        TransferKind.demand,
        "人才需求",
        (
            Column(
                "publisher_code",
                "发布机构代码",
                code(32),
                required=True,
                example=EXAMPLE_USCC,
                aliases=("发布单位代码",),
            ),
            MAJOR_CODE,
            MAJOR_NAME,
            Column("occupation_code", "职业代码", code(16), example=""),
            Column(
                "region_code",
                "需求地区代码",
                code(6),
                required=True,
                example="500106",
                aliases=("地区代码", "行政区划代码"),
            ),
            Column("year", "年份", year, required=True, example="2026", aliases=("需求年份",)),
            Column("headcount", "需求人数", integer(0, 10_000_000), required=True, example="30"),
        ),
        one_of=(("major_code", "major_name", "occupation_code"),),
    ),
    TransferKind.students: KindSpec(
        TransferKind.students,
        "学生",
        (
            SCHOOL_CODE,
            Column("student_no", "学号", text(32), required=True, example="2023001"),
            Column("name", "姓名", text(64), example="张三", aliases=("学生姓名",)),
            Column("phone", "手机号", phone, example="13800001234", aliases=("手机", "联系电话")),
            Column(
                "birth_date", "出生日期", iso_date, example="2008-09-01", aliases=("出生年月日",)
            ),
            Column("major_code", "专业代码", major_reference, required=True, example="510203"),
            Column("graduation_year", "毕业年份", year, required=True, example="2026"),
            Column("skills", "技能", items(64, 50), example="Python;数据库", aliases=("技能特长",)),
            Column(
                "preferred_regions",
                "意向地区",
                items(6, 20, as_code=True),
                example="500106;500112",
                aliases=("意向地区代码",),
            ),
        ),
    ),
}
