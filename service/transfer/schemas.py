"""Bodies of the import and export endpoints, and the problems an import reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from service.errors import AppError
from service.students.schemas import InitialPassword as InitialPassword
from service.transfer.columns import TransferKind


@dataclass(frozen=True)
class Problem:
    """Why one cell (or one row, when ``column`` is empty) cannot be imported."""

    row: int
    column: str
    value: str
    message: str
    candidates: list[dict[str, Any]] | None = None
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        # A value is quoted by at most QUOTED_CHARS characters, in the value and in the message
        # (issue 24: a 20 MB cell came back twice, in a 40 MB error).
        value = quoted(self.value)
        message = self.message
        if len(self.value) > QUOTED_CHARS:
            message = message.replace(self.value, value)
        detail: dict[str, Any] = {
            "row": self.row,
            "column": self.column,
            "label": self.label,
            "value": value,
            "message": quoted(message, QUOTED_CHARS * 3),
        }
        if self.candidates is not None:
            detail["candidates"] = self.candidates
        return detail


MAX_LISTED = 500
QUOTED_CHARS = 100


def quoted(text: str, limit: int = QUOTED_CHARS) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis and the full length when cut)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共{len(text)}个字符）"


class ImportInvalid(AppError):
    """The file has bad rows; nothing was written. ``details`` lists every problem."""

    status_code = 422
    code = "import_invalid"

    def __init__(self, message: str, problems: list[Problem]) -> None:
        # The answer lists the first MAX_LISTED problems and counts the rest: a 200 000-row file
        # of bad rows must not come back as a 27 MB error body (issue 15).
        details = [problem.to_dict() for problem in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            rest = len(problems) - MAX_LISTED
            details.append(
                {
                    "row": 0,
                    "column": "",
                    "label": "",
                    "value": "",
                    "message": f"另有{rest}处问题未列出",
                }
            )
        super().__init__(message, details=details)
        self.problems = problems


class ImportResult(BaseModel):
    kind: TransferKind = Field(description="导入类型")
    rows: int = Field(description="文件中的数据行数")
    inserted: int = Field(description="新增行数")
    updated: int = Field(description="更新行数")
    unchanged: int = Field(description="内容未变的行数")
    dry_run: bool = Field(description="是否仅校验（未写入）")
    initial_passwords: list[InitialPassword] = Field(
        default_factory=list,
        description="学生导入：为新学生开通的账户及初始密码（只返回这一次，请妥善转交）",
    )


class ImportProblemPublic(BaseModel):
    row: int = Field(description="行号（表头为第1行）")
    column: str = Field(description="列名（英文）；整行问题为空")
    label: str = Field(description="列名（中文）")
    value: str = Field(description="单元格内容")
    message: str = Field(description="问题说明")
    candidates: list[dict[str, Any]] | None = Field(
        default=None, description="专业名称无法识别时的候选专业"
    )
