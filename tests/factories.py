"""Builders of test data. They insert directly (tests set up state; the code under test uses
operations)."""

from __future__ import annotations

import csv
import io
import itertools
import uuid
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import text
from sqlmodel import Session

from migrations.search_generation import COUNTED
from migrations.search_region_generation import COUNTED_PREFIX as REGION_COUNTED
from models import (
    Cohort,
    DemandForecast,
    MajorAlias,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionMajor,
    PositionStatus,
    Programme,
    Role,
    Student,
    User,
    WarningSnapshot,
)
from models.validators import USCC_ALPHABET, uscc_check_character
from service.auth.security import create_access_token, hash_password
from service.positions import operations as positions

_counter = itertools.count(1)
PASSWORD = "correct-horse-9"
# Hashing is slow by design; every test user shares one hash of PASSWORD.
_PASSWORD_HASH = hash_password(PASSWORD)


def make_uscc(region_code: str = "500106", serial: int | None = None) -> str:
    """A valid 统一社会信用代码 (9 = 工商, 1 = 企业) in ``region_code``."""
    n = next(_counter) if serial is None else serial
    body = ""
    for _ in range(9):
        n, r = divmod(n, len(USCC_ALPHABET))
        body = USCC_ALPHABET[r] + body
    first17 = f"91{region_code}{body}"
    return first17 + uscc_check_character(first17)


def make_school_code(province: str = "50") -> str:
    return f"41{province}{next(_counter):06d}"


def make_enterprise(session: Session, **fields: Any) -> Organization:
    region = fields.pop("region_code", "500106")
    values: dict[str, Any] = {
        "kind": OrganizationKind.enterprise,
        "code": make_uscc(region),
        "name": f"测试企业{next(_counter)}有限公司",
        "region_code": region,
        "industry_code": "3670",
        "staff_count": 500,
        "status": OrganizationStatus.verified,
    }
    values.update(fields)
    org = Organization(**values)
    session.add(org)
    session.flush()
    return org


def make_school(session: Session, **fields: Any) -> Organization:
    values: dict[str, Any] = {
        "kind": OrganizationKind.school,
        "code": make_school_code(),
        "name": f"测试职业学院{next(_counter)}",
        "region_code": "500106",
        "level": "高职专科",
        "status": OrganizationStatus.verified,
    }
    values.update(fields)
    org = Organization(**values)
    session.add(org)
    session.flush()
    return org


def make_organization(session: Session, kind: OrganizationKind, **fields: Any) -> Organization:
    values: dict[str, Any] = {
        "kind": kind,
        "code": f"ORG{next(_counter):08d}",
        "name": f"测试机构{next(_counter)}",
        "region_code": "500000",
        "status": OrganizationStatus.verified,
    }
    values.update(fields)
    org = Organization(**values)
    session.add(org)
    session.flush()
    return org


def make_user(
    session: Session, role: Role, organization: Organization | None = None, **fields: Any
) -> User:
    user = User(
        username=fields.pop("username", f"user{next(_counter)}"),
        password_hash=_PASSWORD_HASH,
        role=role,
        organization_id=organization.id if organization else None,
        **fields,
    )
    session.add(user)
    session.flush()
    return user


def auth_headers(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_access_token(user.id, user.role)}"}


def make_programme(
    session: Session,
    school: Organization,
    major_code: str,
    year: int,
    enrolment_plan: int = 50,
    **fields: Any,
) -> Programme:
    programme = Programme(
        school_id=school.id,
        major_code=major_code,
        year=year,
        enrolment_plan=enrolment_plan,
        **fields,
    )
    session.add(programme)
    session.flush()
    return programme


def make_cohort(
    session: Session,
    school: Organization,
    major_code: str,
    graduation_year: int,
    graduates: int,
    placed: int,
    in_field: int | None = None,
    **fields: Any,
) -> Cohort:
    cohort = Cohort(
        school_id=school.id,
        major_code=major_code,
        graduation_year=graduation_year,
        graduates=graduates,
        placed=placed,
        in_field=placed if in_field is None else in_field,
        **fields,
    )
    session.add(cohort)
    session.flush()
    return cohort


