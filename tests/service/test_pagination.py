from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.pagination import MAX_PAGE, MAX_PAGE_SIZE


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": "9223372036854775808"}, "page", "应不大于1000"),
        ({"page": str(MAX_PAGE + 1)}, "page", "应不大于1000"),
        ({"page": "0"}, "page", "应不小于1"),
        ({"page_size": str(MAX_PAGE_SIZE + 1)}, "page_size", "应不大于100"),
        ({"page_size": "0"}, "page_size", "应不小于1"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/positions", "/api/v1/catalog/majors"])
def test_paging_past_its_bounds_is_a_422_naming_the_limit(
    client: TestClient, path: str, params: dict[str, str], field: str, message: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": field, "message": message, "type": response.json()["error"]["details"][0]["type"]}
    ]


def test_the_last_allowed_page_is_answered(client: TestClient) -> None:
    response = client.get(
        "/api/v1/catalog/majors", params={"page": MAX_PAGE, "page_size": MAX_PAGE_SIZE}
    )
    assert (response.status_code, response.json()) == (200, {"data": [], "count": 1486})
