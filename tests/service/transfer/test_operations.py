from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from models import (
    AuditLog,
    Cohort,
    DemandForecast,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionMajor,
    PositionStatus,
    Programme,
    Student,
)
from service.transfer import operations, repository
from service.transfer.columns import SPECS, FileFormat, TransferKind
from service.transfer.readers import read_file
from service.transfer.rows import map_headers, parse_rows
from service.transfer.schemas import ImportInvalid, ImportResult
from tests.factories import (
    import_file_bytes,
    make_enterprise,
    make_organization,
    make_position,
    make_school,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "transfer"
ORDER = list(TransferKind)
E1, E2 = "91500106000000038W", "91500112000000039M"
S1, S2 = "4150000101", "4150000102"


def run(session: Session, kind: TransferKind, data: bytes, **options: Any) -> ImportResult:
    return operations.import_file(
        session, kind, data, file_name=f"{kind.value}.csv", actor="test", **options
    )


def fixture(kind: TransferKind | str) -> bytes:
    return (FIXTURES / f"{kind}.csv").read_bytes()


def load(session: Session, *kinds: TransferKind) -> list[ImportResult]:
    return [run(session, kind, fixture(kind)) for kind in kinds or ORDER]


def problems_of(error: pytest.ExceptionInfo[ImportInvalid]) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in error.value.problems]


def org(session: Session, code: str) -> Organization:
    return session.exec(select(Organization).where(col(Organization.code) == code)).one()


def count(session: Session, model: Any, *conditions: Any) -> int:
    statement = select(func.count()).select_from(model).where(*conditions)
    return int(session.execute(statement).scalar_one())


def positions_of(session: Session, code: str) -> dict[str, Position]:
    rows = session.exec(
        select(Position).where(col(Position.enterprise_id) == org(session, code).id)
    ).all()
    return {position.title: position for position in rows}


def majors_of(session: Session, position: Position) -> list[str]:
    return sorted(
        session.execute(
            select(PositionMajor.major_code).where(col(PositionMajor.position_id) == position.id)
        ).scalars()
    )


# ---------------------------------------------------------------- whole files


def test_fixtures_import_and_a_second_import_changes_nothing(session: Session) -> None:
    first = load(session)
    assert [(r.kind, r.rows, r.inserted, r.updated, r.unchanged) for r in first] == [
        (TransferKind.organizations, 6, 6, 0, 0),
        (TransferKind.programmes, 5, 5, 0, 0),
        (TransferKind.cohorts, 3, 3, 0, 0),
        (TransferKind.positions, 5, 5, 0, 0),
        (TransferKind.demand, 4, 4, 0, 0),
        (TransferKind.students, 3, 3, 0, 0),
    ]
    second = load(session)
    assert [(r.rows, r.inserted, r.updated, r.unchanged) for r in second] == [
        (6, 0, 0, 6),
        (5, 0, 0, 5),
        (3, 0, 0, 3),
        (5, 0, 0, 5),
        (4, 0, 0, 4),
        (3, 0, 0, 3),
    ]
    school = org(session, S1)
    assert count(session, Programme, col(Programme.school_id) == school.id) == 3
    assert count(session, Cohort, col(Cohort.school_id) == school.id) == 2
    assert count(session, Student, col(Student.school_id) == school.id) == 2
    assert (
        count(session, DemandForecast, col(DemandForecast.publisher_id) == org(session, E1).id) == 2
    )


def test_imported_organisations_are_verified(session: Session) -> None:
    load(session, TransferKind.organizations)
    school = org(session, S2)
    assert (school.kind, school.level, school.status) == (
        "school",
        "中职",
        OrganizationStatus.verified,
    )
    assert school.verified_at is not None
    enterprise = org(session, E1)
    assert (enterprise.industry_code, enterprise.staff_count) == ("3670", 800)


