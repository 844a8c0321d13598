"""Programmes and cohorts through the API: every rule, ownership, audit rows, nothing written on a
refusal."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session, col

from models import (
    AuditLog,
    Cohort,
    Organization,
    OrganizationStatus,
    PartnerKind,
    Programme,
    ProgrammePartner,
    Role,
)
from service import clock
from tests.factories import (
    auth_headers,
    make_cohort,
    make_enterprise,
    make_programme,
    make_school,
    make_uscc,
    make_user,
)

URL = "/api/v1/programmes"
MAJOR = "460103"  # 数控技术, 高职专科
OTHER_MAJOR = "410201"  # 林业技术, 高职专科
THIS_YEAR = clock.today().year
SOURCE = (
    "《国务院办公厅关于深化产教融合的若干意见》（国办发〔2017〕95号）第十五条："
    "实践性教学课时不少于总课时的50%"
)


def count(session: Session, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def audit_rows(session: Session, entity: str) -> list[AuditLog]:
    return list(
        session.execute(
            select(AuditLog).where(col(AuditLog.entity) == entity).order_by(col(AuditLog.at))
        ).scalars()
    )


@pytest.fixture
def school(session: Session) -> Organization:
    return make_school(session)


@pytest.fixture
def headers(session: Session, school: Organization) -> dict[str, str]:
    return auth_headers(make_user(session, Role.school, school))


# ---------------------------------------------------------------- create


def test_a_school_creates_a_programme_by_major_name(
    client: TestClient, session: Session, school: Organization, headers: dict[str, str]
) -> None:
    partner = make_enterprise(session, name="重庆测试精密机械有限公司")
    body = {
        "major": "数控技术专业",
        "year": 2026,
        "enrolment_plan": 120,
        "enrolled": 115,
        "practical_hours_share": 0.55,
        "partners": [{"enterprise_code": partner.code.lower(), "kind": "order_training"}],
    }

    response = client.post(URL, json=body, headers=headers)

    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["major_resolution"] == {
        "input": "数控技术专业",
        "code": MAJOR,
        "name": "数控技术",
        "level": "高职专科",
        "method": "exact",
        "score": 100.0,
    }
    assert (saved["school_code"], saved["major_code"], saved["year"]) == (school.code, MAJOR, 2026)
    assert (saved["enrolment_plan"], saved["enrolled"], saved["practical_hours_share"]) == (
        120,
        115,
        0.55,
    )
    assert saved["partners"] == [
        {
            "enterprise_id": str(partner.id),
            "enterprise_code": partner.code,
            "enterprise_name": "重庆测试精密机械有限公司",
            "kind": "order_training",
            "kind_label": "订单培养",
        }
    ]
    assert saved["findings"] == []
    (entry,) = audit_rows(session, "programme")
    assert (entry.action, entry.entity_id, entry.before) == ("create", saved["id"], None)
    assert entry.after is not None
    assert entry.after["enrolment_plan"] == 120
    assert entry.after["partners"] == [{"enterprise_code": partner.code, "kind": "order_training"}]


@pytest.mark.parametrize(("share", "flagged"), [(0.49, True), (0.5, False), (None, False)])
def test_a_practical_hours_share_below_half_is_flagged(
    client: TestClient, headers: dict[str, str], share: float | None, flagged: bool
) -> None:
    body = {"major": MAJOR, "year": 2026, "enrolment_plan": 60, "practical_hours_share": share}
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 201
    expected = [
        {
            "code": "practical_hours_below_minimum",
            "severity": "warning",
            "field": "practical_hours_share",
            "message": "实践性教学课时占比49%低于总课时的50%",
            "thresholds": {"min_share": 0.5},
            "source": SOURCE,
        }
    ]
    assert response.json()["findings"] == (expected if flagged else [])


def test_an_unresolved_major_is_a_422_with_candidates_and_nothing_written(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    before = count(session, Programme)
    response = client.post(
        URL, json={"major": "护理学", "year": 2026, "enrolment_plan": 60}, headers=headers
    )
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == "major"
    assert detail["message"] == (
        "无法在专业目录（高职专科）中确定专业“护理学”，可能是：护理（520201，高职专科）"
    )
    assert [c["code"] for c in detail["candidates"]] == ["520201"]
    assert count(session, Programme) == before


def test_partner_problems_name_each_item(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    verified = make_enterprise(session)
    pending = make_enterprise(session, status=OrganizationStatus.pending, name="待审企业")
    other_school = make_school(session, name="别的学校")
    unknown = make_uscc()  # valid, but not registered
    partners = [
        {"enterprise_code": verified.code, "kind": "cooperation"},
        {"enterprise_code": unknown, "kind": "cooperation"},
        {"enterprise_code": pending.code, "kind": "apprenticeship"},
        {"enterprise_code": other_school.code, "kind": "cooperation"},
        {"enterprise_code": verified.code, "kind": "cooperation"},
        {"enterprise_code": verified.code, "kind": "apprenticeship"},
    ]
    before = count(session, Programme), count(session, ProgrammePartner)

    response = client.post(
        URL,
        json={"major": MAJOR, "year": 2026, "enrolment_plan": 60, "partners": partners},
        headers=headers,
    )

    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [(d["field"], d["message"]) for d in details] == [
        ("partners.1.enterprise_code", f"企业{unknown}未在平台登记"),
        (
            "partners.2.enterprise_code",
            f"企业{pending.code}（待审企业）尚未通过审核或已被暂停，不能作为合作企业",
        ),
        ("partners.3.enterprise_code", f"{other_school.code}（别的学校）不是企业"),
        ("partners.4", "与第1项重复：同一企业的同一合作方式只能填写一次"),
    ]
    assert (count(session, Programme), count(session, ProgrammePartner)) == before


def test_an_invalid_credit_code_is_named_as_such(
    client: TestClient, headers: dict[str, str]
) -> None:
    partners = [{"enterprise_code": "123", "kind": "cooperation"}]
    body = {"major": MAJOR, "year": 2026, "enrolment_plan": 60, "partners": partners}
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "partners.0.enterprise_code", "message": "统一社会信用代码应为18位，实际为3位"}
    ]


def test_a_repeated_school_major_and_year_is_a_409(
    client: TestClient, session: Session, school: Organization, headers: dict[str, str]
) -> None:
    make_programme(session, school, MAJOR, 2026)
    response = client.post(
        URL, json={"major": MAJOR, "year": 2026, "enrolment_plan": 60}, headers=headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["details"][0]["field"] == "year"


def test_a_school_writes_only_its_own_and_supervisors_name_the_school(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    other = make_school(session)
    body = {"major": MAJOR, "year": 2026, "enrolment_plan": 60}
    refused = client.post(URL, json={**body, "school_code": other.code}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["details"][0]["field"] == "school_code"

    admin = auth_headers(make_user(session, Role.admin))
    missing = client.post(URL, json=body, headers=admin)
    assert missing.status_code == 422
    assert missing.json()["error"]["details"][0]["field"] == "school_code"
    created = client.post(URL, json={**body, "school_code": other.code}, headers=admin)
    assert created.status_code == 201
    assert created.json()["school_id"] == str(other.id)
    assert count(session, Programme) == 1


def test_a_pending_school_cannot_write(client: TestClient, session: Session) -> None:
    pending = make_school(session, status=OrganizationStatus.pending)
    response = client.post(
        URL,
        json={"major": MAJOR, "year": 2026, "enrolment_plan": 60},
        headers=auth_headers(make_user(session, Role.school, pending)),
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "所属学校尚未通过审核或已被暂停，暂不能填报专业和毕业生数据"
    )


# ---------------------------------------------------------------- ownership


ROLES = ("anonymous", "enterprise", "school", "student", "regulator", "admin")


def _role_headers(session: Session, role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    if role == "enterprise":
        return auth_headers(make_user(session, Role.enterprise, make_enterprise(session)))
    if role == "school":
        return auth_headers(make_user(session, Role.school, make_school(session)))
    if role == "student":
        return auth_headers(make_user(session, Role.student, make_school(session)))
    return auth_headers(make_user(session, Role(role)))


WRITES = [
    ("PATCH", "/{id}", {"enrolment_plan": 1}, (401, 403, 403, 403, 200, 200)),
    ("PUT", "/{id}/cohorts/2024", {"graduates": 10, "placed": 9, "in_field": 8}, None),
    ("DELETE", "/{id}/cohorts/2023", None, (401, 403, 403, 403, 204, 204)),
    ("DELETE", "/{id}", None, (401, 403, 403, 403, 409, 409)),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), WRITES)
def test_another_schools_programme_cannot_be_changed(
    client: TestClient,
    session: Session,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    expected: tuple[int, ...] | None,
) -> None:
    owner = make_school(session)
    programme = make_programme(session, owner, MAJOR, 2022, 70)
    make_cohort(session, owner, MAJOR, 2023, 60, 50, 40)
    statuses = []
    for role in ROLES:
        url = URL + path.format(id=programme.id)
        response = client.request(method, url, json=body, headers=_role_headers(session, role))
        statuses.append(response.status_code)
        if path.endswith("2023") and response.status_code == 204:
            make_cohort(session, owner, MAJOR, 2023, 60, 50, 40)  # for the next supervisor
    if expected is None:  # PUT: the first supervisor creates, the second replaces
        expected = (401, 403, 403, 403, 201, 200)
    assert tuple(statuses) == expected


def test_a_private_programme_is_absent_for_other_schools(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    pending = make_school(session, status=OrganizationStatus.pending)
    programme = make_programme(session, pending, MAJOR, 2025)
    url = f"{URL}/{programme.id}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=headers).status_code == 404
    assert client.patch(url, json={"enrolled": 3}, headers=headers).status_code == 404
    regulator = auth_headers(make_user(session, Role.regulator))
    assert client.get(url, headers=regulator).status_code == 200


def test_refused_writes_change_nothing_and_leave_no_audit_row(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    other = make_school(session)
    programme = make_programme(session, other, MAJOR, 2025, 70)
    url = f"{URL}/{programme.id}"
    assert client.patch(url, json={"enrolment_plan": 1}, headers=headers).status_code == 403
    cohort = {"graduates": 10, "placed": 9, "in_field": 8}
    assert client.put(url + "/cohorts/2024", json=cohort, headers=headers).status_code == 403
    assert client.delete(url, headers=headers).status_code == 403
    session.refresh(programme)
    assert programme.enrolment_plan == 70
    assert count(session, Cohort) == 0
    assert audit_rows(session, "programme") == audit_rows(session, "cohort") == []


# ---------------------------------------------------------------- read, list, update, delete


def test_list_filters_and_pages_and_hides_private_schools(
    client: TestClient, session: Session
) -> None:
    first, second = make_school(session), make_school(session)
    pending = make_school(session, status=OrganizationStatus.pending)
    for year in (2024, 2025, 2026):
        make_programme(session, first, MAJOR, year, 10 * (year - 2020))
    make_programme(session, first, OTHER_MAJOR, 2025)
    make_programme(session, second, MAJOR, 2025)
    make_programme(session, pending, MAJOR, 2025)

    everything = client.get(URL, params={"page_size": 100}).json()
    assert everything["count"] == 5
    page = client.get(URL, params={"school": first.code, "major": MAJOR, "page_size": 2}).json()
    assert page["count"] == 3
    assert [(p["year"], p["enrolment_plan"]) for p in page["data"]] == [(2026, 60), (2025, 50)]
    second_page = client.get(
        URL, params={"school": first.code, "major": MAJOR, "page_size": 2, "page": 2}
    ).json()
    assert [p["year"] for p in second_page["data"]] == [2024]
    by_year = client.get(URL, params={"major": MAJOR, "year": 2025}).json()
    assert by_year["count"] == 2
    own = auth_headers(make_user(session, Role.school, pending))
    assert client.get(URL, params={"major": MAJOR, "year": 2025}, headers=own).json()["count"] == 3
    regulator = auth_headers(make_user(session, Role.regulator))
    assert client.get(URL, params={"page_size": 100}, headers=regulator).json()["count"] == 6


def test_patch_changes_the_plan_clears_the_share_replaces_partners_and_audits(
    client: TestClient, session: Session, school: Organization, headers: dict[str, str]
) -> None:
    old, new = make_enterprise(session), make_enterprise(session)
    programme = make_programme(session, school, MAJOR, 2025, 80, practical_hours_share=0.4)
    session.add(
        ProgrammePartner(
            programme_id=programme.id, enterprise_id=old.id, kind=PartnerKind.cooperation
        )
    )
    session.flush()
    body = {
        "enrolment_plan": 90,
        "year": None,
        "practical_hours_share": None,
        "partners": [{"enterprise_code": new.code, "kind": "apprenticeship"}],
    }

    response = client.patch(f"{URL}/{programme.id}", json=body, headers=headers)

    assert response.status_code == 200, response.text
    saved = response.json()
    assert (saved["year"], saved["enrolment_plan"], saved["practical_hours_share"]) == (
        2025,
        90,
        None,
    )
    assert [(p["enterprise_code"], p["kind"]) for p in saved["partners"]] == [
        (new.code, "apprenticeship")
    ]
    (entry,) = audit_rows(session, "programme")
    assert entry.action == "update"
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["enrolment_plan"], entry.after["enrolment_plan"]) == (80, 90)
    assert (entry.before["practical_hours_share"], entry.after["practical_hours_share"]) == (
        0.4,
        None,
    )
    assert entry.before["partners"] == [{"enterprise_code": old.code, "kind": "cooperation"}]
    assert entry.after["partners"] == [{"enterprise_code": new.code, "kind": "apprenticeship"}]


def test_patch_to_a_taken_year_is_a_409_and_the_major_cannot_change(
    client: TestClient, session: Session, school: Organization, headers: dict[str, str]
) -> None:
    make_programme(session, school, MAJOR, 2025)
    programme = make_programme(session, school, MAJOR, 2026)
    url = f"{URL}/{programme.id}"
    assert client.patch(url, json={"year": 2025}, headers=headers).status_code == 409
    changed = client.patch(url, json={"major": OTHER_MAJOR}, headers=headers)
    assert changed.status_code == 422
    assert changed.json()["error"]["details"][0]["field"] == "major"


def test_delete_is_refused_while_the_major_has_cohorts(
    client: TestClient, session: Session, school: Organization, headers: dict[str, str]
) -> None:
    partner = make_enterprise(session)
    programme = make_programme(session, school, MAJOR, 2025)
    session.add(
        ProgrammePartner(
            programme_id=programme.id, enterprise_id=partner.id, kind=PartnerKind.cooperation
        )
    )
    make_cohort(session, school, MAJOR, 2025, 40, 30, 20)
    url = f"{URL}/{programme.id}"

    refused = client.delete(url, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "该专业已有1届毕业生数据，不能删除专业开设记录"

    assert client.delete(url + "/cohorts/2025", headers=headers).status_code == 204
    assert client.delete(url, headers=headers).status_code == 204
    assert session.get(Programme, programme.id) is None
    assert count(session, ProgrammePartner) == 0
    assert [(e.action, e.entity) for e in audit_rows(session, "cohort")] == [("delete", "cohort")]
    (entry,) = audit_rows(session, "programme")
    assert (entry.action, entry.after) == ("delete", None)
    assert entry.before is not None
    assert entry.before["partners"] == [{"enterprise_code": partner.code, "kind": "cooperation"}]


# ---------------------------------------------------------------- cohorts


def test_put_creates_then_replaces_a_cohort_with_audited_before_and_after(
    client: TestClient, session: Session, school: Organization, headers: dict[str, str]
) -> None:
    programme = make_programme(session, school, MAJOR, 2022)
    url = f"{URL}/{programme.id}/cohorts/2025"
    first = {"graduates": 100, "placed": 90, "in_field": 60, "further_study": 12}

    created = client.put(url, json=first, headers=headers)
    assert created.status_code == 201
    body = created.json()
    assert (body["created"], body["destination_rate"], body["in_field_rate"]) == (True, 0.9, 0.6)
    assert (body["avg_monthly_salary"], body["major_code"]) == (None, MAJOR)

    second = {"graduates": 100, "placed": 95, "in_field": 70, "avg_monthly_salary": 5200}
    replaced = client.put(url, json=second, headers=headers)
    assert replaced.status_code == 200
    assert replaced.json()["id"] == body["id"]
    assert (replaced.json()["created"], replaced.json()["further_study"]) == (False, 0)

    create, replace = audit_rows(session, "cohort")
    assert (create.action, create.before) == ("create", None)
    assert create.after is not None
    assert (create.after["placed"], create.after["further_study"]) == (90, 12)
    assert replace.action == "replace"
    assert replace.before is not None
    assert replace.after is not None
    assert (replace.before["placed"], replace.after["placed"]) == (90, 95)
    assert (replace.before["avg_monthly_salary"], replace.after["avg_monthly_salary"]) == (
        None,
        5200.0,
    )
    assert count(session, Cohort) == 1


@pytest.mark.parametrize(
    ("year", "figures", "field", "message"),
    [
        (2025, (100, 101, 50, 0), "placed", "去向落实人数101超过毕业生数100"),
        (2025, (100, 80, 81, 0), "in_field", "对口就业人数81超过去向落实人数80"),
        (2025, (100, 80, 60, 81), "further_study", "升学人数81超过去向落实人数80"),
        (
            THIS_YEAR + 1,
            (100, 80, 60, 0),
            "graduation_year",
            f"毕业年份{THIS_YEAR + 1}晚于今年（{THIS_YEAR}年），不能填报尚未毕业的届别",
        ),
    ],
)
def test_each_cohort_rule_is_a_422_naming_the_field_and_writes_nothing(
    client: TestClient,
    session: Session,
    school: Organization,
    headers: dict[str, str],
    year: int,
    figures: tuple[int, int, int, int],
    field: str,
    message: str,
) -> None:
    programme = make_programme(session, school, MAJOR, 2022)
    make_cohort(session, school, MAJOR, year, 50, 40, 30)  # an existing one stays as it was
    graduates, placed, in_field, further = figures
    body = {
        "graduates": graduates,
        "placed": placed,
        "in_field": in_field,
        "further_study": further,
    }

    response = client.put(f"{URL}/{programme.id}/cohorts/{year}", json=body, headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["details"] == [{"field": field, "message": message}]
    (cohort,) = session.execute(select(Cohort)).scalars()
    assert (cohort.graduates, cohort.placed, cohort.in_field) == (50, 40, 30)
    assert audit_rows(session, "cohort") == []


def test_the_current_year_may_be_reported(
    client: TestClient, session: Session, school: Organization, headers: dict[str, str]
) -> None:
    programme = make_programme(session, school, MAJOR, THIS_YEAR - 3)
    body = {"graduates": 10, "placed": 10, "in_field": 10, "further_study": 10}
    url = f"{URL}/{programme.id}/cohorts/{THIS_YEAR}"
    assert client.put(url, json=body, headers=headers).status_code == 201


def test_cohorts_are_listed_latest_first_for_the_school_and_supervisors_only(
    client: TestClient, session: Session, school: Organization, headers: dict[str, str]
) -> None:
    programme = make_programme(session, school, MAJOR, 2025)
    make_cohort(session, school, MAJOR, 2023, 80, 60, 40)
    make_cohort(session, school, MAJOR, 2024, 90, 81, 45)
    make_cohort(session, school, OTHER_MAJOR, 2024, 10, 5, 5)
    url = f"{URL}/{programme.id}/cohorts"

    body = client.get(url, headers=headers).json()
    assert body["count"] == 2
    assert [
        (c["graduation_year"], c["destination_rate"], c["in_field_rate"]) for c in body["data"]
    ] == [(2024, 0.9, 0.5), (2023, 0.75, 0.5)]
    outsider = auth_headers(make_user(session, Role.school, make_school(session)))
    assert client.get(url, headers=outsider).status_code == 403
    assert client.get(url).status_code == 401
    regulator = auth_headers(make_user(session, Role.regulator))
    assert client.get(url, headers=regulator).json()["count"] == 2
