"""The catalogue API through real HTTP: search, detail, resolution of messy names, filters."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1/catalog"


def _codes(body: dict[str, Any]) -> list[str]:
    return [item["code"] for item in body["data"]]


# ------------------------------------------------------------------ majors: search


@pytest.mark.parametrize(
    ("params", "codes", "count"),
    [
        ({"q": "510203"}, ["510203"], 1),  # whole code
        ({"q": "5102", "page_size": 3}, ["510201", "510202", "510203"], 21),  # code prefix
        ({"q": "软件技术"}, ["510203", "510303"], 2),  # name part, exact name first
        ({"q": "rjjs"}, ["510203"], 1),  # pinyin initials
        ({"q": "RJJS"}, ["510203"], 1),
        # The exact name first, though 动物药学 has the lower code.
        ({"q": "药学", "level": "高职专科", "page_size": 3}, ["520301", "410302", "520410"], 6),
        ({"q": "幼师", "level": "高职专科"}, ["570102K"], 1),  # alias
        ({"q": "５１０２０３"}, ["510203"], 1),  # full-width digits
        ({"level": "职教本科", "class_code": "3102", "page_size": 2}, ["310201", "310202"], 16),
    ],
)
def test_search_majors(
    client: TestClient, params: dict[str, Any], codes: list[str], count: int
) -> None:
    response = client.get(f"{API}/majors", params=params)
    assert response.status_code == 200
    body = response.json()
    assert (_codes(body), body["count"]) == (codes, count)


def test_search_majors_pages_through_a_level(client: TestClient) -> None:
    pages = [
        client.get(f"{API}/majors", params={"level": "中职", "page": n, "page_size": 100}).json()
        for n in (1, 2, 3, 4)
    ]
    assert [len(page["data"]) for page in pages] == [100, 100, 100, 68]
    assert {page["count"] for page in pages} == {368}
    assert len({code for page in pages for code in _codes(page)}) == 368


def test_search_majors_treats_like_wildcards_as_text(client: TestClient) -> None:
    response = client.get(f"{API}/majors", params={"q": "%"})
    assert response.json() == {"data": [], "count": 0}


def test_a_bad_level_is_a_422_listing_the_levels(client: TestClient) -> None:
    response = client.get(f"{API}/majors", params={"level": "大专"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "专业层次取值无效：大专"
    assert response.json()["error"]["details"] == [
        {
            "field": "level",
            "message": "应为以下之一：中职、高职专科、职教本科",
            "allowed": ["中职", "高职专科", "职教本科"],
        }
    ]


# ------------------------------------------------------------------ majors: detail


def test_major_detail_has_aliases_terms_and_industries(client: TestClient) -> None:
    response = client.get(f"{API}/majors/530302")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["level"], body["class_name"]) == (
        "大数据与会计",
        "高职专科",
        "财务会计类",
    )
    assert [(a["alias"], a["kind"]) for a in body["aliases"]] == [("会计", "former_name")]
    assert sorted(body["terms"]) == ["certificate", "course", "occupation"]
    assert body["terms"]["occupation"] == ["会计", "审计及税务"]


def test_major_detail_says_how_it_serves_an_industry(client: TestClient) -> None:
    body = client.get(f"{API}/majors/510203").json()
    assert [(i["key"], i["category"], i["via"]) for i in body["priority_industries"]] == [
        ("new-generation-it", "新兴", "class")
    ]


def test_an_unknown_major_is_a_404(client: TestClient) -> None:
    response = client.get(f"{API}/majors/999999")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "专业代码 999999 不在目录中",
        "details": [],
    }


# ------------------------------------------------------------------ majors: resolution


@pytest.mark.parametrize(
    ("name", "level", "code", "method"),
    [
        ("５１０２０３", None, "510203", "code"),  # full-width code
        ("510203 软件技术", None, "510203", "code"),  # code followed by the name
        ("软件技术（移动应用开发方向）", "高职专科", "510203", "exact"),  # full-width brackets
        ("软件技术(移动应用开发方向)", "高职专科", "510203", "exact"),  # half-width brackets
        ("大  数据与会计 ", "高职专科", "530302", "exact"),  # spaces
        ("电子商务 专业", "中职", "730701", "exact"),  # trailing 专业
        ("物业管理", "高职专科", "440703", "alias"),  # former name (2015 catalogue)
        ("老年服务与管理", "高职专科", "590302", "alias"),  # former name
        ("电商", "高职专科", "530701", "alias"),  # abbreviation
        ("计算机", "中职", "710201", "alias"),  # abbreviation
        ("电子商物", "高职专科", "530701", "fuzzy"),  # homophone typo
        ("数控技术应用", "高职专科", "460103", "counterpart"),  # 中职 name, 高职专科 asked
        ("计算机应用", "高职专科", "510201", "counterpart"),
    ],
)
def test_resolve_messy_names(
    client: TestClient, name: str, level: str | None, code: str, method: str
) -> None:
    params = {"name": name} | ({"level": level} if level else {})
    response = client.get(f"{API}/majors/resolve", params=params)
    assert response.status_code == 200
    body = response.json()
    assert (body["input"], body["code"], body["method"]) == (name, code, method)


def test_resolve_below_the_cutoff_returns_candidates_only(client: TestClient) -> None:
    response = client.get(f"{API}/majors/resolve", params={"name": "护理学", "level": "高职专科"})
    assert response.json() == {
        "input": "护理学",
        "code": None,
        "name": None,
        "level": None,
        "score": 80.0,
        "method": None,
        "candidates": [{"code": "520201", "name": "护理", "level": "高职专科", "score": 80.0}],
    }


def test_resolve_a_name_of_several_levels_without_a_level(client: TestClient) -> None:
    body = client.get(f"{API}/majors/resolve", params={"name": "会计"}).json()
    assert body["code"] is None
    assert [(c["code"], c["score"]) for c in body["candidates"]] == [
        ("330302", 100.0),
        ("530302", 100.0),
        ("730301", 100.0),
    ]


def test_resolve_reports_the_winner_with_its_score(client: TestClient) -> None:
    body = client.get(f"{API}/majors/resolve", params={"name": "电子商物", "level": "中职"}).json()
    assert (body["code"], body["name"], body["level"], body["score"]) == (
        "730701",
        "电子商务",
        "中职",
        95.0,
    )
    assert body["candidates"][0] == {
        "code": "730701",
        "name": "电子商务",
        "level": "中职",
        "score": 95.0,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [({"name": "护理", "level": "本科"}, "level"), ({"name": " "}, "name"), ({}, "name")],
)
def test_resolve_refuses_bad_input(client: TestClient, params: dict[str, str], field: str) -> None:
    response = client.get(f"{API}/majors/resolve", params=params)
    assert response.status_code == 422
    assert [detail["field"] for detail in response.json()["error"]["details"]] == [field]


# ------------------------------------------------------------------ other catalogues


def test_search_industries(client: TestClient) -> None:
    body = client.get(f"{API}/industries", params={"q": "651"}).json()
    assert [(i["code"], i["level"], i["parent_code"]) for i in body["data"]] == [
        ("651", "中类", "65"),
        ("6511", "小类", "651"),
        ("6512", "小类", "651"),
        ("6513", "小类", "651"),
        ("6519", "小类", "651"),
    ]
    assert client.get(f"{API}/industries", params={"level": "门类"}).json()["count"] == 20


def test_search_occupations(client: TestClient) -> None:
    body = client.get(f"{API}/occupations", params={"q": "护理", "level": "小类"}).json()
    assert [(o["code"], o["name"]) for o in body["data"]] == [("2-05-08", "护理人员")]
    bad = client.get(f"{API}/occupations", params={"level": "门类"})
    assert bad.status_code == 422


def test_priority_industries_of_a_region(client: TestClient) -> None:
    national = client.get(f"{API}/priority-industries", params={"page_size": 100}).json()
    chongqing = client.get(
        f"{API}/priority-industries", params={"region": "500101", "page_size": 100}
    ).json()
    beijing = client.get(
        f"{API}/priority-industries", params={"region": "110000", "page_size": 100}
    ).json()
    assert (national["count"], chongqing["count"], beijing["count"]) == (44, 46, 44)
    own = [i["key"] for i in chongqing["data"] if i["region_code"] == "500000"]
    assert own == ["property-services-chongqing", "robotics-chongqing"]


def test_priority_industries_by_category(client: TestClient) -> None:
    body = client.get(f"{API}/priority-industries", params={"category": "改造升级"}).json()
    assert [i["key"] for i in body["data"]] == [
        "building-materials",
        "light-textile",
        "metallurgy",
        "traditional-pharma",
    ]
    assert body["data"][2]["source"] != ""


def test_priority_industries_of_an_unknown_region(client: TestClient) -> None:
    response = client.get(f"{API}/priority-industries", params={"region": "990000"})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "region", "message": "行政区划代码不在目录中"}
    ]


def test_regions_by_parent_level_and_name(client: TestClient) -> None:
    cities = client.get(f"{API}/regions", params={"parent": "500000"}).json()
    assert [(r["code"], r["name"]) for r in cities["data"]] == [
        ("500100", "市辖区"),
        ("500200", "县"),
    ]
    counties = client.get(f"{API}/regions", params={"parent": "500100", "page_size": 1}).json()
    assert (counties["count"], counties["data"][0]["province_code"]) == (26, "500000")
    named = client.get(f"{API}/regions", params={"q": "万州"}).json()
    assert _codes(named) == ["500101"]
    provinces = client.get(f"{API}/regions", params={"level": "province"}).json()
    assert provinces["count"] == 31
    assert client.get(f"{API}/regions", params={"level": "省"}).status_code == 422


def test_the_catalogue_is_public(client: TestClient) -> None:
    # No token: every catalogue route answers.
    for path in ("/majors", "/industries", "/occupations", "/priority-industries", "/regions"):
        assert client.get(f"{API}{path}").status_code == 200