def test_positions_are_stored_with_majors_defaults_and_findings(session: Session) -> None:
    load(session, TransferKind.organizations, TransferKind.positions)
    positions = positions_of(session, E1)
    apprentice = positions["汽车零部件装调学徒"]
    assert apprentice.kind == PositionKind.apprenticeship
    assert apprentice.region_code == "500106"  # empty cell: the enterprise's region
    assert apprentice.skills == ["钳工", "识图"]
    assert apprentice.end_date == date(2028, 8, 31)
    assert apprentice.published_at is not None
    assert apprentice.compliance_findings == []
    assert majors_of(session, apprentice) == ["460103", "460301"]  # 机电一体化技术 → 460301
    intern = positions["质检实习生"]
    assert intern.description == "负责零部件尺寸检测，\n每日填写检验记录"
    assert [f["code"] for f in intern.compliance_findings] == ["post_staff_count_missing"]
    closed = positions["数控车工"]
    assert (closed.status, closed.monthly_pay) == (PositionStatus.closed, 6500.5)
    assert majors_of(session, closed) == ["660103"]  # 数控技术应用, a 中职 name
    draft = positions_of(session, E2)["Java开发实习生"]
    assert (draft.status, draft.published_at) == (PositionStatus.draft, None)
    assert draft.description == "=SUM(A1) 公式样式的描述"
    assert majors_of(session, draft) == ["510203", "510205"]


def test_names_resolve_at_the_schools_level(session: Session) -> None:
    load(session, TransferKind.organizations, TransferKind.programmes, TransferKind.students)
    secondary = org(session, S2)
    codes = session.execute(
        select(Programme.major_code).where(col(Programme.school_id) == secondary.id)
    ).scalars()
    assert sorted(codes) == ["660103", "720201"]  # 护理 at a 中职 school is 720201
    student = session.exec(select(Student).where(col(Student.student_no) == "2023002")).one()
    assert (student.major_code, student.skills, student.preferred_regions) == (
        "460301",
        [],
        ["500106"],
    )


def test_gb18030_and_xlsx_files_import_like_utf8(session: Session) -> None:
    assert run(session, TransferKind.organizations, fixture("organizations_gb18030")).inserted == 6
    assert run(session, TransferKind.organizations, fixture("organizations")).unchanged == 6
    sheet = read_file(fixture("organizations"))
    xlsx = import_file_bytes(sheet.headers, [cells for _, cells in sheet.rows], "xlsx")
    assert run(session, TransferKind.organizations, xlsx).unchanged == 6


def test_dry_run_counts_without_writing(session: Session) -> None:
    result = run(session, TransferKind.organizations, fixture("organizations"), dry_run=True)
    assert (result.inserted, result.dry_run) == (6, True)
    assert count(session, Organization, col(Organization.code).in_([E1, E2, S1, S2])) == 0
    assert count(session, AuditLog, col(AuditLog.action) == "import") == 0


def test_one_audit_entry_per_import(session: Session) -> None:
    load(session, TransferKind.organizations)
    entries = session.exec(select(AuditLog).where(col(AuditLog.action) == "import")).all()
    assert len(entries) == 1
    assert (entries[0].actor, entries[0].entity) == ("test", "organization")
    assert entries[0].after == {
        "file": "organizations.csv",
        "kind": "organizations",
        "rows": 6,
        "inserted": 6,
        "updated": 0,
        "unchanged": 0,
    }


# ---------------------------------------------------------------- bad rows


def test_one_bad_row_writes_nothing_and_names_the_row(session: Session) -> None:
    load(session, TransferKind.organizations)
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.positions, fixture("positions_one_bad_row"))
    assert error.value.message == "导入失败：1行数据有误（共1处问题），未写入任何数据"
    [problem] = error.value.problems
    assert (problem.row, problem.column, problem.label, problem.value) == (
        4,
        "major_codes",
        "专业要求",
        "计算机",
    )
    assert problem.message.startswith("无法在专业目录中确定专业“计算机”，可能是：")
    assert [c["code"] for c in problem.candidates or []] == ["310201", "510201", "710201"]
    assert count(session, Position, col(Position.enterprise_id) == org(session, E1).id) == 0


