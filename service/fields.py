"""Constrained types shared by the API's bodies and query parameters, so the OpenAPI schema says
what the server enforces (schemathesis' positive-data check holds it to that, issue 15).

:class:`Documented` adds JSON Schema keywords for a rule that the operations check themselves
with their own Chinese messages (the CLI and the imports share those checks), so the API's
behaviour and messages stay as they are; the rest are ordinary pydantic constraints. What JSON
Schema cannot say — that a code exists in the catalogue, rules across fields, rules that depend on
the role or the clock — is listed with its reason in ``tests/service/security/fuzz.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import GetJsonSchemaHandler, WithJsonSchema
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
