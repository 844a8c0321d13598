"""``chanjiao programmes`` and ``chanjiao cohorts``: what an operator scripts, as the API does it.

The operations (and the report code they reach) are imported inside the commands, so that
``chanjiao --help`` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from service.cli.db import session_scope
from service.cli.output import fail
from service.errors import AppError

programmes_app = typer.Typer(
    help="专业开设（招生计划、实践课时占比、合作企业）。", no_args_is_help=True
)
cohorts_app = typer.Typer(help="毕业生去向（按届）。", no_args_is_help=True)

CLI_ACTOR = "cli"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def _partner(text: str) -> dict[str, str]:
    code, _, kind = text.partition(":")
    return {"enterprise_code": code, "kind": kind or "cooperation"}


@programmes_app.command("list")
def list_programmes(
    school: Annotated[str | None, typer.Option("--school", help="学校标识码")] = None,
    major: Annotated[str | None, typer.Option("--major", help="专业代码")] = None,
    year: Annotated[int | None, typer.Option("--year", help="招生年份")] = None,
    page: Annotated[int, typer.Option("--page", min=1, help="页码")] = 1,
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=200, help="每页条数")] = 50,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table / json")] = (
        OutputFormat.table
    ),
) -> None:
    """列出专业开设记录（可按学校、专业、年份筛选）。"""
    from pydantic import ValidationError

    from service.pagination import PageParams
    from service.programmes import operations
    from service.programmes.schemas import ProgrammeFilters

    try:
        filters = ProgrammeFilters(school=school, major=major, year=year)
        with session_scope(write=False) as session:
            result = operations.list_programmes(
                session, CLI_ACTOR, filters, PageParams(page=page, page_size=page_size)
            )
    except ValidationError as error:
        typer.echo(f"错误：参数有误：{error.errors()[0]['msg']}", err=True)
        raise typer.Exit(2) from None
    except AppError as error:
        fail(error)
    if fmt is OutputFormat.json:
        typer.echo(result.model_dump_json(indent=2))
        return
    typer.echo(f"共{result.count}条")
    for item in result.data:
        share = (
            ""
            if item.practical_hours_share is None
            else f"  实践课时{item.practical_hours_share:g}"
        )
        partners = "、".join(f"{p.enterprise_name}（{p.kind_label}）" for p in item.partners)
        flags = "".join(f"  ⚠ {finding.message}" for finding in item.findings)
        typer.echo(
            f"{item.school_code} {item.school_name}  {item.major_code} {item.major_name}  "
            f"{item.year}年 计划{item.enrolment_plan}"
            + ("" if item.enrolled is None else f" 实招{item.enrolled}")
            + share
            + (f"  合作：{partners}" if partners else "")
            + flags
            + f"  [{item.id}]"
        )


@programmes_app.command("create")
def create_programme(
    school: Annotated[str, typer.Option("--school", help="学校标识码")],
    major: Annotated[str, typer.Option("--major", help="专业代码或名称（按学校层次识别）")],
    year: Annotated[int, typer.Option("--year", help="招生年份")],
    plan: Annotated[int, typer.Option("--plan", help="招生计划数")],
    enrolled: Annotated[int | None, typer.Option("--enrolled", help="实际招生数")] = None,
    practical_share: Annotated[
        float | None, typer.Option("--practical-share", help="实践性教学课时占比（0–1）")
    ] = None,
    partners: Annotated[
        list[str] | None,
        typer.Option(
            "--partner",
            help="合作企业 统一社会信用代码:方式（cooperation / order_training / "
            "apprenticeship），可重复",
        ),
    ] = None,
) -> None:
    """新增专业开设记录（以命令行操作员身份，可为任一学校录入）。"""
    from pydantic import ValidationError

    from service.programmes import operations
    from service.programmes.schemas import ProgrammeCreate

    try:
        body = ProgrammeCreate.model_validate(
            {
                "school_code": school,
                "major": major,
                "year": year,
                "enrolment_plan": plan,
                "enrolled": enrolled,
                "practical_hours_share": practical_share,
                "partners": [_partner(text) for text in partners or []],
            }
        )
        with session_scope() as session:
            saved = operations.create_programme(session, CLI_ACTOR, body)
    except ValidationError as error:
        from service.errors import pydantic_errors_to_details

        hints = "；".join(
            f"{d['field']}：{d['message']}" for d in pydantic_errors_to_details(error.errors())
        )
        typer.echo(f"错误：输入数据有误（{hints}）", err=True)
        raise typer.Exit(2) from None
    except AppError as error:
        fail(error)
    resolution = saved.major_resolution
    if resolution is not None and resolution.method != "code":
        typer.echo(
            f"专业识别：{resolution.input} → {resolution.code} {resolution.name}"
            f"（{resolution.level}，方式：{resolution.method}）"
        )
    typer.echo(
        f"已新增 {saved.school_code} {saved.major_code} {saved.major_name} {saved.year}年 "
        f"计划{saved.enrolment_plan}  [{saved.id}]"
    )
    for finding in saved.findings:
        typer.echo(f"提示：{finding.message}（{finding.source}）")


@cohorts_app.command("put")
def put_cohort(
    school: Annotated[str, typer.Option("--school", help="学校标识码")],
    major: Annotated[str, typer.Option("--major", help="专业代码")],
    year: Annotated[int, typer.Option("--year", help="毕业年份")],
    graduates: Annotated[int, typer.Option("--graduates", help="毕业生数")],
    placed: Annotated[int, typer.Option("--placed", help="毕业去向落实人数")],
    in_field: Annotated[int, typer.Option("--in-field", help="对口就业人数")],
    further_study: Annotated[int, typer.Option("--further-study", help="升学人数")] = 0,
    salary: Annotated[float | None, typer.Option("--salary", help="平均月薪（元）")] = None,
) -> None:
    """填报或替换某校某专业一届毕业生的去向（规则与接口、导入相同，有误时不写入）。"""
    from pydantic import ValidationError

    from service.errors import pydantic_errors_to_details
    from service.programmes import operations
    from service.programmes.schemas import CohortPut

    try:
        body = CohortPut(
            graduates=graduates,
            placed=placed,
            in_field=in_field,
            further_study=further_study,
            avg_monthly_salary=salary,
        )
        with session_scope() as session:
            programme_id = operations.programme_id_for(session, school, major)
            saved = operations.put_cohort(session, CLI_ACTOR, programme_id, year, body)
    except ValidationError as error:
        hints = "；".join(
            f"{d['field']}：{d['message']}" for d in pydantic_errors_to_details(error.errors())
        )
        typer.echo(f"错误：输入数据有误（{hints}）", err=True)
        raise typer.Exit(2) from None
    except AppError as error:
        fail(error)
    verb = "已新增" if saved.created else "已替换"
    rate = "—" if saved.destination_rate is None else f"{saved.destination_rate:.2%}"
    typer.echo(
        f"{verb} {school} {saved.major_code} {saved.graduation_year}届：毕业生{saved.graduates}，"
        f"去向落实{saved.placed}（{rate}），对口{saved.in_field}"
    )