def test_every_bad_row_is_listed(session: Session) -> None:
    load(session, TransferKind.organizations, TransferKind.programmes)
    headers = [
        "学校标识码",
        "专业代码",
        "专业名称",
        "毕业年份",
        "毕业生数",
        "去向落实人数",
        "对口就业人数",
    ]
    rows = [
        [S1, "510203", "", "2024", "100", "90", "80"],  # valid
        [S1, "510202", "", "二〇二四", "100", "90", "80"],
        ["4150009999", "510203", "", "2024", "100", "90", "80"],
        [S1, "510201", "", "2024", "100", "120", "80"],
        [S1, "999999", "", "2024", "10", "9", "8"],
        [S1, "", "", "2024", "10", "9", "8"],
        [E1, "510203", "", "2023", "10", "9", "9"],
        [S1, "", "汽车维修", "2023", "10", "9", "9"],
        [S1, "510202", "", "2024", "10", "9", "9"],  # a major the school does not run
    ]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.cohorts, import_file_bytes(headers, rows))
    assert problems_of(error) == [
        (3, "graduation_year", "毕业年份应为整数"),
        (4, "school_code", "机构代码4150009999未在平台登记，请先导入该学校"),
        (5, "placed", "去向落实人数120超过毕业生数100"),
        (6, "major_code", "专业代码999999不在职业教育专业目录中"),
        (7, "major_code", "专业代码、专业名称须至少填写一项"),
        (8, "school_code", f"{E1}（重庆渝汽零部件有限公司）是企业，不是学校"),
        (
            9,
            "major_name",
            "无法在专业目录（高职专科）中确定专业“汽车维修”，可能是：汽车检测与维修技术（500211，"
            "高职专科）、飞行器维修技术（460607，高职专科）、通用航空器维修（500412，高职专科）、"
            "新能源汽车检测与维修技术（500212，高职专科）",
        ),
        (10, "major_code", f"学校{S1}未开设专业510202，不能填报该专业的毕业生；请先录入专业开设"),
    ]
    assert len(error.value.problems) == 8
    assert [c["code"] for c in error.value.problems[6].candidates or []] == [
        "500211",
        "460607",
        "500412",
        "500212",
    ]
    assert count(session, Cohort, col(Cohort.school_id) == org(session, S1).id) == 0


def test_header_problems_stop_before_the_rows(session: Session) -> None:
    data = import_file_bytes(["学校标识码", "年份", "计划数", "年份"], [[S1, "2025", "10", "2025"]])
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.programmes, data)
    assert error.value.message == "表头有误，未导入任何数据"
    assert [(p.row, p.column, p.value) for p in error.value.problems] == [
        (1, "", "计划数"),
        (1, "year", "年份"),
        (1, "enrolment_plan", ""),
        (1, "major_code", ""),
    ]
    assert error.value.problems[2].message == "缺少必填列“招生计划数”（enrolment_plan）"


def test_repeated_natural_key_in_a_file(session: Session) -> None:
    load(session, TransferKind.organizations)
    headers = ["school_code", "student_no", "major_code", "graduation_year"]
    rows = [
        [S1, "A1", "510203", "2026"],
        [S1, "A2", "510203", "2026"],
        [S1, "A1", "510202", "2027"],
    ]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.students, import_file_bytes(headers, rows))
    assert problems_of(error) == [(4, "student_no", "与第2行重复：同一学校和学号只能出现一次")]


def test_organisation_fields_follow_the_organisation_rules(session: Session) -> None:
    headers = ["kind", "code", "name", "region_code", "industry_code", "level", "staff_count"]
    rows = [
        ["企业", "91500106000000038X", "校验位错误企业", "500106", "3670", "", "10"],
        ["学校", "41500", "短代码学校", "500106", "", "高职专科", ""],
        ["学校", "4150000103", "无层次学校", "500106", "", "", ""],
        ["企业", E2, "未知地区企业", "509999", "3670", "", "10"],
        ["农场", "X1", "未知类型", "500106", "", "", ""],
    ]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.organizations, import_file_bytes(headers, rows))
    assert problems_of(error) == [
        (2, "code", "统一社会信用代码校验位错误：应为W，实际为X"),
        (3, "code", "学校标识码应为10位数字"),
        (4, "level", "学校办学层次应为中职、高职专科、职教本科之一"),
        (5, "region_code", "行政区划代码不存在：509999"),
        (
            6,
            "kind",
            "机构类型取值应为enterprise、企业、school、学校、park、园区、government、政府之一",
        ),
    ]


def test_an_organisation_keeps_its_kind_and_a_suspension_stands(session: Session) -> None:
    enterprise = make_enterprise(session, code=E1, status=OrganizationStatus.suspended)
    pending = make_school(session, code=S1, status=OrganizationStatus.pending)
    headers = ["kind", "code", "name", "region_code", "industry_code", "level", "staff_count"]
    rows = [
        ["enterprise", E1, "改名后的企业", "500112", "3670", "", "900"],
        ["school", S1, "待审核学校", "500106", "", "中职", ""],
    ]
    result = run(session, TransferKind.organizations, import_file_bytes(headers, rows))
    assert (result.updated, result.inserted) == (2, 0)
    session.refresh(enterprise)
    session.refresh(pending)
    assert (enterprise.name, enterprise.staff_count, enterprise.status) == (
        "改名后的企业",
        900,
        OrganizationStatus.suspended,
    )
    assert (pending.status, pending.level) == (OrganizationStatus.verified, "中职")
    assert pending.verified_at is not None
    make_organization(session, OrganizationKind.park, code="PARK1")
    with pytest.raises(ImportInvalid) as error:
        run(
            session,
            TransferKind.organizations,
            import_file_bytes(headers, [["政府", "PARK1", "x", "500106", "", "", ""]]),
        )
    assert problems_of(error) == [(2, "kind", "机构代码PARK1已登记为园区，机构类型不能改为政府")]


