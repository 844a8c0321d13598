"""Students: a school registers them (each with an account), they keep their own profile.

Ownership: a school account reads and edits only its own school's students (another school's do
not exist for it: 404); a student account reads and edits only its own profile; regulators and
admins read every student with the personal data masked. Name and phone leave this module unmasked
only for the student itself and its school (see :mod:`service.students.privacy`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col

from matching.resolve import Resolution
from models import Organization, OrganizationStatus, PositionKind, Role, Student, User
from models.base import SUPERVISOR_ROLES, utcnow
from service import audit
from service.auth import operations as auth
from service.auth.security import generate_password, hash_generated_password
from service.catalog import operations as catalog
from service.catalog.schemas import MajorResolutionPublic
from service.errors import Conflict, Forbidden, Invalid, NotFound, field_detail
from service.organizations import operations as organizations
from service.organizations import repository as organizations_repository
from service.pagination import PageParams
from service.students import privacy, repository
from service.students.repository import StudentRow
from service.students.schemas import (
    ProfileUpdate,
    StudentCreate,
    StudentPublic,
    StudentUpdate,
)

ENTITY = "student"
# What the audit log keeps of a student: never the name or the phone (the log is read by
# administrators who have no right to them); the fact that they changed is enough.
_PERSONAL_FIELDS = frozenset({"name", "phone", "birth_date"})


@dataclass(frozen=True)
class StudentFilters:
    school: str | None = None  # 学校标识码 (regulators and admins)
    major: str | None = None
    graduation_year: int | None = None
    student_no: str | None = None


def username_for(school_code: str, student_no: str) -> str:
    """The login of a student: {学校标识码}-{学号}."""
    return f"{school_code}-{student_no}"


def audited_state(student: Student) -> dict[str, Any]:
    """The student as the audit log keeps it: personal data replaced by its masks."""
    state = student.model_dump(mode="json", warnings=False)
    state["name"] = privacy.mask_name(student.name)
    state["phone"] = privacy.mask_phone(student.phone)
    state["birth_date"] = privacy.mask_birth_date(student.birth_date)
    return state


def public(row: StudentRow, *, unmasked: bool) -> StudentPublic:
    """The API shape of a student; name and phone masked unless ``unmasked``."""
    student, school_name, major_name, username = row
    return StudentPublic(
        id=student.id,
        school_id=student.school_id,
        school_name=school_name,
        student_no=student.student_no,
        name=student.name if unmasked else privacy.mask_name(student.name),
        phone=student.phone if unmasked else privacy.mask_phone(student.phone),
        birth_date=student.birth_date if unmasked else None,
        masked=not unmasked,
        major_code=student.major_code,
        major_name=major_name,
        graduation_year=student.graduation_year,
        skills=list(student.skills),
        certificates=list(student.certificates),
        preferred_regions=list(student.preferred_regions),
        preferred_kinds=[PositionKind(kind) for kind in student.preferred_kinds],
        introduction=student.introduction,
        username=username,
        updated_at=student.updated_at,
    )


def sees_personal_data(viewer: User | None, student: Student) -> bool:
    """Outside an application: the student itself and its school only."""
    if viewer is None:
        return False
    if viewer.role == Role.student:
        return student.user_id == viewer.id
    return viewer.role == Role.school and viewer.organization_id == student.school_id


def _row(session: Session, student: Student) -> StudentRow:
    return repository.rows_by_ids(session, [student.id])[student.id]


# ---------------------------------------------------------------- who acts


def school_of(session: Session, actor: User) -> Organization:
    """The actor's verified school (only a verified school's students count anywhere)."""
    school = session.get(Organization, actor.organization_id) if actor.organization_id else None
    if school is None or actor.role != Role.school:
        raise Forbidden("仅学校账户可以管理学生")
    if school.status != OrganizationStatus.verified:
        raise Forbidden("学校尚未通过审核或已被暂停，暂不能管理学生")
    return school


def student_of(session: Session, actor: User) -> Student:
    """The student profile of a student account."""
    if actor.role != Role.student:
        raise Forbidden("仅学生账户可以执行此操作")
    student = repository.student_of_user(session, actor.id)
    if student is None:
        raise NotFound("该账户没有对应的学生档案，请联系学校")
    return student


def _owned(session: Session, actor: User, student_id: uuid.UUID) -> Student:
    school = school_of(session, actor)
    student = session.get(Student, student_id)
    if student is None or student.school_id != school.id:
        raise NotFound("学生不存在")
    return student


# ---------------------------------------------------------------- checks


def _resolve_major(
    session: Session, text: str, level: str | None, field_name: str = "major"
) -> Resolution:
    resolution = catalog.resolve_majors(session, [text], level)[0]
    if not resolution.resolved:
        raise Invalid(
            "专业无法识别",
            details=[
                field_detail(
                    field_name,
                    catalog.unresolved_message(resolution, level),
                    candidates=[candidate.to_dict() for candidate in resolution.candidates],
                )
            ],
        )
    return resolution


def _check_regions(session: Session, codes: Sequence[str], field_name: str) -> None:
    unknown = [code for code in codes if not repository.region_exists(session, code)]
    if unknown:
        raise Invalid(
            "意向地区有误",
            details=[field_detail(field_name, f"行政区划代码不存在：{'、'.join(unknown)}")],
        )


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ---------------------------------------------------------------- writes


def create_student(
    session: Session, actor: User, data: StudentCreate
) -> tuple[StudentPublic, str, str, MajorResolutionPublic]:
    """A student of the actor's school and its account; returns (student, username, initial
    password, major resolution). The password is returned here only: it is stored hashed."""
    # Hashed before the first query: on SQLite that query takes the write lock.
    password = generate_password()
    password_hash = hash_generated_password(password)
    school = school_of(session, actor)
    resolution = _resolve_major(session, data.major, school.level)
    _check_regions(session, data.preferred_regions, "preferred_regions")
    if repository.by_school_and_no(session, school.id, data.student_no) is not None:
        raise Conflict("本校已有该学号的学生", details=[field_detail("student_no", "学号已存在")])
    username = username_for(school.code, data.student_no)
    user = auth.create_user(
        session,
        username=username,
        password=password,
        role=Role.student,
        organization_id=school.id,
        actor=actor,
        password_hash=password_hash,
    )
    student = Student(
        school_id=school.id,
        student_no=data.student_no,
        name=data.name,
        phone=data.phone,
        birth_date=data.birth_date,
        major_code=str(resolution.code),
        graduation_year=data.graduation_year,
        skills=_unique(data.skills),
        preferred_regions=_unique(data.preferred_regions),
        user_id=user.id,
    )
    session.add(student)
    session.flush()
    audit.record(session, actor, "create", ENTITY, student.id, None, audited_state(student))
    return (
        public(_row(session, student), unmasked=True),
        username,
        password,
        MajorResolutionPublic.of(resolution),
    )


def _apply(session: Session, actor: audit.Actor, student: Student, updates: dict[str, Any]) -> None:
    before = audited_state(student)
    for field_name, value in updates.items():
        setattr(student, field_name, value)
    student.updated_at = utcnow()
    session.add(student)
    session.flush()
    changed = sorted(k for k in updates if k in _PERSONAL_FIELDS)
    after = {**audited_state(student), "personal_data_changed": changed}
    audit.record(session, actor, "update", ENTITY, student.id, before, after)


def update_student(
    session: Session, actor: User, student_id: uuid.UUID, changes: StudentUpdate
) -> StudentPublic:
    """A school's edit of one of its students."""
    student = _owned(session, actor, student_id)
    updates = changes.model_dump(exclude_unset=True)
    # null clears the phone and the birth date; on a required field it means "unchanged".
    updates = {k: v for k, v in updates.items() if v is not None or k in ("phone", "birth_date")}
    if "major" in updates:
        school = school_of(session, actor)
        updates["major_code"] = _resolve_major(session, updates.pop("major"), school.level).code
    if "preferred_regions" in updates:
        _check_regions(session, updates["preferred_regions"], "preferred_regions")
    for key in ("skills", "preferred_regions"):
        if key in updates:
            updates[key] = _unique(updates[key])
    _apply(session, actor, student, updates)
    return public(_row(session, student), unmasked=True)


