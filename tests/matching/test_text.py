from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.text import char_ngrams, normalize_major_name, pinyin_initials, pinyin_syllables

# Characters that exercise every normalisation step, mixed with arbitrary text below.
_NOISY = st.sampled_from(
    list("软件技术专业方向（）()【】[]〔〕 　\t\nＡＢａb１2、&＆·・—－-《》“”")
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("软件技术", "软件技术"),
        ("软件技术专业", "软件技术"),
        ("软件技术方向", "软件技术"),
        ("软件技术专业方向", "软件技术"),
        ("软件技术（移动应用开发方向）", "软件技术"),
        ("软件技术(移动应用开发方向)", "软件技术"),
        ("软件技术【移动应用开发】专业", "软件技术"),
        ("软件技术(移动应用开发方向)专业", "软件技术"),
        ("软件技术（移动", "软件技术"),
        (" 软 件\u3000技术\t", "软件技术"),
        ("ＷＥＢ前端开发", "web前端开发"),
        ("会计、审计", "会计与审计"),
        ("大数据＆会计", "大数据与会计"),
        ("《电子商务》", "电子商务"),
        ("（软件技术）", "软件技术"),
        ("专业", "专业"),
        ("", ""),
    ],
)
def test_normalize_major_name(raw: str, expected: str) -> None:
    assert normalize_major_name(raw) == expected


def test_full_width_and_half_width_normalise_alike() -> None:
    assert normalize_major_name("３Ｄ打印技术（ＡＢＣ）") == normalize_major_name("3D打印技术(abc)")
    assert normalize_major_name("３Ｄ打印技术（ＡＢＣ）") == "3d打印技术"


@given(st.text(alphabet=_NOISY | st.characters(), max_size=40))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_major_name(text)
    assert normalize_major_name(once) == once


@given(st.text(alphabet=_NOISY, max_size=30))
def test_normalize_leaves_no_whitespace_or_brackets(text: str) -> None:
    result = normalize_major_name(text)
    assert not any(char.isspace() for char in result)
    assert not set(result) & set("()（）【】[]")


def test_char_ngrams() -> None:
    assert char_ngrams("软件技术") == ["软", "件", "技", "术", "软件", "件技", "技术"]
    assert char_ngrams("软件技术", n_min=2, n_max=3) == ["软件", "件技", "技术", "软件技", "件技术"]
    assert char_ngrams("软", n_min=2, n_max=2) == []


@pytest.mark.parametrize(("n_min", "n_max"), [(0, 2), (3, 2)])
def test_char_ngrams_rejects_bad_lengths(n_min: int, n_max: int) -> None:
    with pytest.raises(ValueError, match="n_min"):
        char_ngrams("软件", n_min=n_min, n_max=n_max)


def test_pinyin_initials() -> None:
    assert pinyin_initials("软件技术") == "rjjs"
    assert pinyin_initials("现代物流管理") == "xdwlgl"
    assert pinyin_initials("3D打印技术") == "3ddyjs"
    assert pinyin_initials("现代 物流") == "xdwl"


def test_pinyin_syllables() -> None:
    assert pinyin_syllables("电子商务") == ["dian", "zi", "shang", "wu"]
    assert pinyin_syllables("电子商物") == ["dian", "zi", "shang", "wu"]
