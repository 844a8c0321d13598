from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from models import Role, User
from service.auth.dependencies import ReadSessionDep, SessionDep, require_roles
from service.page_dep import PageDep
from service.students import operations
from service.students.schemas import (
    ProfileUpdate,
    StudentCreate,
    StudentCreated,
    StudentPublic,
    StudentsPublic,
    StudentUpdate,
)

router = APIRouter(prefix="/students", tags=["学生"])

School = Annotated[User, Depends(require_roles(Role.school))]
Student = Annotated[User, Depends(require_roles(Role.student))]
Reader = Annotated[User, Depends(require_roles(Role.school, Role.regulator, Role.admin))]


@router.post("", response_model=StudentCreated, status_code=201)
def create_student(session: SessionDep, actor: School, body: StudentCreate) -> StudentCreated:
    """学校新建学生并为其开通账户（用户名 学校标识码-学号）；初始密码只在此返回一次。"""
    student, username, password, resolution = operations.create_student(session, actor, body)
    return StudentCreated(
        student=student, username=username, initial_password=password, major_resolution=resolution
    )


@router.get("", response_model=StudentsPublic)
def list_students(
    session: ReadSessionDep,
    actor: Reader,
    page: PageDep,
    major: Annotated[str | None, Query(max_length=8, description="专业代码")] = None,
    graduation_year: Annotated[int | None, Query(ge=1990, le=2100, description="毕业年份")] = None,
    student_no: Annotated[str | None, Query(max_length=32, description="学号（前缀）")] = None,
    school: Annotated[
        str | None, Query(max_length=32, description="学校标识码（监管部门和管理员）")
    ] = None,
) -> StudentsPublic:
    """本校学生列表（监管部门和管理员可查看全部，姓名和手机号脱敏）。"""
    filters = operations.StudentFilters(
        school=school, major=major, graduation_year=graduation_year, student_no=student_no
    )
    data, count = operations.list_students(session, actor, filters, page)
    return StudentsPublic(data=data, count=count)


@router.get("/me", response_model=StudentPublic)
def read_profile(session: ReadSessionDep, actor: Student) -> StudentPublic:
    """学生查看自己的档案。"""
    return operations.read_profile(session, actor)


@router.patch("/me", response_model=StudentPublic)
def update_profile(session: SessionDep, actor: Student, body: ProfileUpdate) -> StudentPublic:
    """学生修改自己的档案：技能、职业技能等级证书、意向地区和岗位类型、自我介绍、手机号。"""
    return operations.update_profile(session, actor, body)


@router.get("/{student_id}", response_model=StudentPublic)
def read_student(session: ReadSessionDep, actor: Reader, student_id: uuid.UUID) -> StudentPublic:
    """查看本校学生（监管部门和管理员看到脱敏的姓名和手机号）。"""
    return operations.read_student(session, actor, student_id)


@router.patch("/{student_id}", response_model=StudentPublic)
def update_student(
    session: SessionDep, actor: School, student_id: uuid.UUID, body: StudentUpdate
) -> StudentPublic:
    """学校修改本校学生的信息。"""
    return operations.update_student(session, actor, student_id, body)