def update_profile(session: Session, actor: User, changes: ProfileUpdate) -> StudentPublic:
    """The student's edit of its own profile."""
    student = student_of(session, actor)
    updates = changes.model_dump(exclude_unset=True, mode="json")
    updates = {k: v for k, v in updates.items() if v is not None or k == "phone"}
    if "preferred_regions" in updates:
        _check_regions(session, updates["preferred_regions"], "preferred_regions")
    for key in ("skills", "certificates", "preferred_regions", "preferred_kinds"):
        if key in updates:
            updates[key] = _unique(updates[key])
    _apply(session, actor, student, updates)
    return public(_row(session, student), unmasked=True)


def attach_account(
    session: Session,
    actor: audit.Actor,
    school_code: str,
    student_no: str,
    user: User,
    *,
    name: str,
    phone: str | None,
) -> Student:
    """Link an existing student account to the student with that 学号 and set its name and phone
    (an operator's repair, and the demo's demo_student)."""
    school_id = repository.school_id_of_code(session, school_code)
    student = repository.by_school_and_no(session, school_id, student_no) if school_id else None
    if student is None:
        raise NotFound("学生不存在")
    if user.role != Role.student or user.organization_id != student.school_id:
        raise Invalid(
            "账户不是该校的学生账户", details=[field_detail("username", "角色或学校不符")]
        )
    if student.user_id is not None and student.user_id != user.id:
        raise Conflict("该学生已有账户")
    _apply(session, actor, student, {"user_id": user.id, "name": name, "phone": phone})
    return student


