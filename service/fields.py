"""Constrained types shared by the API's bodies and query parameters, so the OpenAPI schema says
what the server enforces (schemathesis' positive-data check holds it to that, issue 15).

:class:`Documented` adds JSON Schema keywords for a rule that the operations check themselves
with their own Chinese messages (the CLI and the imports share those checks), so the API's
behaviour and messages stay as they are; the rest are ordinary pydantic constraints. What JSON
Schema cannot say — that a code exists in the catalogue, rules across fields, rules that depend on
the role or the clock — is listed with its reason in ``tests/service/security/fuzz.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    GetJsonSchemaHandler,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

# ASCII digits: JSON Schema's \d is [0-9], Python's matches any Unicode digit.
REGION_PATTERN = r"^[0-9]{6}$"
SCHOOL_CODE_PATTERN = r"^[0-9]{10}$"
# 统一社会信用代码: 18 characters without I, O, S, V, Z (the check character is not expressible).
USCC_PATTERN = r"^[0-9A-HJ-NP-RTUW-Y]{18}$"
# Years the reports, lists and alliance indicators accept (reports.MIN_YEAR/MAX_YEAR).
MIN_YEAR, MAX_YEAR = 2000, 2100
# 财税〔2019〕46号 applies from 2019 (enterprises.operations.MIN_YEAR).
MIN_TAX_YEAR = 2019
MAX_MONEY_DIGITS = 14  # up to 10^13 yuan (enterprises.schemas), two decimal places

# Control characters no text field may hold: C0 but tab, newline and carriage return (descriptions
# keep their lines), and DEL. XLSX cannot store them at all (issue 24: a vertical tab in one
# description made every export of the region a 500); on a page or in a CSV they only hide text.
CONTROL_CHARACTER_CLASS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f"
"""The same characters in JSON Schema's notation (service/openapi.py states them as a pattern)."""
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTER_MESSAGE = "含有不允许的控制字符（如垂直制表符、换页符），请删除后重试"


@dataclass(frozen=True)
class Documented:
    """JSON Schema keywords for a rule the server checks after parsing (with its own message)."""

    keywords: dict[str, Any]

    def __init__(self, **keywords: Any) -> None:
        object.__setattr__(self, "keywords", keywords)

    def __hash__(self) -> int:
        return hash(repr(sorted(self.keywords.items())))

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.update(self.keywords)
        return schema


RegionCode = Annotated[str, Documented(pattern=REGION_PATTERN)]
"""行政区划代码 (GB/T 2260): six ASCII digits; 000000 stands for the nation where a report allows
it. Whether the code is in the catalogue is checked against the data."""

LocalRegionCode = Annotated[str, Documented(pattern=r"^(?!000000)[0-9]{6}$")]
"""A province, city or county: a region code other than the nation's 000000."""

SchoolCode = Annotated[str, Documented(pattern=SCHOOL_CODE_PATTERN)]
"""学校标识码: ten ASCII digits."""

Uscc = Annotated[str, Documented(pattern=USCC_PATTERN)]
"""统一社会信用代码: 18 characters of its alphabet (its check character is verified too)."""

Year = Annotated[int, Documented(minimum=MIN_YEAR, maximum=MAX_YEAR)]
TaxYear = Annotated[int, Documented(minimum=MIN_TAX_YEAR, maximum=MAX_YEAR)]

NonNegative = Annotated[int, Documented(minimum=0)]

NonBlank = Annotated[str, Documented(pattern=r"\S")]
"""Text with at least one character that is not a space."""

Password = Annotated[str, Documented(minLength=8)]
"""At least 8 characters; the rest of the rule (not all digits, not a common password, not the
user name) is not expressible in JSON Schema."""

Money = Annotated[
    Decimal,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 10**13},
                {"type": "string", "pattern": r"^[0-9]{1,13}(\.[0-9]{1,2})?$"},
            ]
        }
    ),
]
"""An amount in yuan, ≥ 0, at most two decimal places: a whole number, or a decimal string such
as "1234.50" (a JSON number with a fraction is accepted too, but binary fractions are not exact)."""


def as_utc(value: datetime) -> datetime:
    """A stored timestamp with its offset: SQLite hands timezone-aware columns back naive, and
    every timestamp is stored in UTC (``models.base.utcnow``)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
"""A timestamp that always leaves the API with its UTC offset (``…+00:00``), on SQLite as on
PostgreSQL; every date-time of a response model is one (tests/service/test_datetimes.py)."""


def refuse_control_characters(value: str) -> str:
    """``value`` unchanged, or ``ValueError`` with the Chinese message when it holds a control
    character (the import's cells and the request bodies share this)."""
    if CONTROL_CHARACTERS.search(value):
        raise ValueError(CONTROL_CHARACTER_MESSAGE)
    return value


def _refuse_in(value: Any) -> None:
    if isinstance(value, str):
        refuse_control_characters(value)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _refuse_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_in(key)
            _refuse_in(item)


class InputModel(BaseModel):
    """What a person sends — an API body, a page's form, an import's row: no text of it holds a
    control character, field by field with the Chinese message (issue 24). Every request body
    derives from it (tests/service/test_control_characters.py)."""

    @field_validator("*")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        _refuse_in(value)
        return value
