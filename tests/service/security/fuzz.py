"""Schemathesis 4 over the app's own OpenAPI schema, as each role, every operation.

``python -m tests.service.security.fuzz --examples 50`` (``make fuzz``) runs it long on a fresh
SQLite database; ``test_fuzz.py`` runs a short pass in ``make test``. Checks: no 5xx, the status is
documented, the body matches its schema, the content type is documented.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

FUZZ_ROLES = (
    "anonymous",
    "student",
    "school",
    "enterprise",
    "regulator_region",
    "regulator_national",
    "admin",
)


@dataclass
class FuzzResult:
    cases: int = 0
    operations: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    looseness: list[str] = field(default_factory=list)
    excused: Counter[str] = field(default_factory=Counter)  # reason → schema-valid refusals


def run(
    db_url: str,
    *,
    examples: int,
    roles: tuple[str, ...],
    only: str | None = None,
    methods: tuple[str, ...] | None = None,
) -> FuzzResult:
    """Every operation (whose path matches the regular expression ``only``) × ``roles``,
    ``examples`` generated cases each, against ``db_url``."""
    import schemathesis

    from service import throttle
    from service.app import create_app
    from service.db import get_engine
    from service.settings import settings as app_settings
    from tests.service.security.matrix import make_actors

    app_settings.database_url = db_url
    throttle.use_store(throttle.MemoryStore())
    with Session(get_engine(db_url)) as session:
        actors = make_actors(session)
    app = create_app()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    result = FuzzResult()
    for outcome in schema.get_all_operations():
        operation = outcome.ok()  # type: ignore[union-attr]  # an invalid schema fails here
        if only is not None and not re.search(only, operation.path):
            continue
        if methods is not None and operation.method.upper() not in methods:
            continue
        result.operations += 1
        for role in roles:
            _fuzz_one(result, operation, role, actors[role], examples)
    return result


def _fuzz_one(
    result: FuzzResult, operation: Any, role: str, headers: dict[str, str], examples: int
) -> None:
    from hypothesis import HealthCheck, given, settings

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy())
    def check(case: Any) -> None:
        result.cases += 1
        response = case.call(headers=headers)
        result.statuses[response.status_code] += 1
        try:
            case.validate_response(response)
        except BaseExceptionGroup as group:  # failed checks: record them and go on
            _record(result, f"{role} {operation.method.upper()} {operation.path}", group, response)
        except AssertionError as error:
            _record(result, f"{role} {operation.method.upper()} {operation.path}", error, response)

    check()


# Findings that the schema is looser (or stricter) than the server.
LOOSENESS = frozenset({"RejectedPositiveData", "AcceptedNegativeData"})

# Refusals of schema-valid input that JSON Schema cannot foresee, each with its reason:
# (operation path, detail field, detail message) as regular expressions. A schema-valid request
# refused for any other reason is a finding: the schema is looser than the server.
_REFERENCE = "the code must exist in its catalogue or table (data, not shape)"
_ACROSS = "a rule across fields (depends on the organisation's kind or on another field)"
DOCUMENTED_REFUSALS: tuple[tuple[str, str, str, str], ...] = (
    (
        r"",
        r"[^a-z0-9_.]",
        r"控制字符",
        "a field the schema does not name (the API ignores it) is still screened for control "
        "characters; the named text fields carry the pattern that says so",
    ),
    (r"", r"^(organization\.)?(region|region_code|code)$", r"不在目录中|不存在", _REFERENCE),
    (r"/what-if$", r"^major$", r"不存在", _REFERENCE),
    (r"", r"^(occupation_code|industry_code|profile)$", r"不存在", _REFERENCE),
    (r"", r"^(organization\.)?industry_code$", r"行业代码不存在", _REFERENCE),
    (r"", r"^(major|majors\.\d+)$", r"专业目录.*没有", "majors are resolved against the catalogue"),
    (r"", r"^school_code$", r"未在平台登记", _REFERENCE),
    (r"", r"^positions\.\d+\.position_id$", r"岗位不存在", _REFERENCE),
    (r"/programmes$", r"^school_code$", r"代学校录入时必填", "required of regulators only (role)"),
    (r"/placement-rounds$", r"^deadline_at$", r"晚于现在", "must lie in the future (the clock)"),
    (
        r"/major-proposals$",
        r"^year$",
        r"开放专业调整窗口",
        "a proposal waits for its region's open window (data and the clock)",
    ),
    (r"/auth/password$", r"^old_password$", r"当前密码不正确", "the current password must match"),
    (
        r"/auth/register$",
        r"^password$",
        r"密码",
        "password rule beyond 8 characters (common, all digits, containing the user name)",
    ),
    (
        r"/auth/register$",
        r"^organization\.kind$",
        r"不能自助注册",
        "self-registration takes "
        "enterprises and schools; the body shares the regulators' organisation fields",
    ),
    (
        r"",
        r"^(organization\.)?code$",
        r"统一社会信用代码|学校标识码",
        "the code's shape depends on the kind; the USCC check character",
    ),
    (
        r"",
        r"^(organization\.)?(level|industry_code|staff_count)$",
        r"仅学校|须填写|学校办学层次",
        _ACROSS,
    ),
    (r"/demand-forecasts$", r"^(major|occupation_code)$", r"须填写专业或职业之一", _ACROSS),
    (r"/positions$", r"^end_date$", r"不能早于", _ACROSS),
    (r"", r"^partners\.\d+\.enterprise_code$", r"校验位", "the USCC check character"),
    (r"/imports/", r"", r"", "the uploaded file's columns and rows are checked by the import"),
    # Issue 26: interviews, messages, 双选会.
    (r"/interviews$", r"^$", r"请填写面试地点或线上面试链接", _ACROSS),
    (r"/interviews", r"^starts_at$", r"已过", "must lie in the future (the clock)"),
    (r"/interviews/", r"^(|place)$", r"请至少修改一项|不能都为空", _ACROSS),
    (r"/job-fairs$", r"^$", r"请填写举办地点或线上链接|结束时间须晚于开始时间", _ACROSS),
    (r"/job-fairs$", r"^starts_at$", r"将来的时间", "must lie in the future (the clock)"),
    (r"/job-fairs$", r"^region_code$", r"本校所在地区", "a school's own region (role)"),
    (r"/booths$", r"^position_ids\.\d+$", r"岗位", _REFERENCE),
    (r"/messages$", r"^body$", r"消息含有", "screened like a posting (rules/screen.py)"),
    # Issue 26.6 and 27: a reset link's token is one the platform mailed; an early end's "other".
    (r"/password-reset/confirm$", r"^token$", r"重置链接无效", "the token must be one mailed"),
    (r"/end$", r"^$", r"原因为“其他”时请填写说明", _ACROSS),
)


def _excused(operation: str, details: list[tuple[str, str]]) -> str | None:
    """The documented reason when every refused field of ``operation`` has one."""
    reasons = []
    for name, message in details:
        for path, field_pattern, message_pattern, reason in DOCUMENTED_REFUSALS:
            if (
                re.search(path, operation)
                and re.search(field_pattern, name)
                and re.search(message_pattern, message)
            ):
                reasons.append(reason)
                break
        else:
            return None
    return reasons[0] if reasons else None


def _record(result: FuzzResult, where: str, error: BaseException, response: Any) -> None:
    errors = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
    for failure in errors:
        name = type(failure).__name__
        title = getattr(failure, "title", "") or str(failure).strip().splitlines()[0][:120]
        line = f"{where}: {name} {title}"
        if name in LOOSENESS:
            details = _details(response)
            reason = _excused(where.split(" ", 2)[2], details) if details else None
            if reason is not None:
                result.excused[reason] += 1
            else:
                fields = "; ".join(f"{n}: {m}" for n, m in details) or "?"
                result.looseness.append(f"{line} ({response.status_code} {fields})")
        else:
            result.failures.append(line)


def _details(response: Any) -> list[tuple[str, str]]:
    """The fields the server named and their messages (the error itself when it named none)."""
    try:
        error = response.json()["error"]
        named = [(str(d.get("field") or ""), str(d.get("message"))) for d in error["details"]]
        return sorted(set(named)) or [("", f"{error['code']}: {error['message']}")]
    except (ValueError, KeyError, TypeError):
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=50)
    parser.add_argument("--roles", default=",".join(FUZZ_ROLES), help="comma-separated actors")
    parser.add_argument("--only", default=None, help="regular expression on the operations' paths")
    args = parser.parse_args()
    roles = tuple(args.roles.split(","))
    os.environ.setdefault("CHANJIAO_ENVIRONMENT", "test")
    from seed.catalog import load_catalog
    from service import migrate
    from service.db import get_engine
    from service.settings import settings as app_settings

    app_settings.environment = "test"
    app_settings.scheduler_enabled = False
    # The actors' tokens must outlive a long run: on a busy machine one took 24 min, and every
    # case after the 15th minute was an unauthenticated 401 (13 731 of 26 495).
    app_settings.access_token_minutes = 24 * 60
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/fuzz.db"
        migrate.upgrade(url)
        with Session(get_engine(url)) as session:
            load_catalog(session)
            session.commit()
        started = time.perf_counter()
        result = run(url, examples=args.examples, roles=roles, only=args.only)
        seconds = time.perf_counter() - started
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items()))
    print(  # noqa: T201
        f"{result.cases} cases, {result.operations} operations × {len(roles)} roles, "
        f"{seconds:.0f} s; statuses {statuses}; {len(result.failures)} failures; "
        f"{len(set(result.looseness))} schema-looseness findings; "
        f"{sum(result.excused.values())} schema-valid refusals with a documented reason"
    )
    for failure in sorted(set(result.failures)):
        print("  FAIL " + failure)  # noqa: T201
    for finding in sorted(set(result.looseness)):
        print("  loose " + finding)  # noqa: T201
    for reason, count in result.excused.most_common():
        print(f"  excused ({count}): {reason}")  # noqa: T201
    sys.exit(1 if result.failures else 0)


if __name__ == "__main__":
    main()