# ---------------------------------------------------------------- reads


def read_profile(session: Session, actor: User) -> StudentPublic:
    return public(_row(session, student_of(session, actor)), unmasked=True)


def read_student(session: Session, actor: User, student_id: uuid.UUID) -> StudentPublic:
    """A school reads its own student; regulators and admins any, masked."""
    if actor.role in SUPERVISOR_ROLES:
        student = session.get(Student, student_id)
        if student is None or organizations.out_of_scope(session, actor, student.school_id):
            raise NotFound("学生不存在")
    else:
        student = _owned(session, actor, student_id)
    return public(_row(session, student), unmasked=sees_personal_data(actor, student))


def list_students(
    session: Session, actor: User, filters: StudentFilters, page: PageParams
) -> tuple[list[StudentPublic], int]:
    """A school's own students (regulators and admins: all, masked), by school and 学号."""
    conditions: list[Any] = []
    if actor.role in SUPERVISOR_ROLES:
        if filters.school:
            conditions.append(
                col(Student.school_id) == repository.school_id_of_code(session, filters.school)
            )
        if (scope := organizations.regional_scope(session, actor)) is not None:
            conditions.append(col(Student.school_id).in_(organizations_repository.ids_in(scope)))
    else:
        conditions.append(col(Student.school_id) == school_of(session, actor).id)
    if filters.major:
        conditions.append(col(Student.major_code) == filters.major)
    if filters.graduation_year is not None:
        conditions.append(col(Student.graduation_year) == filters.graduation_year)
    if filters.student_no:
        conditions.append(col(Student.student_no).startswith(filters.student_no, autoescape=True))
    rows, total = repository.search(session, conditions, page.offset, page.page_size)
    return [public(row, unmasked=sees_personal_data(actor, row[0])) for row in rows], total


# ---------------------------------------------------------------- accounts of imported students


@dataclass(frozen=True)
class NewAccount:
    """An account to create for an imported student: the password is kept only until shown."""

    school_id: uuid.UUID
    school_code: str
    student_no: str
    password: str
    password_hash: str

    @property
    def username(self) -> str:
        return username_for(self.school_code, self.student_no)


def plan_accounts(
    session: Session,
    new_keys: Sequence[tuple[uuid.UUID, str]],
    stored_keys: Sequence[tuple[uuid.UUID, str]],
    school_codes: dict[uuid.UUID, str],
) -> list[NewAccount]:
    """Accounts (with generated passwords, hashed here — before any write) for the students an
    import inserts and for stored students of the file that have none yet; only reads."""
    keys = list(new_keys) + sorted(
        repository.without_account(session, stored_keys), key=lambda k: (str(k[0]), k[1])
    )
    accounts = []
    for school_id, student_no in keys:
        password = generate_password()
        accounts.append(
            NewAccount(
                school_id,
                school_codes[school_id],
                student_no,
                password,
                hash_generated_password(password),
            )
        )
    return accounts


def create_accounts(session: Session, accounts: Sequence[NewAccount], actor: audit.Actor) -> None:
    """Write the planned accounts and link them to their students (Core, for large imports)."""
    if not accounts:
        return
    taken = repository.usernames_taken(session, [a.username for a in accounts])
    if taken:
        raise Conflict(
            f"{len(taken)}个学生的登录用户名已被其他账户占用，未导入任何数据",
            details=[field_detail("username", name) for name in sorted(taken)[:20]],
        )
    now = utcnow()
    users = [
        {
            "id": uuid.uuid4(),
            "username": account.username,
            "password_hash": account.password_hash,
            "role": Role.student.value,
            "organization_id": account.school_id,
            "display_name": None,
            "is_active": True,
            "created_at": now,
        }
        for account in accounts
    ]
    repository.insert_users(session, users)
    repository.link_accounts(
        session,
        [
            {"b_school_id": a.school_id, "b_student_no": a.student_no, "b_user_id": user["id"]}
            for a, user in zip(accounts, users, strict=True)
        ],
    )
    changes: list[tuple[uuid.UUID | str, audit.State, audit.State]] = [
        (str(user["id"]), None, {"role": Role.student.value, "username": str(user["username"])})
        for user in users
    ]
    audit.record_many(session, actor, "create", "user", changes)
