from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from models import Role, User
from service.auth.dependencies import CurrentUser, ReadSessionDep, SessionDep, require_roles
from service.placement import operations
from service.placement.schemas import (
    ChoicesIn,
    ChoicesPublic,
    RankingIn,
    RankingPublic,
    ResultsPublic,
    RoundCreate,
    RoundPublic,
)

router = APIRouter(prefix="/placement-rounds", tags=["双选分配"])

# A round's parties may be of any role (CurrentUser); these act in one role only.
Organiser = Annotated[
    User,
    Depends(
        require_roles(
            Role.school, Role.regulator, refusal="只有学校、园区或政府部门的账户可以组织双选轮次"
        )
    ),
]
Runner = Annotated[
    User,
    Depends(
        require_roles(Role.school, Role.regulator, Role.admin, refusal="只有组织方可以运行分配")
    ),
]
Student = Annotated[
    User, Depends(require_roles(Role.student, refusal="只有本轮邀请的学生可以填报志愿"))
]
Enterprise = Annotated[
    User, Depends(require_roles(Role.enterprise, refusal="只能为本企业的岗位排序"))
]
RankingReader = Annotated[
    User,
    Depends(
        require_roles(
            Role.enterprise,
            Role.school,
            Role.regulator,
            Role.admin,
            refusal="只有组织方和岗位所属企业可以查看排序",
        )
    ),
]


@router.post("", response_model=RoundPublic, status_code=201)
def create_round(session: SessionDep, actor: Organiser, body: RoundCreate) -> RoundPublic:
    """组织双选轮次（学校、园区或政府部门）：邀请岗位和学生，设定志愿截止时间。"""
    return operations.create_round(session, actor, body)


@router.get("/{round_id}", response_model=RoundPublic)
def read_round(session: ReadSessionDep, actor: CurrentUser, round_id: uuid.UUID) -> RoundPublic:
    """查看双选轮次（本轮参与方）。"""
    return operations.read_round(session, actor, round_id)


@router.put("/{round_id}/choices", response_model=ChoicesPublic)
def set_choices(
    session: SessionDep, actor: Student, round_id: uuid.UUID, body: ChoicesIn
) -> ChoicesPublic:
    """学生提交志愿顺序（截止前可修改，以最后一次为准）。"""
    return operations.set_choices(session, actor, round_id, body)


@router.get("/{round_id}/choices", response_model=ChoicesPublic)
def read_choices(session: ReadSessionDep, actor: Student, round_id: uuid.UUID) -> ChoicesPublic:
    """学生查看自己的志愿。"""
    return operations.read_choices(session, actor, round_id)


@router.put("/{round_id}/rankings/{position_id}", response_model=RankingPublic)
def set_ranking(
    session: SessionDep,
    actor: Enterprise,
    round_id: uuid.UUID,
    position_id: uuid.UUID,
    body: RankingIn,
) -> RankingPublic:
    """企业为本企业岗位的申请人排序，或按推荐评分排序（评分与理由随本轮保存）。"""
    return operations.set_ranking(session, actor, round_id, position_id, body)


@router.get("/{round_id}/rankings/{position_id}", response_model=RankingPublic)
def read_ranking(
    session: ReadSessionDep, actor: RankingReader, round_id: uuid.UUID, position_id: uuid.UUID
) -> RankingPublic:
    """查看岗位的排序及推荐评分理由（本企业或组织方）。"""
    return operations.read_ranking(session, actor, round_id, position_id)


@router.post("/{round_id}/run", response_model=ResultsPublic)
def run_round(session: SessionDep, actor: Runner, round_id: uuid.UUID) -> ResultsPublic:
    """运行分配（组织方，截止后）：学生提议的延迟接受算法，结果稳定；同样输入与种子结果相同。"""
    return operations.run_round(session, actor, round_id)


@router.post("/{round_id}/publish", response_model=ResultsPublic)
def publish_round(session: SessionDep, actor: Runner, round_id: uuid.UUID) -> ResultsPublic:
    """公布结果（组织方，运行后）：分配转为录用通知，本轮学生、学校和企业可见各自结果并收到通知。"""
    return operations.publish_round(session, actor, round_id)


@router.get("/{round_id}/results", response_model=ResultsPublic)
def results(session: ReadSessionDep, actor: CurrentUser, round_id: uuid.UUID) -> ResultsPublic:
    """查看分配结果：组织方看全部，学校看本校学生，企业看本企业岗位，学生看本人。"""
    return operations.results(session, actor, round_id)
