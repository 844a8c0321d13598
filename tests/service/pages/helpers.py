"""Signing in and sending forms the way a browser does: the CSRF token comes from the page."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match is not None, "the page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": ""},
        follow_redirects=False,
    )


def post_form(
    client: TestClient, page: str, action: str, data: dict[str, Any], **kwargs: Any
) -> Any:
    """GET ``page`` for its token, then POST ``data`` to ``action`` as its form would."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)
