from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import StreamingResponse

from models import Role, User
from service.auth.dependencies import ReadSessionDep, require_roles
from service.db import write_from_here
from service.organizations import operations as organizations
from service.settings import settings
from service.transfer import operations
from service.transfer.columns import FileFormat, TransferKind
from service.transfer.schemas import ImportProblemPublic, ImportResult
from service.transfer.writers import CONTENT_TYPES

router = APIRouter(tags=["批量导入导出"])

Member = Annotated[
    User, Depends(require_roles(Role.enterprise, Role.school, Role.regulator, Role.admin))
]
FormatQuery = Annotated[FileFormat, Query(alias="format", description="文件格式：csv 或 xlsx")]
_SPOOL_BYTES = 8 * 1024 * 1024

_INVALID_EXAMPLE: dict[str, Any] = {
    "description": "有错误行，未写入任何数据；details 列出每个问题",
    "content": {
        "application/json": {
            "example": {
                "error": {
                    "code": "import_invalid",
                    "message": "导入失败：1行数据有误（共1处问题），未写入任何数据",
                    "details": [
                        ImportProblemPublic(
                            row=3,
                            column="major_code",
                            label="专业代码",
                            value="计算机",
                            message="无法在专业目录（高职专科）中确定专业“计算机”，可能是：…",
                            candidates=[],
                        ).model_dump()
                    ],
                }
            }
        }
    },
}


@router.post(
    "/imports/{kind}",
    response_model=ImportResult,
    responses={422: _INVALID_EXAMPLE, 413: {"description": "文件超过大小上限"}},
)
def import_upload(
    request: Request,
    reader: ReadSessionDep,
    actor: Member,
    kind: TransferKind,
    file: Annotated[UploadFile, File(description="CSV（UTF-8或GB18030）或XLSX文件")],
    dry_run: Annotated[bool, Query(description="仅校验并统计，不写入")] = False,
) -> ImportResult:
    """批量导入：整个文件为一个事务，任何一行有误则不写入，并列出每个错误行。"""
    # Authorised, read and checked on the read session (the request's session is a read session:
    # its first parameter asks for one); it turns into a write session (on SQLite: the write turn)
    # only for the prepared writes, and not at all for a dry run or a refused file (issue 24).
    return operations.import_upload(
        reader,
        lambda: write_from_here(request, reader),
        actor,
        kind,
        file.file,
        file_name=file.filename or f"{kind.value}.upload",
        limit=settings.import_max_bytes,
        dry_run=dry_run,
    )


@router.get("/imports/{kind}/template", response_class=StreamingResponse)
def import_template(
    kind: TransferKind,
    file_format: FormatQuery = FileFormat.csv,
    labels: Annotated[bool, Query(description="表头用中文列名（否则用英文列名）")] = True,
) -> StreamingResponse:
    """下载导入模板：表头和一行示例。"""
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)
    operations.write_template(kind, file_format, spool, labels=labels)
    return _download(spool, operations.file_name_for(kind, file_format, "-template"), file_format)


@router.get("/exports/{kind}", response_class=StreamingResponse)
def export_download(
    session: ReadSessionDep,
    actor: Member,
    kind: TransferKind,
    file_format: FormatQuery = FileFormat.csv,
    labels: Annotated[bool, Query(description="表头用中文列名（否则用英文列名）")] = False,
) -> StreamingResponse:
    """导出数据：与导入相同的列，导出的文件可原样再导入（地区监管部门仅导出本辖区机构的数据）。"""
    owner = operations.owner_for(session, actor, kind)
    # Written out before the response starts: the session closes when this function returns.
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)
    try:
        operations.export_table(
            session,
            kind,
            file_format,
            spool,
            owner=owner,
            labels=labels,
            scope=organizations.regional_scope(session, actor),
        )
    except BaseException:
        spool.close()  # a failed export keeps nothing open (issue 24)
        raise
    return _download(spool, operations.file_name_for(kind, file_format), file_format)


def _download(spool: IO[bytes], file_name: str, file_format: FileFormat) -> StreamingResponse:
    spool.seek(0)
    return StreamingResponse(
        _chunks(spool),
        media_type=CONTENT_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(64 * 1024):
            yield chunk
    finally:
        spool.close()
