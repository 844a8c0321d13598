from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from models import Role, User
from service.auth.dependencies import ReadSessionDep, SessionDep, require_roles
from service.messages import operations
from service.messages.schemas import MessageCreate, MessagePublic, MessagesPublic

router = APIRouter(prefix="/applications", tags=["申请消息"])

Reader = Annotated[
    User,
    Depends(
        require_roles(
            Role.student,
            Role.enterprise,
            Role.school,
            refusal="申请消息仅申请的学生、岗位所属企业和学生所在学校可见",
        )
    ),
]
Writer = Annotated[
    User,
    Depends(
        require_roles(
            Role.student, Role.enterprise, refusal="只有申请的学生和岗位所属企业可以发送消息"
        )
    ),
]


@router.get("/{application_id}/messages", response_model=MessagesPublic)
def list_messages(
    session: ReadSessionDep, actor: Reader, application_id: uuid.UUID
) -> MessagesPublic:
    """申请内的消息（学生、企业；学生所在学校可阅读）。"""
    data = operations.thread(session, actor, application_id)
    return MessagesPublic(data=data, count=len(data))


@router.post("/{application_id}/messages", response_model=MessagePublic, status_code=201)
def send_message(
    session: SessionDep, actor: Writer, application_id: uuid.UUID, body: MessageCreate
) -> MessagePublic:
    """在申请内发送消息；企业消息按发布规则审查（收费、歧视、学生联系方式），每小时限20条。"""
    return operations.send(session, actor, application_id, body)
