"""The internship lifecycle through the API (issue 27, points 1–6)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from models import AuditLog, Internship, PositionKind
from service.internships import operations
from tests.personal_data import PLANTED_NAME, PLANTED_PHONE, leaks

from .conftest import INSURANCE, MENTORS, World, new_id

URL = "/api/v1/internships"


# ---------------------------------------------------------------- 1. creation and views


def test_an_accepted_internship_offer_creates_one_waiting_for_its_agreement(
    world: World, session: Session
) -> None:
    internship_id = world.accepted(session)
    body = world.call("GET", f"{URL}/{internship_id}", world.student_user).json()
    assert (body["status"], body["status_label"]) == ("awaiting_agreement", "待签协议")
    assert (body["kind"], body["kind_label"]) == ("internship", "实习")
    assert (body["start_date"], body["end_date"]) == ("2026-03-02", "2026-08-30")
    assert body["student"]["name"] == PLANTED_NAME
    assert body["guardian_required"] is False
    assert body["missing_before_start"] == [
        "三方协议尚未确认（待学校、实习单位、学生确认）",
        "未登记实习责任保险",
        "未指定学校指导教师和企业指导人员",
    ]
    created = session.exec(
        select(AuditLog).where(
            col(AuditLog.entity) == "internship", col(AuditLog.action) == "create"
        )
    ).one()
    assert not leaks(str(created.after), [PLANTED_NAME, PLANTED_PHONE])


def test_a_job_offer_creates_no_internship_and_an_apprenticeship_does(
    world: World, session: Session
) -> None:
    assert world.accepted(session, PositionKind.job) == ""
    assert world.accepted(session, PositionKind.apprenticeship) != ""
    assert len(session.exec(select(Internship)).all()) == 1


def test_each_party_sees_its_own_and_regulators_their_region(
    world: World, session: Session
) -> None:
    internship_id = world.accepted(session)

    def listed(user: object) -> list[str]:
        body = world.client.get(URL, headers=world.h(user)).json()  # type: ignore[arg-type]
        return [i["id"] for i in body["data"]]

    for user in (world.student_user, world.school_user, world.enterprise_user):
        assert listed(user) == [internship_id]
    assert listed(world.regulator) == [internship_id]
    assert listed(world.national) == [internship_id]
    assert listed(world.other_regulator) == []
    regional = world.call("GET", f"{URL}/{internship_id}", world.regulator).json()
    assert regional["student"]["masked"] is True
    assert not leaks(str(regional), [PLANTED_NAME, PLANTED_PHONE])
    assert world.call("GET", f"{URL}/{internship_id}", world.other_regulator).status_code == 404
    filtered = world.client.get(
        URL, params={"status": "in_progress"}, headers=world.h(world.school_user)
    ).json()
    assert filtered["count"] == 0


# ---------------------------------------------------------------- 2. agreement


def test_the_agreement_holds_the_clauses_and_prints_on_a4(world: World, session: Session) -> None:
    internship_id = world.accepted(session)
    body = world.call("GET", f"{URL}/{internship_id}/agreement", world.student_user).json()
    assert body["title"] == "职业学校学生实习三方协议"
    assert body["terms"]["monthly_pay"] == 4000.0
    assert body["pay_floor"] == 4000.0
    assert body["terms"]["hours_per_day"] == 8.0
    assert [c["party"] for c in body["confirmations"] if c["required"]] == [
        "school",
        "enterprise",
        "student",
    ]
    page = world.call(
        "GET", f"{URL}/{internship_id}/agreement", world.student_user, params={"format": "html"}
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for clause in (
        "@page { size: A4",
        "Noto Serif CJK SC",
        "实习岗位",
        "实习地点",
        "工作时间和休息休假",
        "实习报酬及支付方式",
        "不低于本单位相同岗位工资标准的80%",
        "劳动保护和安全",
        "实习责任保险",
        "实习指导",
        "协议变更、解除和提前终止",
        "违约责任和争议处理",
        PLANTED_NAME,
    ):
        assert clause in page.text, clause
    masked = world.call(
        "GET", f"{URL}/{internship_id}/agreement", world.regulator, params={"format": "html"}
    )
    assert PLANTED_NAME not in masked.text


def test_parties_confirm_in_turn_and_then_it_is_ready(world: World, session: Session) -> None:
    internship_id = world.accepted(session)
    confirm = f"{URL}/{internship_id}/agreement/confirm"
    early = world.call("POST", confirm, world.student_user)
    assert early.status_code == 409
    assert early.json()["error"]["message"] == "须先由学校确认协议"
    assert world.call("POST", confirm, world.school_user).status_code == 200
    again = world.call("POST", confirm, world.school_user)
    assert (again.status_code, again.json()["error"]["message"]) == (409, "学校已确认本版协议")
    assert world.call("POST", confirm, world.enterprise_user).status_code == 200
    done = world.call("POST", confirm, world.student_user).json()
    assert done["confirmed"] is True
    body = world.call("GET", f"{URL}/{internship_id}", world.school_user).json()
    assert (body["status"], body["status_label"]) == ("ready", "待开始")


def test_a_change_of_terms_after_a_confirmation_clears_them_all(
    world: World, session: Session
) -> None:
    internship_id = world.accepted(session)
    confirm = f"{URL}/{internship_id}/agreement/confirm"
    for user in (world.school_user, world.enterprise_user, world.student_user):
        assert world.call("POST", confirm, user).status_code == 200
    changed = world.call(
        "PUT", f"{URL}/{internship_id}/agreement", world.enterprise_user, json={"monthly_pay": 4500}
    )
    assert changed.status_code == 200
    body = changed.json()
    assert body["version"] == 2
    assert [c["confirmed"] for c in body["confirmations"]] == [False, False, False, False]
    status = world.call("GET", f"{URL}/{internship_id}", world.school_user).json()["status"]
    assert status == "awaiting_agreement"
    # The same terms again change nothing.
    same = world.call(
        "PUT", f"{URL}/{internship_id}/agreement", world.school_user, json={"monthly_pay": 4500}
    )
    assert same.json()["version"] == 2


def test_terms_below_the_pay_floor_or_over_the_hours_are_refused(
    world: World, session: Session
) -> None:
    internship_id = world.accepted(session)
    agreement = f"{URL}/{internship_id}/agreement"
    low = world.call("PUT", agreement, world.school_user, json={"monthly_pay": 3000})
    assert low.status_code == 422
    assert low.json()["error"]["details"][0]["field"] == "monthly_pay"
    assert "80%" in low.json()["error"]["details"][0]["message"]
    long = world.call("PUT", agreement, world.school_user, json={"hours_per_day": 10})
    assert long.status_code == 422
    backwards = world.call("PUT", agreement, world.school_user, json={"end_date": "2026-01-01"})
    assert backwards.status_code == 422
    version = world.call("GET", agreement, world.school_user).json()["version"]
    assert version == 1


def test_a_minor_or_a_student_without_birth_date_needs_the_guardian(
    world: World, session: Session
) -> None:
    world.student.birth_date = None
    session.add(world.student)
    session.flush()
    internship_id = world.accepted(session)
    confirm = f"{URL}/{internship_id}/agreement/confirm"
    for user in (world.school_user, world.enterprise_user, world.student_user):
        assert world.call("POST", confirm, user).status_code == 200
    body = world.call("GET", f"{URL}/{internship_id}", world.school_user).json()
    assert body["guardian_required"] is True
    assert body["status"] == "awaiting_agreement"
    by_student = world.call("POST", confirm, world.student_user, json={"party": "guardian"})
    assert by_student.status_code == 409
    incomplete = world.call("POST", confirm, world.school_user, json={"party": "guardian"})
    assert incomplete.status_code == 422
    recorded = world.call(
        "POST",
        confirm,
        world.school_user,
        json={"party": "guardian", "guardian_name": "李四", "guardian_relation": "母亲"},
    )
    assert recorded.status_code == 200
    assert recorded.json()["confirmed"] is True
    guardian = recorded.json()["confirmations"][3]
    assert (guardian["party_label"], guardian["confirmed_by"]) == ("学生监护人", "李四（母亲）")


# ---------------------------------------------------------------- 3, 4. insurance, mentors, start


def test_start_is_blocked_until_agreement_insurance_and_mentors(
    world: World, session: Session
) -> None:
    internship_id = world.accepted(session)
    start = f"{URL}/{internship_id}/start"
    blocked = world.call("POST", start, world.school_user)
    assert blocked.status_code == 409
    assert blocked.json()["error"]["message"] == (
        "不能开始实习：三方协议尚未确认（待学校、实习单位、学生确认）；未登记实习责任保险；"
        "未指定学校指导教师和企业指导人员"
    )
    short = world.call(
        "PUT",
        f"{URL}/{internship_id}/insurance",
        world.school_user,
        json={**INSURANCE, "cover_end": "2026-06-30"},
    )
    assert short.status_code == 422
    assert short.json()["error"]["details"][0]["field"] == "cover_end"
    world.ready(internship_id)
    body = world.call("GET", f"{URL}/{internship_id}", world.student_user).json()
    assert body["mentors"]["enterprise_mentor"]["phone"] == "13800000002"
    assert body["insurance"]["policy_number"] == "PZAP202600001"
    started = world.call("POST", start, world.enterprise_user)
    assert started.status_code == 200
    assert (started.json()["status_label"], started.json()["started_on"]) == (
        "进行中",
        "2026-04-01",
    )


def test_insurance_must_cover_changed_dates_before_start(world: World, session: Session) -> None:
    internship_id = world.accepted(session)
    world.ready(internship_id)
    world.call(
        "PUT",
        f"{URL}/{internship_id}/agreement",
        world.school_user,
        json={"end_date": "2026-09-30"},
    )
    for user in (world.school_user, world.enterprise_user, world.student_user):
        world.call("POST", f"{URL}/{internship_id}/agreement/confirm", user)
    blocked = world.call("POST", f"{URL}/{internship_id}/start", world.school_user)
    assert blocked.status_code == 409
    assert blocked.json()["error"]["message"] == "不能开始实习：实习责任保险期限未覆盖实习期"


# ---------------------------------------------------------------- 5. logs and findings


def test_logs_are_checked_and_a_breach_becomes_a_finding(world: World, session: Session) -> None:
    internship_id = world.started(session)
    logs = f"{URL}/{internship_id}/logs"
    fine = world.call(
        "POST",
        logs,
        world.student_user,
        json={
            "week_start_date": "2026-03-02",
            "content": "学习设备操作规程",
            "daily_hours": [8, 8, 8, 8, 8],
        },
    )
    assert fine.status_code == 201
    assert fine.json()["findings"] == []
    breach = world.call(
        "POST",
        logs,
        world.student_user,
        json={
            "week_start_date": "2026-03-09",
            "content": "跟班生产",
            "total_hours": 54,
            "days_worked": 6,
            "night_shift": True,
            "overtime": True,
        },
    )
    assert breach.status_code == 201
    codes = [f["code"] for f in breach.json()["findings"]]
    assert codes == ["daily_hours_exceeded", "weekly_hours_exceeded", "night_shift", "overtime"]
    labels = [f["label"] for f in breach.json()["findings"]]
    assert labels == ["日工作时长超标", "周工作时长超标", "安排夜班", "安排加班"]
    assert "第十六条" in breach.json()["findings"][2]["source"]
    twice = world.call(
        "POST",
        logs,
        world.student_user,
        json={"week_start_date": "2026-03-09", "content": "x", "daily_hours": [8]},
    )
    assert twice.status_code == 409
    not_monday = world.call(
        "POST",
        logs,
        world.student_user,
        json={"week_start_date": "2026-03-10", "content": "x", "daily_hours": [8]},
    )
    assert not_monday.status_code == 422
    future = world.call(
        "POST",
        logs,
        world.student_user,
        json={"week_start_date": "2026-04-06", "content": "x", "daily_hours": [8]},
    )
    assert future.status_code == 422
    school_view = world.call("GET", f"{URL}/{internship_id}/findings", world.school_user).json()
    assert school_view["count"] == 4
    regional = world.call("GET", "/api/v1/internship-findings", world.regulator).json()
    assert regional["count"] == 4
    assert PLANTED_NAME not in str(regional)
    assert (
        world.call("GET", "/api/v1/internship-findings", world.other_regulator).json()["count"] == 0
    )
    body = world.call("GET", f"{URL}/{internship_id}", world.school_user).json()
    assert body["findings_count"] == 4


def test_an_apprentice_log_checks_hours_but_not_night_shifts(
    world: World, session: Session
) -> None:
    internship_id = world.accepted(session, PositionKind.apprenticeship)
    world.ready(internship_id)
    world.call("POST", f"{URL}/{internship_id}/start", world.school_user)
    logged = world.call(
        "POST",
        f"{URL}/{internship_id}/logs",
        world.student_user,
        json={
            "week_start_date": "2026-03-02",
            "content": "夜班巡检",
            "daily_hours": [8, 8, 8, 8, 8],
            "night_shift": True,
        },
    )
    assert logged.json()["findings"] == []


def test_mentors_comment_on_a_log(world: World, session: Session) -> None:
    internship_id = world.started(session)
    log = world.call(
        "POST",
        f"{URL}/{internship_id}/logs",
        world.student_user,
        json={"week_start_date": "2026-03-02", "content": "学习", "daily_hours": [8, 8]},
    ).json()
    url = f"{URL}/{internship_id}/logs/{log['id']}/comments"
    assert (
        world.call("POST", url, world.enterprise_user, json={"text": "操作规范"}).status_code == 201
    )
    assert world.call("POST", url, world.school_user, json={"text": "继续保持"}).status_code == 201
    missing = world.call(
        "POST",
        f"{URL}/{internship_id}/logs/{new_id()}/comments",
        world.school_user,
        json={"text": "x"},
    )
    assert missing.status_code == 404
    listed = world.call("GET", f"{URL}/{internship_id}/logs", world.student_user).json()
    comments = listed["data"][0]["comments"]
    assert [(c["by"], c["mentor_name"], c["text"]) for c in comments] == [
        ("企业指导人员", "赵师傅", "操作规范"),
        ("学校指导教师", "王老师", "继续保持"),
    ]


def test_the_daily_job_flags_logs_stopped_for_two_weeks_once(
    world: World, session: Session
) -> None:
    internship_id = world.started(session)
    world.call(
        "POST",
        f"{URL}/{internship_id}/logs",
        world.student_user,
        json={"week_start_date": "2026-03-02", "content": "学习", "daily_hours": [8]},
    )
    # The log covers up to 8 March: on 21 March 13 days have passed, on 22 March 14.
    assert operations.flag_stopped_logs(session, date(2026, 3, 21)) == 0
    assert operations.flag_stopped_logs(session, date(2026, 3, 22)) == 1
    assert operations.flag_stopped_logs(session, date(2026, 3, 23)) == 0
    findings = world.call("GET", f"{URL}/{internship_id}/findings", world.school_user).json()
    assert [(f["code"], f["label"], f["reference_date"]) for f in findings["data"]] == [
        ("logs_stopped", "实习周志中断两周", "2026-03-08")
    ]
    audited = session.exec(
        select(AuditLog).where(col(AuditLog.action) == "flag_logs_stopped")
    ).all()
    assert [a.actor for a in audited] == ["scheduler"]


def test_the_stopped_logs_job_is_scheduled() -> None:
    from service.jobs import JOBS

    jobs = {j.id: (j.run, j.trigger) for j in JOBS}
    assert jobs["internship_logs_stopped"] == (operations.flag_stopped_logs, "cron")
    assert jobs["internship_evaluations_due"] == (operations.flag_due_evaluations, "cron")


# ---------------------------------------------------------------- 6. ending


def test_completion_needs_both_evaluations_and_gives_a_certificate(
    world: World, session: Session
) -> None:
    internship_id = world.started(session)
    base = f"{URL}/{internship_id}"
    early = world.call("GET", f"{base}/certificate", world.student_user, params={"format": "html"})
    assert early.status_code == 409
    blocked = world.call("POST", f"{base}/complete", world.school_user)
    assert blocked.status_code == 409
    assert blocked.json()["error"]["message"] == "不能办理完成：尚缺实习单位评价、学校考核成绩"
    evaluation = {"score": 92, "grade": "excellent", "comment": "工作认真，操作规范"}
    assert (
        world.call(
            "POST", f"{base}/evaluations", world.enterprise_user, json=evaluation
        ).status_code
        == 200
    )
    grade = {"grade": "good", "comment": "周志完整"}
    graded = world.call("POST", f"{base}/evaluations", world.school_user, json=grade).json()
    assert (
        graded["enterprise_evaluation"]["grade_label"],
        graded["school_evaluation"]["grade_label"],
    ) == (
        "优秀",
        "良好",
    )
    done = world.call("POST", f"{base}/complete", world.school_user)
    assert (done.status_code, done.json()["status_label"]) == (200, "已完成")
    certificate = world.call(
        "GET", f"{base}/certificate", world.student_user, params={"format": "html"}
    )
    assert certificate.status_code == 200
    for text in ("实习完成证明", PLANTED_NAME, "优秀（92分）", "良好", "@page { size: A4"):
        assert text in certificate.text, text
    as_json = world.call("GET", f"{base}/certificate", world.enterprise_user).json()
    assert as_json["number"].startswith("SX20260401-")


def test_ending_early_needs_a_labelled_reason(world: World, session: Session) -> None:
    internship_id = world.started(session)
    end = f"{URL}/{internship_id}/end"
    assert (
        world.call("POST", end, world.enterprise_user, json={"reason": "other"}).status_code == 422
    )
    assert (
        world.call("POST", end, world.enterprise_user, json={"reason": "bored"}).status_code == 422
    )
    ended = world.call(
        "POST", end, world.enterprise_user, json={"reason": "safety_risk", "note": "车间整改"}
    )
    assert ended.status_code == 200
    body = ended.json()
    assert (body["status_label"], body["end_reason_label"], body["ended_on"]) == (
        "提前终止",
        "存在安全风险",
        "2026-04-01",
    )
    again = world.call("POST", end, world.school_user, json={"reason": "health"})
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "实习当前状态为“提前终止”，不能提前终止"
    logs = world.call(
        "POST",
        f"{URL}/{internship_id}/logs",
        world.student_user,
        json={"week_start_date": "2026-03-02", "content": "x", "daily_hours": [8]},
    )
    assert logs.status_code == 409


def test_other_schools_and_enterprises_see_nothing(world: World, session: Session) -> None:
    from models import Role
    from tests.factories import make_enterprise_user, make_school, make_user

    internship_id = world.accepted(session)
    other_school = make_user(session, Role.school, make_school(session))
    _, other_enterprise = make_enterprise_user(session)
    for user in (other_school, other_enterprise):
        assert world.call("GET", f"{URL}/{internship_id}", user).status_code == 404
        assert (
            world.call("POST", f"{URL}/{internship_id}/agreement/confirm", user).status_code == 404
        )
        assert (
            world.call("PUT", f"{URL}/{internship_id}/mentors", user, json=MENTORS).status_code
            == 404
        )


def test_every_write_is_audited(world: World, session: Session) -> None:
    internship_id = world.started(session)
    actions = session.exec(
        select(AuditLog.action).where(
            col(AuditLog.entity) == "internship", col(AuditLog.entity_id) == internship_id
        )
    ).all()
    assert sorted(actions) == sorted(
        ["create", "confirm_school", "confirm_enterprise", "confirm_student", "set_insurance",
         "set_mentors", "start"]
    )  # fmt: skip


def test_regulators_read_only_their_regions_internships(world: World, session: Session) -> None:
    internship_id = world.started(session)
    world.call(
        "POST",
        f"{URL}/{internship_id}/logs",
        world.student_user,
        json={"week_start_date": "2026-03-02", "content": "学习", "daily_hours": [9]},
    )
    for suffix in ("", "/agreement", "/logs", "/findings", "/certificate"):
        url = f"{URL}/{internship_id}{suffix}"
        assert world.call("GET", url, world.other_regulator).status_code == 404, suffix
        expected = 409 if suffix == "/certificate" else 200  # not completed yet
        for user in (world.regulator, world.national):
            assert world.call("GET", url, user).status_code == expected, suffix


def test_the_daily_job_flags_evaluations_due_a_week_before_the_end(
    world: World, session: Session
) -> None:
    internship_id = world.started(session)
    # The internship ends on 30 August 2026.
    assert operations.flag_due_evaluations(session, date(2026, 8, 22)) == 0
    assert operations.flag_due_evaluations(session, date(2026, 8, 23)) == 1
    assert operations.flag_due_evaluations(session, date(2026, 8, 24)) == 0
    findings = world.call("GET", f"{URL}/{internship_id}/findings", world.enterprise_user).json()
    assert [(f["label"], f["message"]) for f in findings["data"]] == [
        ("实习评价待完成", "实习将于2026-08-30结束，尚缺实习单位评价、学校考核成绩")
    ]
