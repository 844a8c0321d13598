"""Favourites and saved searches: students only, idempotent, hidden positions 404, marked when
closed; the daily digest notifies once per saved search with the positions new since its run."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import Notification, OrganizationStatus, PositionStatus, Role, SavedSearch
from models.base import utcnow
from service.favorites import operations as favorites
from tests.factories import auth_headers, make_enterprise, make_position, make_school, make_user

MAJOR = "460104"


def student(session: Session) -> dict[str, str]:
    return auth_headers(make_user(session, Role.student, make_school(session)))


def test_favourites_are_idempotent_and_marked_when_closed(
    client: TestClient, session: Session
) -> None:
    headers = student(session)
    enterprise = make_enterprise(session)
    kept = make_position(session, enterprise, title="数控车工")
    closing = make_position(session, enterprise, title="焊工")
    for position in (kept, closing, kept):
        added = client.put(f"/api/v1/favorites/{position.id}", headers=headers)
        assert added.status_code == 200
        assert added.json()["available"] is True
    closing.status = PositionStatus.closed
    session.add(closing)
    session.flush()
    listed = client.get("/api/v1/favorites", headers=headers).json()
    assert listed["count"] == 2
    marks = {
        row["position"]["title"]: (row["accepting_applications"], row["status_label"])
        for row in listed["data"]
    }
    assert marks == {"数控车工": (True, "招聘中"), "焊工": (False, "已关闭")}
    for _ in range(2):
        assert client.delete(f"/api/v1/favorites/{kept.id}", headers=headers).status_code == 204
    assert client.get("/api/v1/favorites", headers=headers).json()["count"] == 1


def test_a_position_the_student_may_not_see_is_not_found(
    client: TestClient, session: Session
) -> None:
    headers = student(session)
    draft = make_position(session, make_enterprise(session), status=PositionStatus.draft)
    assert client.put(f"/api/v1/favorites/{draft.id}", headers=headers).status_code == 404
    assert client.put(f"/api/v1/favorites/{uuid.uuid4()}", headers=headers).status_code == 404
    # Kept, then its enterprise suspended: still listed, without its content.
    enterprise = make_enterprise(session)
    position = make_position(session, enterprise)
    assert client.put(f"/api/v1/favorites/{position.id}", headers=headers).status_code == 200
    enterprise.status = OrganizationStatus.suspended
    session.add(enterprise)
    session.flush()
    [row] = client.get("/api/v1/favorites", headers=headers).json()["data"]
    assert (row["available"], row["position"], row["status_label"]) == (False, None, "岗位已下线")


def test_saved_searches_keep_the_search_parameters(client: TestClient, session: Session) -> None:
    headers = student(session)
    body = {"name": " 重庆实习 ", "search": {"q": "数控", "kind": "实习", "region": "500000"}}
    saved = client.post("/api/v1/saved-searches", json=body, headers=headers)
    assert saved.status_code == 201
    assert saved.json()["search"] == {"q": "数控", "kind": "internship", "region": "500000"}
    assert saved.json()["name"] == "重庆实习"
    assert saved.json()["query_string"] == "q=%E6%95%B0%E6%8E%A7&kind=internship&region=500000"
    again = client.post("/api/v1/saved-searches", json=body, headers=headers)
    assert again.status_code == 409
    bad = client.post(
        "/api/v1/saved-searches",
        json={"name": "x", "search": {"region": "12"}},
        headers=headers,
    )
    assert bad.status_code == 422
    listed = client.get("/api/v1/saved-searches", headers=headers).json()
    assert [row["name"] for row in listed["data"]] == ["重庆实习"]
    other = student(session)
    search_id = saved.json()["id"]
    assert client.delete(f"/api/v1/saved-searches/{search_id}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/saved-searches/{search_id}", headers=headers).status_code == 204
    assert client.get("/api/v1/saved-searches", headers=headers).json()["count"] == 0


def _digest(session: Session) -> int:
    return favorites.digest_run(session, favorites.digest_compute(session))


def test_the_digest_reports_new_matches_once_per_saved_search(
    client: TestClient, session: Session
) -> None:
    owner = make_user(session, Role.student, make_school(session))
    headers = auth_headers(owner)
    enterprise = make_enterprise(session)
    now = utcnow()
    make_position(session, enterprise, title="数控车工（旧）", published_at=now - timedelta(days=3))
    body: dict[str, Any] = {"name": "数控", "search": {"q": "数控"}}
    search_id = client.post("/api/v1/saved-searches", json=body, headers=headers).json()["id"]
    client.post(
        "/api/v1/saved-searches", json={"name": "护理", "search": {"q": "护理"}}, headers=headers
    )
    row = session.get(SavedSearch, uuid.UUID(search_id))
    assert row is not None
    # Run a day ago; since then two new matching positions and one that does not match.
    for saved in session.exec(select(SavedSearch).where(SavedSearch.user_id == owner.id)).all():
        saved.last_run_at = now - timedelta(days=1)
        session.add(saved)
    for title in ("数控车工", "数控铣工"):
        make_position(session, enterprise, title=title, published_at=now - timedelta(hours=2))
    make_position(session, enterprise, title="焊工", published_at=now - timedelta(hours=2))
    session.flush()
    assert _digest(session) == 1
    [notice] = session.exec(select(Notification).where(Notification.user_id == owner.id)).all()
    assert notice.kind == "saved_search_matches"
    assert notice.title == "保存的搜索“数控”有2个新岗位"
    assert sorted(notice.body.split("、")) == ["数控车工", "数控铣工"]
    # Run again the same day: nothing is due, nothing sent twice.
    assert _digest(session) == 0
    assert (
        len(
            session.exec(select(Notification.id).where(col(Notification.user_id) == owner.id)).all()
        )
        == 1
    )