def make_position(
    session: Session,
    enterprise: Organization,
    majors: list[str] | tuple[str, ...] = (),
    *,
    kind: PositionKind = PositionKind.job,
    status: PositionStatus = PositionStatus.open,
    start_date: date = date(2025, 7, 1),
    headcount: int = 10,
    **fields: Any,
) -> Position:
    values: dict[str, Any] = {
        "enterprise_id": enterprise.id,
        "kind": kind,
        "title": f"测试岗位{next(_counter)}",
        "description": "负责设备操作与维护",
        "region_code": enterprise.region_code,
        "headcount": headcount,
        "monthly_pay": 5000.0,
        "start_date": start_date,
        "status": status,
    }
    values.update(fields)
    position = Position(**values)
    session.add(position)
    session.flush()
    for code in majors:
        session.add(PositionMajor(position_id=position.id, major_code=code))
    session.flush()
    # The search words, as every write path of the service sets them.
    positions.index_position(session, position, list(majors))
    session.flush()
    return position


def make_forecast(
    session: Session,
    publisher: Organization,
    major_code: str,
    year: int,
    headcount: int,
    region_code: str = "500106",
) -> DemandForecast:
    forecast = DemandForecast(
        publisher_id=publisher.id,
        major_code=major_code,
        target_code=major_code,
        region_code=region_code,
        year=year,
        headcount=headcount,
    )
    session.add(forecast)
    session.flush()
    return forecast


def make_student(
    session: Session,
    school: Organization,
    major_code: str,
    graduation_year: int = 2026,
    **fields: Any,
) -> Student:
    student = Student(
        school_id=school.id,
        student_no=fields.pop("student_no", f"S{uuid.uuid4().hex[:10]}"),
        major_code=major_code,
        graduation_year=graduation_year,
        **fields,
    )
    session.add(student)
    session.flush()
    return student


def make_major_alias(
    session: Session, major_code: str, alias: str, kind: str = "abbreviation"
) -> MajorAlias:
    """An extra alias of a catalogue major (the catalogue itself comes from the loaded files)."""
    row = MajorAlias(major_code=major_code, alias=alias, kind=kind, source="测试")
    session.add(row)
    session.flush()
    return row


def make_warning_snapshot(
    session: Session,
    region_code: str,
    year: int,
    major_code: str,
    action: str,
    profile_key: str = "national",
    **fields: Any,
) -> WarningSnapshot:
    """A stored warning of a major (what the nightly snapshot job writes)."""
    snapshot = WarningSnapshot(
        region_code=region_code,
        year=year,
        profile_key=profile_key,
        major_code=major_code,
        action=action,
        figures=fields.pop(
            "figures", {"major_code": major_code, "major_name": f"专业{major_code}"}
        ),
        reasons=fields.pop("reasons", []),
        **fields,
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def make_enterprise_user(session: Session, **fields: Any) -> tuple[Organization, User]:
    """A verified enterprise (unless ``status`` says otherwise) and one enterprise account of it."""
    enterprise = make_enterprise(session, **fields)
    return enterprise, make_user(session, Role.enterprise, enterprise)


def import_file_bytes(
    headers: list[str],
    rows: list[list[Any]],
    file_format: str = "csv",
    encoding: str = "utf-8-sig",
) -> bytes:
    """A CSV (in ``encoding``) or XLSX file for the bulk import, built from a header and rows."""
    if file_format == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return text.getvalue().encode(encoding)


def count_writes_anew(session: Session) -> None:
    """Where a real transaction would begin: PostgreSQL counts the search's writes once per
    transaction (migrations/search_generation.py), and a test runs in one outer transaction, its
    requests in savepoints; after this, the next write counts again."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT set_config(:name, '', true)"), {"name": COUNTED})
        # And once per (transaction, region) for the positions (migration 0025): a region can
        # have been marked only once it has a row.
        session.execute(
            text(
                "SELECT set_config(:prefix || region_code, '', true) "
                "FROM (SELECT DISTINCT region_code FROM search_region_generation) AS written"
            ),
            {"prefix": REGION_COUNTED},
        )
