"""No page answers 500 to junk in its path or query: each GET page of each role gets malformed
values and must answer with an HTML page (2xx, 303, 4xx)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import Role
from tests.factories import make_enterprise, make_school, make_user
from tests.service.pages.helpers import sign_in

JUNK = ["abc", "-1", "9" * 40, "9" * 5000, "中文", "²", "nan", "1e400"]
REPORT = ("region", "year", "level", "profile")
PAGES: dict[Role | None, list[tuple[str, tuple[str, ...]]]] = {
    None: [
        ("/positions?{p}={v}", ("page", "q", "kind", "region", "major", "industry", "min_pay")),
        ("/positions?sort={v}", ()),
        ("/positions/{v}", ()),
    ],
    Role.regulator: [
        ("/regulator?{p}={v}", REPORT),
        ("/regulator/majors/{v}", ()),
        ("/regulator/what-if?major=410201&{p}={v}", ("year", "enrolment_change", "major")),
        ("/regulator/report.csv?{p}={v}", REPORT),
        ("/regulator/organizations?{p}={v}", ("page", "status", "kind", "q", "organization")),
        ("/regulator/organizations?done=verify&organization={v}", ()),
        ("/regulator/identity-changes?{p}={v}", ("page", "status", "done", "change")),
        ("/regulator/registry?{p}={v}", ("page", "status", "reviewed")),
        ("/regulator/lists?{p}={v}", ("kind", "year", "region", "version", "done")),
        ("/regulator/alliances?{p}={v}", ("year", "region")),
        ("/regulator/policy?{p}={v}", ("region", "saved")),
        ("/regulator/placement/{v}", ()),
        ("/regulator/placement/new?graduation_year={v}", ()),
        ("/regulator/findings?{p}={v}", ("page", "severity")),
    ],
    Role.enterprise: [
        ("/enterprise?{p}={v}", ("page", "status")),
        ("/enterprise/positions/{v}", ()),
    ],
    Role.school: [
        ("/school?saved={v}", ()),
        ("/school/programmes?{p}={v}", ("saved", "created", "page")),
        ("/school/programmes/{v}", ()),
        ("/school/students?page={v}", ()),
        ("/school/cohorts?{p}={v}", ("saved", "major", "year")),
    ],
    Role.student: [("/me?{p}={v}", ("page",))],
}


def test_junk_never_makes_a_server_error(client: TestClient, session: Session) -> None:
    organisations = {Role.enterprise: make_enterprise(session), Role.school: make_school(session)}
    failures = []
    for role, templates in PAGES.items():
        client.cookies.clear()
        if role is not None:
            username = f"junk_{role.value}"
            make_user(session, role, organisations.get(role), username=username)
            sign_in(client, username)
        for template, parameters in templates:
            for value in JUNK:
                for parameter in parameters or ("-",):
                    url = template.format(p=parameter, v=value)
                    response = client.get(url, follow_redirects=False)
                    if response.status_code >= 500 or "text/html" not in response.headers.get(
                        "content-type", "text/html"
                    ):
                        failures.append((url[:80], response.status_code))
    assert failures == []