def test_demand_rows_name_a_major_or_an_occupation(session: Session) -> None:
    load(session, TransferKind.organizations)
    headers = [
        "publisher_code",
        "major_code",
        "occupation_code",
        "region_code",
        "year",
        "headcount",
    ]
    rows = [
        [E1, "460103", "6-18-01-01", "500106", "2026", "5"],
        [S1, "460103", "", "500106", "2026", "5"],
        [E1, "", "9-99-99-99", "500106", "2026", "5"],
        [E1, "460103", "", "500106", "2026", "0"],
    ]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.demand, import_file_bytes(headers, rows))
    assert problems_of(error) == [
        (2, "occupation_code", "专业和职业只能填写其一"),
        (3, "publisher_code", f"{S1}（重庆示范职业技术学院）是学校，不是企业、园区或政府机构"),
        (4, "occupation_code", "职业代码不存在（职业分类大典2022）：9-99-99-99"),
        (5, "headcount", "需求人数应不小于1"),
    ]


def test_students_preferred_regions_must_exist(session: Session) -> None:
    load(session, TransferKind.organizations)
    headers = ["school_code", "student_no", "major_code", "graduation_year", "preferred_regions"]
    rows = [[S1, "A1", "510203", "2026", "500106;123456;999999"]]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.students, import_file_bytes(headers, rows))
    assert problems_of(error) == [(2, "preferred_regions", "行政区划代码不存在：123456、999999")]


def test_students_carry_their_birth_date_and_a_bad_one_is_not_echoed(session: Session) -> None:
    """Issue 28: the school's import carries 出生日期 (the under-16 rule reads it); a bad date is a
    row problem whose value stays masked (personal data)."""
    load(session, TransferKind.organizations, TransferKind.programmes)
    headers = ["学校标识码", "学号", "专业代码", "毕业年份", "出生日期"]
    for file_format in ("csv", "xlsx"):
        rows = [[S1, f"B-{file_format}", "510203", "2026", "2010年3月1日"]]
        run(session, TransferKind.students, import_file_bytes(headers, rows, file_format))
        student = session.exec(
            select(Student).where(col(Student.student_no) == f"B-{file_format}")
        ).one()
        assert student.birth_date == date(2010, 3, 1)
    with pytest.raises(ImportInvalid) as error:
        run(
            session,
            TransferKind.students,
            import_file_bytes(headers, [[S1, "B-bad", "510203", "2026", "2010-02-30"]]),
        )
    [problem] = error.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "birth_date", "****-**-**")
    assert problem.message == "出生日期日期不存在"


def test_rows_of_another_organisation_are_bad_rows_for_a_member(session: Session) -> None:
    load(session, TransferKind.organizations)
    owner = repository.organizations_by_code(session, [E2])[E2]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.positions, fixture("positions"), owner=owner)
    assert problems_of(error) == [
        (row, "enterprise_code", f"只能导入本机构（{E2}）的数据") for row in (2, 3, 4)
    ]


# ---------------------------------------------------------------- posting rules


POSITION_HEADERS = [
    "enterprise_code",
    "title",
    "kind",
    "headcount",
    "start_date",
    "end_date",
    "status",
    "description",
    "monthly_pay",
    "same_post_wage",
]


def test_blocking_findings_are_bad_rows_and_drafts_wait_for_publication(session: Session) -> None:
    load(session, TransferKind.organizations)
    rows = [
        [E1, "装配工", "job", "3", "2027-09-01", "", "open", "仅限男性，需交押金", "", ""],
        [E1, "实习生", "internship", "2", "2027-07-01", "2027-12-31", "open", "", "3000", "5000"],
        [E1, "草稿岗位", "job", "3", "2027-09-01", "", "draft", "仅限男性", "", ""],
    ]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.positions, import_file_bytes(POSITION_HEADERS, rows))
    found = problems_of(error)
    assert [(row, column) for row, column, _ in found] == [
        (2, "description"),
        (2, "description"),
        (3, "monthly_pay"),
    ]
    assert "“仅限男性”" in found[0][2]
    assert "“押金”" in found[1][2]
    assert found[2][2] == "实习报酬每月3000元，低于本单位同岗位工资5000元的80%（4000元）"
    result = run(session, TransferKind.positions, import_file_bytes(POSITION_HEADERS, rows[2:]))
    assert result.inserted == 1


