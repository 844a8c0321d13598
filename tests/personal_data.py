"""A reusable check that a student's name and phone leak nowhere they should not (PIPL Art. 6, 23).

:func:`scan_routes` calls every route of the app (every method, path parameters filled from
``ids``) as each viewer that does not own the data, and fails when a response body carries the
planted name or phone, in UTF-8 or as JSON ``\\uXXXX`` escapes. Other features extend it by
adding their routes' ids to ``ids`` and their allowed views to ``allowed`` — new routes are
scanned automatically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from fastapi.testclient import TestClient

PLANTED_NAME = "欧阳娜娜"
PLANTED_PHONE = "13912345678"
_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")


def forms(value: str) -> list[str]:
    """How a value can appear in a body: as is, and JSON-escaped (ensure_ascii)."""
    return list(dict.fromkeys([value, json.dumps(value)[1:-1]]))


def leaks(text: str, secrets: Iterable[str]) -> list[str]:
    return [secret for secret in secrets for form in forms(secret) if form in text]


@dataclass
class ScanReport:
    requests: int = 0
    skipped: int = 0  # allowed (viewer, path) pairs not called
    leaks: list[str] = field(default_factory=list)


def scan_routes(
    client: TestClient,
    viewers: Mapping[str, dict[str, str]],
    ids: Mapping[str, str],
    *,
    secrets: Iterable[str] = (PLANTED_NAME, PLANTED_PHONE),
    allowed: Iterable[tuple[str, str]] = (),
    methods: Iterable[str] = ("GET",),
    default_id: str = "00000000-0000-0000-0000-000000000000",
) -> ScanReport:
    """Every route × viewer (headers); ``allowed`` holds (viewer, path template) pairs that may
    see the data (e.g. the enterprise inside the application)."""
    secrets = list(secrets)
    allowed_pairs = set(allowed)
    report = ScanReport()
    # Every route the app documents (its OpenAPI paths), so that new routes are scanned too.
    paths: dict[str, dict[str, object]] = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    wanted = {method.lower() for method in methods}
    for template, operations in sorted(paths.items()):
        for method in sorted(set(operations) & wanted):
            path = _PARAM.sub(lambda m: ids.get(m.group(1), default_id), template)
            for viewer, headers in viewers.items():
                if (viewer, template) in allowed_pairs:
                    report.skipped += 1
                    continue
                response = client.request(method.upper(), path, headers=headers)
                report.requests += 1
                found = leaks(response.text, secrets)
                found += leaks(json.dumps(dict(response.headers)), secrets)
                if found:
                    report.leaks.append(f"{viewer} {method.upper()} {path}: {found}")
    return report


def scanned_operations(client: TestClient, methods: Iterable[str] = ("GET",)) -> int:
    """How many (path, method) operations :func:`scan_routes` calls per viewer."""
    wanted = {method.lower() for method in methods}
    paths: dict[str, dict[str, object]] = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return sum(len(set(operations) & wanted) for operations in paths.values())
