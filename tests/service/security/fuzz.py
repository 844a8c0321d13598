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


def run(
    db_url: str, *, examples: int, roles: tuple[str, ...], only: str | None = None
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


# Findings that the schema is looser (or stricter) than the server: reported, not failures.
LOOSENESS = frozenset({"RejectedPositiveData", "AcceptedNegativeData"})


def _record(result: FuzzResult, where: str, error: BaseException, response: Any) -> None:
    errors = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
    for failure in errors:
        name = type(failure).__name__
        title = getattr(failure, "title", "") or str(failure).strip().splitlines()[0][:120]
        line = f"{where}: {name} {title}"
        if name in LOOSENESS:
            result.looseness.append(f"{line} ({_refusal(response)})")
        else:
            result.failures.append(line)


def _refusal(response: Any) -> str:
    """The status and the fields the server named, to tell the findings apart."""
    try:
        error = response.json()["error"]
        fields = sorted({f"{d.get('field')}: {d.get('message')}" for d in error["details"]}) or [
            f"{error['code']}: {error['message']}"
        ]
    except (ValueError, KeyError, TypeError):
        fields = ["?"]
    return f"{response.status_code} {'; '.join(fields)}"


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
        f"{len(set(result.looseness))} schema-looseness findings"
    )
    for failure in sorted(set(result.failures)):
        print("  FAIL " + failure)  # noqa: T201
    for finding in sorted(set(result.looseness)):
        print("  loose " + finding)  # noqa: T201
    sys.exit(1 if result.failures else 0)


if __name__ == "__main__":
    main()
