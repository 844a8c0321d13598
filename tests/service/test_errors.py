from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from service.app import create_app
from service.errors import Conflict, Unavailable, field_detail


def _app_with(route_error: Exception) -> TestClient:
    app = create_app()

    @app.get("/probe")
    def probe() -> None:
        raise route_error

    return TestClient(app, raise_server_exceptions=False)


def test_a_lost_unique_race_is_a_409_not_a_500() -> None:
    error = IntegrityError("INSERT …", {}, Exception("duplicate key value"))
    response = _app_with(error).get("/probe")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "conflict",
            "message": "数据已被其他请求修改或已存在，请刷新后重试",
            "details": [],
        }
    }


def test_domain_errors_keep_their_status_and_details() -> None:
    error = Conflict("用户名已被使用", details=[field_detail("username", "用户名已被使用")])
    response = _app_with(error).get("/probe")
    assert response.status_code == 409
    assert response.json()["error"]["details"] == [
        {"field": "username", "message": "用户名已被使用"}
    ]


def test_an_unexpected_error_is_a_500_in_the_same_shape() -> None:
    response = _app_with(RuntimeError("boom")).get("/probe")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "服务器内部错误", "details": []}
    }


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (PoolTimeoutError("QueuePool limit of size 5 overflow 10 reached"), "database_busy"),
        (OperationalError("INSERT …", {}, Exception("database is locked")), "database_unavailable"),
        (
            DBAPIError(
                "SELECT 1",
                {},
                Exception("server closed the connection"),
                connection_invalidated=True,
            ),
            "database_unavailable",
        ),
        (Unavailable("服务繁忙，请稍后重试", code="overloaded"), "overloaded"),
    ],
)
def test_database_overload_and_disconnects_are_503s_with_retry_after(
    error: Exception, code: str
) -> None:
    response = _app_with(error).get("/probe")
    assert (response.status_code, response.headers["retry-after"]) == (503, "1")
    assert response.json()["error"]["code"] == code
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_other_database_errors_stay_500s() -> None:
    error = DBAPIError("SELECT nope", {}, Exception("syntax error"))
    response = _app_with(error).get("/probe")
    assert response.status_code == 500
    assert "retry-after" not in response.headers
