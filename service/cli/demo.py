"""``chanjiao seed demo``: the demo city, loaded through the operations the API and imports use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from seed.demo.loader import LoadResult

# seed.demo.DEFAULT_SEED, repeated so that `--help` does not import the generator (a test pins it).
DEFAULT_SEED = 2026

ROLE_LABELS = {
    "admin": "管理员",
    "regulator": "监管部门",
    "school": "学校",
    "enterprise": "企业",
    "student": "学生",
}
KIND_LABELS = {
    "organizations": "机构",
    "programmes": "专业开设",
    "cohorts": "毕业生去向",
    "demand": "人才需求",
    "students": "学生",
    "positions": "岗位",
}
MAX_PROBLEMS_SHOWN = 10
# One thing to try first, per demo account (the pages each role starts from).
FIRST_STEPS = {
    "demo_student": "在岗位大厅搜索“护理”，打开一个岗位并申请，再到“学生工作台”看申请进度",
    "demo_enterprise": "在“企业工作台”打开被拦截的草稿岗位，看合规提示，修改后重新发布",
    "demo_school": "在“学校工作台”查看本校专业与毕业生去向，登记一届毕业生的去向落实情况",
    "demo_regulator": "在“监管部门工作台”看专业供需错配报告，点开一个“撤并”专业看预警依据",
    "demo_admin": "在“机构审核”页审核通过一家待审核的机构，再看专业供需错配报告",
}


def seed_demo(
    scale: Annotated[
        float,
        typer.Option("--scale", min=0.01, help="规模倍数：1 为一个城市，50 约为一个省的数据量"),
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="随机种子：相同种子生成完全相同的数据")] = (
        DEFAULT_SEED
    ),
    home: Annotated[
        str | None,
        typer.Option("--home", help="服务首页地址（make demo 传入），导入后与账户一起打印"),
    ] = None,
) -> None:
    """导入仿重庆的演示城市（学校、企业、岗位、毕业生去向、人才需求和演示账户）；仅限演示环境，重复运行不会重复写入。"""
    from seed.demo.loader import DemoRefused, load_demo
    from service.db import session_scope
    from service.errors import AppError
    from service.transfer.schemas import ImportInvalid

    try:
        with session_scope() as session:
            result = load_demo(session, seed=seed, scale=scale)
    except DemoRefused as refused:
        typer.echo(f"错误：{refused.message}", err=True)
        raise typer.Exit(2) from None
    except ImportInvalid as invalid:
        typer.echo(f"错误：演示数据未通过导入校验，未写入任何数据：{invalid.message}", err=True)
        for detail in invalid.details[:MAX_PROBLEMS_SHOWN]:
            typer.echo(f"  第{detail['row']}行 {detail['column']}：{detail['message']}", err=True)
        raise typer.Exit(1) from None
    except AppError as error:
        typer.echo(f"错误：{error.message}（未写入任何数据）", err=True)
        raise typer.Exit(1) from None
    _print(result, seed, scale, home)


def _print(result: LoadResult, seed: int, scale: float, home: str | None = None) -> None:
    from models import ApplicationStatus
    from models.base import APPLICATION_STATUS_LABELS
    from seed.demo import PARK_CODE

    if result.already_loaded:
        typer.echo(f"演示城市已存在（园区机构代码 {PARK_CODE}），未写入任何数据。")
    else:
        parts = "，".join(f"{KIND_LABELS[kind]} {n}" for kind, n in result.imported.items())
        typer.echo(
            f"演示城市已导入（种子 {seed}，规模 {scale:g}）：{parts}；"
            f"合计 {result.rows} 行，用时 {result.seconds:.1f} 秒。"
        )
        if result.today is not None:
            typer.echo(
                f"演示数据以导入当天 {result.today.isoformat()} 为“今天”"
                "（招聘中岗位的报名截止日期都在此之后）。"
            )
        if result.applications:
            shown = "，".join(
                f"{APPLICATION_STATUS_LABELS.get(ApplicationStatus(status), status)} {n}"
                for status, n in sorted(result.applications.items())
            )
            typer.echo(f"岗位申请：{shown}（一个岗位已招满）。")
        if result.refused:
            typer.echo("以下岗位发布时被拦截，保留为草稿：")
            for posting in result.refused:
                typer.echo(f"  {posting.title}")
                for finding in posting.findings:
                    typer.echo(f"    - {finding['message']}")
    if result.accounts:
        typer.echo("演示账户（仅限演示环境使用）：")
        for account in result.accounts:
            role = _pad(ROLE_LABELS.get(account.role, account.role), 8)
            typer.echo(f"  {role}  {account.username:<16}  {account.password}  {account.label}")
    elif result.already_loaded:
        typer.echo("演示账户的密码由 --seed 决定，请使用首次导入时的种子查看。")
    if home is None:
        return
    typer.echo("")
    typer.echo(f"打开首页：{home}（用上面的账户登录；接口文档 {home}docs）")
    if result.accounts:
        typer.echo("每个角色先试一件事：")
        for account in result.accounts:
            step = FIRST_STEPS.get(account.username)
            if step:
                role = _pad(ROLE_LABELS.get(account.role, account.role), 8)
                typer.echo(f"  {role}  {account.username:<16}  {step}")


def _pad(text: str, width: int) -> str:
    # CJK characters take two columns in a terminal.
    shown = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
    return text + " " * max(0, width - shown)