def test_import_screens_every_text_and_keeps_a_drafts_findings(session: Session) -> None:
    load(session, TransferKind.organizations)
    headers = [*POSITION_HEADERS, "skills"]
    rows = [
        [E1, "装配工", "job", "3", "2027-09-01", "", "open", "负责装配", "", "", "识图;技校生勿擾"],
        [E1, "仓管员（限本市戶籍）", "job", "3", "2027-09-01", "", "open", "", "", "", ""],
        [E1, "草稿岗位", "job", "3", "2027-09-01", "", "draft", "只 要 女 生", "", "", ""],
    ]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.positions, import_file_bytes(headers, rows))
    found = problems_of(error)
    assert [(row, column) for row, column, _ in found] == [(2, "skills"), (3, "title")]
    assert "“技校生勿擾”" in found[0][2]
    assert "“限本市戶籍”" in found[1][2]
    result = run(session, TransferKind.positions, import_file_bytes(headers, rows[2:]))
    assert result.inserted == 1
    [stored] = session.exec(select(Position).where(Position.title == "草稿岗位")).all()
    assert [(f["field"], f["category"], f["words"]) for f in stored.compliance_findings] == [
        ("description", "性别歧视", ["只 要 女 生"])
    ]


def test_intern_share_counts_the_whole_file_and_the_stored_postings(session: Session) -> None:
    enterprise = make_enterprise(session, code=E1, staff_count=100)
    make_position(
        session,
        enterprise,
        kind=PositionKind.internship,
        headcount=4,
        title="已有实习岗位",
        start_date=date(2027, 3, 1),
        end_date=date(2027, 12, 31),
    )
    rows = [
        [E1, "实习一", "internship", "4", "2027-07-01", "2027-12-31", "open", "", "", ""],
        [E1, "实习二", "internship", "3", "2027-07-01", "2027-12-31", "open", "", "", ""],
        [E1, "实习三", "internship", "9", "2027-07-01", "2027-12-31", "draft", "", "", ""],
    ]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.positions, import_file_bytes(POSITION_HEADERS, rows))
    assert problems_of(error) == [
        (
            2,
            "headcount",
            "实习学生11人（已有7人，本岗位4人），超过企业在岗职工总数100人的10%（10人）",
        ),
        (
            3,
            "headcount",
            "实习学生11人（已有8人，本岗位3人），超过企业在岗职工总数100人的10%（10人）",
        ),
    ]
    # The file replaces the stored posting of the same key: 3 + 4 + 3 = 10 interns is allowed.
    rows.append(
        [E1, "已有实习岗位", "internship", "3", "2027-03-01", "2027-12-31", "open", "", "", ""]
    )
    assert run(session, TransferKind.positions, import_file_bytes(POSITION_HEADERS, rows)).rows == 4


def test_unverified_enterprise_cannot_have_open_positions(session: Session) -> None:
    make_enterprise(session, code=E1, status=OrganizationStatus.pending)
    rows = [[E1, "装配工", "job", "3", "2027-09-01", "", "open", "", "", ""]]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.positions, import_file_bytes(POSITION_HEADERS, rows))
    assert problems_of(error) == [
        (2, "status", f"企业{E1}尚未通过审核或已被暂停，岗位不能为招聘中或已招满")
    ]
    rows[0][6] = "draft"
    assert (
        run(session, TransferKind.positions, import_file_bytes(POSITION_HEADERS, rows)).inserted
        == 1
    )


# ---------------------------------------------------------------- updates


def test_a_changed_row_updates_the_stored_row_in_place(session: Session) -> None:
    load(session, TransferKind.organizations, TransferKind.programmes)
    school = org(session, S1)
    before = session.exec(
        select(Programme).where(col(Programme.school_id) == school.id, col(Programme.year) == 2025)
    ).one()
    changed = fixture("programmes").replace(b"460103,,2025,60,", b"460103,,2025,75,70")
    result = run(session, TransferKind.programmes, changed)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 4)
    after = session.exec(
        select(Programme).where(col(Programme.school_id) == school.id, col(Programme.year) == 2025)
    ).one()
    session.refresh(after)
    assert (after.id, after.enrolment_plan, after.enrolled) == (before.id, 75, 70)
    assert count(session, Programme, col(Programme.school_id) == school.id) == 3


