"""The 产教融合型企业 incentive (财税〔2019〕46号), worked year by year.

Each year the enterprise may credit 30 % of its qualifying investment in vocational education
against that year's 教育费附加 (3 % of the VAT and consumption tax it paid) and 地方教育附加 (2 %).
A credit larger than the year's surcharges is carried forward to later years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Rate:
    """A rate the statement applies, with the document that sets it."""

    key: str
    name: str
    value: Decimal
    source: str


# The one place the rates live: the statement shows each with its source. 财税〔2016〕12号
# (monthly sales ≤ 10万元 exempt from both surcharges) decides whether a surcharge is owed at
# all, not its rate; the enterprise reports taxes of a year in which it owed them.
CREDIT = Rate(
    "credit",
    "投资额抵免比例",
    Decimal("0.30"),
    "《财政部关于调整部分政府性基金有关政策的通知》（财税〔2019〕46号）：纳入产教融合型企业建设"
    "培育范围的试点企业，兴办职业教育的投资符合规定的，可按投资额的30%比例，抵免该企业当年应缴"
    "教育费附加和地方教育附加；当年应缴教育费附加和地方教育附加不足抵免的，准予在以后年度"
    "累计结转抵免",
)
EDUCATION_SURCHARGE = Rate(
    "education_surcharge",
    "教育费附加",
    Decimal("0.03"),
    "《征收教育费附加的暂行规定》第三条：以实际缴纳的增值税、消费税税额为计征依据，附加率3%",
)
LOCAL_SURCHARGE = Rate(
    "local_education_surcharge",
    "地方教育附加",
    Decimal("0.02"),
    "《财政部关于统一地方教育附加政策有关问题的通知》（财综〔2010〕98号）：按实际缴纳的增值税、"
    "消费税税额的2%征收",
)
RATES: tuple[Rate, ...] = (CREDIT, EDUCATION_SURCHARGE, LOCAL_SURCHARGE)

CREDIT_RATE = CREDIT.value
EDUCATION_SURCHARGE_RATE = EDUCATION_SURCHARGE.value
LOCAL_SURCHARGE_RATE = LOCAL_SURCHARGE.value
SOURCE = CREDIT.source
BASE_SOURCE = f"{EDUCATION_SURCHARGE.source}；{LOCAL_SURCHARGE.source}"
CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TaxYear:
    year: int
    qualifying_investment: Decimal
    vat_paid: Decimal
    consumption_tax_paid: Decimal


@dataclass(frozen=True)
class IncentiveYear:
    year: int
    qualifying_investment: Decimal
    new_credit: Decimal  # investment × 30 %
    carried_in: Decimal
    available: Decimal
    tax_base: Decimal  # VAT + consumption tax
    education_surcharge: Decimal  # base × 3 %
    local_surcharge: Decimal  # base × 2 %
    credited_education: Decimal
    credited_local: Decimal
    credited: Decimal
    carried_forward: Decimal
    surcharges_payable: Decimal  # what is left to pay after the credit


def work(years: Sequence[TaxYear]) -> list[IncentiveYear]:
    """Every year in order; the credit goes first against 教育费附加, then 地方教育附加."""
    carried = Decimal("0.00")
    out: list[IncentiveYear] = []
    for y in sorted(years, key=lambda item: item.year):
        new_credit = _money(y.qualifying_investment * CREDIT_RATE)
        available = carried + new_credit
        base = y.vat_paid + y.consumption_tax_paid
        education = _money(base * EDUCATION_SURCHARGE_RATE)
        local = _money(base * LOCAL_SURCHARGE_RATE)
        on_education = min(available, education)
        on_local = min(available - on_education, local)
        credited = on_education + on_local
        out.append(
            IncentiveYear(
                year=y.year,
                qualifying_investment=_money(y.qualifying_investment),
                new_credit=new_credit,
                carried_in=carried,
                available=available,
                tax_base=_money(base),
                education_surcharge=education,
                local_surcharge=local,
                credited_education=on_education,
                credited_local=on_local,
                credited=credited,
                carried_forward=available - credited,
                surcharges_payable=education + local - credited,
            )
        )
        carried = available - credited
    return out
