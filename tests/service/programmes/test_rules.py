"""The cohort rules are one definition: the bulk import reports what the API refuses, in the same
words, and the programme import carries the practical-hours share."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models import Cohort, Programme
from service import clock
from service.programmes import operations as programmes
from service.transfer import operations as transfer
from service.transfer.columns import TransferKind
from service.transfer.schemas import ImportInvalid
from tests.factories import import_file_bytes, make_programme, make_school

THIS_YEAR = clock.today().year
COHORT_HEADERS = [
    "school_code",
    "major_code",
    "graduation_year",
    "graduates",
    "placed",
    "in_field",
    "further_study",
]


def test_cohort_problems_lists_every_broken_rule() -> None:
    assert programmes.cohort_problems(2031, 10, 11, 12, 13, 2030) == [
        ("graduation_year", "毕业年份2031晚于今年（2030年），不能填报尚未毕业的届别"),
        ("placed", "去向落实人数11超过毕业生数10"),
        ("in_field", "对口就业人数12超过去向落实人数11"),
        ("further_study", "升学人数13超过去向落实人数11"),
    ]
    assert programmes.cohort_problems(2030, 10, 10, 10, 10, 2030) == []


def test_the_import_applies_the_same_cohort_rules(session: Session) -> None:
    school = make_school(session)
    for major in ("460103", "460104", "460105"):
        make_programme(session, school, major, 2021)
    rows = [
        [school.code, "460103", 2024, 100, 90, 60, 91],
        [school.code, "460104", THIS_YEAR + 1, 100, 90, 60, 0],
        [school.code, "460105", 2024, 100, 90, 60, 90],
    ]
    data = import_file_bytes(COHORT_HEADERS, rows)

    with pytest.raises(ImportInvalid) as caught:
        transfer.import_file(
            session, TransferKind.cohorts, data, file_name="cohorts.csv", actor="test"
        )

    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (2, "further_study", "升学人数91超过去向落实人数90"),
        (
            3,
            "graduation_year",
            f"毕业年份{THIS_YEAR + 1}晚于今年（{THIS_YEAR}年），不能填报尚未毕业的届别",
        ),
    ]
    assert session.exec(select(Cohort)).all() == []


def test_the_programme_import_reads_the_practical_hours_share(session: Session) -> None:
    school = make_school(session)
    data = import_file_bytes(
        ["学校标识码", "专业代码", "年份", "招生计划数", "实践性教学课时占比"],
        [[school.code, "460103", 2026, 80, "0.45"], [school.code, "460104", 2026, 60, ""]],
    )
    transfer.import_file(
        session, TransferKind.programmes, data, file_name="programmes.csv", actor="test"
    )
    stored = session.exec(select(Programme).order_by(Programme.major_code)).all()
    assert [(p.major_code, p.practical_hours_share) for p in stored] == [
        ("460103", 0.45),
        ("460104", None),
    ]
    bad = import_file_bytes(
        ["学校标识码", "专业代码", "年份", "招生计划数", "实践性教学课时占比"],
        [[school.code, "460103", 2026, 80, "1.5"]],
    )
    with pytest.raises(ImportInvalid) as caught:
        transfer.import_file(
            session, TransferKind.programmes, bad, file_name="programmes.csv", actor="test"
        )
    assert [(p.column, p.message) for p in caught.value.problems] == [
        ("practical_hours_share", "实践性教学课时占比应不大于1")
    ]