def test_a_position_created_in_the_api_is_updated_and_its_majors_replaced(session: Session) -> None:
    enterprise = make_enterprise(session, code=E1)
    existing = make_position(
        session, enterprise, ["510203", "510202"], title="装配工", start_date=date(2027, 9, 1)
    )
    rows = [[E1, "装配工", "job", "460103;机电一体化技术", "8", "2027-09-01", "open"]]
    headers = [
        "enterprise_code",
        "title",
        "kind",
        "major_codes",
        "headcount",
        "start_date",
        "status",
    ]
    result = run(session, TransferKind.positions, import_file_bytes(headers, rows))
    assert (result.inserted, result.updated) == (0, 1)
    session.refresh(existing)
    assert existing.headcount == 8
    assert majors_of(session, existing) == ["460103", "460301"]
    assert count(session, Position, col(Position.enterprise_id) == enterprise.id) == 1
    rows[0][3] = "460103"  # only the majors change: still an update
    result = run(session, TransferKind.positions, import_file_bytes(headers, rows))
    assert (result.updated, result.unchanged) == (1, 0)
    assert majors_of(session, existing) == ["460103"]


# ---------------------------------------------------------------- exports


@pytest.mark.parametrize("kind", ORDER)
@pytest.mark.parametrize("file_format", list(FileFormat))
def test_export_imports_back_unchanged(
    session: Session, kind: TransferKind, file_format: FileFormat
) -> None:
    load(session)
    first = io.BytesIO()
    written = operations.export_table(session, kind, file_format, first)
    result = operations.import_file(
        session, kind, first.getvalue(), file_name=f"x.{file_format}", actor="test"
    )
    assert (result.rows, result.unchanged) == (written, written)
    second = io.BytesIO()
    operations.export_table(session, kind, file_format, second)
    assert read_file(second.getvalue()).rows == read_file(first.getvalue()).rows
    if file_format is FileFormat.csv:
        assert second.getvalue() == first.getvalue()


def test_export_writes_the_import_columns_in_natural_key_order(session: Session) -> None:
    load(session, TransferKind.organizations, TransferKind.programmes)
    out = io.BytesIO()
    operations.export_table(session, TransferKind.programmes, FileFormat.csv, out, labels=True)
    lines = out.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0] == "学校标识码,专业代码,年份,招生计划数,实际招生数,实践性教学课时占比"
    assert lines[1:] == [
        f"{S1},460103,2025,60,,0.45",
        f"{S1},460301,2024,90,85,",
        f"{S1},510203,2024,120,118,0.6",
        f"{S2},660103,2025,45,40,",
        f"{S2},720201,2025,50,50,",
    ]


def test_export_for_one_owner(session: Session) -> None:
    load(session, TransferKind.organizations, TransferKind.positions)
    owner = repository.organizations_by_code(session, [E2])[E2]
    out = io.BytesIO()
    assert (
        operations.export_table(session, TransferKind.positions, FileFormat.csv, out, owner=owner)
        == 2
    )
    titles = [cells[1] for _, cells in read_file(out.getvalue()).rows]
    assert titles == ["Java开发实习生", "软件测试工程师"]


@pytest.mark.parametrize("kind", ORDER)
def test_templates_name_every_column_and_read_cleanly(session: Session, kind: TransferKind) -> None:
    out = io.BytesIO()
    operations.write_template(kind, FileFormat.xlsx, out)
    sheet = read_file(out.getvalue())
    spec = SPECS[kind]
    assert sheet.headers == [column.label for column in spec.columns]
    header_map, header_problems = map_headers(spec, sheet.headers)
    rows, row_problems = parse_rows(spec, header_map, sheet)
    assert (header_problems, row_problems, len(rows)) == ([], [], 1)
    if kind is TransferKind.organizations:
        result = run(session, kind, out.getvalue(), dry_run=True)
        assert (result.rows, result.inserted) == (1, 1)


def test_cells_beyond_the_header_and_marked_headers(session: Session) -> None:
    load(session, TransferKind.organizations)
    data = (
        "学校标识码（必填）,学号*,专业代码,毕业年份\n"
        f"{S1},A1,510203,2026\n"
        f"{S1},A2,510203,2026,多出的一列\n"
    ).encode()
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.students, data)
    assert problems_of(error) == [
        (3, "", "表头只有4列，该行在第4列之后还有内容，请检查是否多了分隔符")
    ]
