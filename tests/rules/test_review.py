from __future__ import annotations

from pathlib import Path

import pytest

from rules.review import read_corpus, sentences, train

CORPUS = Path(__file__).resolve().parents[2] / "seed" / "data" / "screen_corpus.csv"


def test_the_corpus_holds_at_least_200_unfair_and_200_fair_phrasings_of_every_category() -> None:
    rows = read_corpus(CORPUS)
    unfair = [row for row in rows if row.unfair]
    fair = [row for row in rows if not row.unfair and row.category != "一般描述"]
    assert len(unfair) >= 200
    assert len(fair) >= 200
    assert len({row.phrase for row in rows}) == len(rows)
    assert {row.category for row in unfair} == {
        "学历歧视",
        "性别歧视",
        "婚育歧视",
        "户籍歧视",
        "民族、宗教歧视",
        "健康歧视",
        "残疾歧视",
        "年龄限制",
        "童工年龄",
        "外貌要求",
        "违规收费",
    }
    # Sentences of postings, not bare terms.
    assert all(len(row.text) > len(row.phrase) + 4 for row in rows)


def test_plain_python_scores_equal_scikit_learns() -> None:
    rows = read_corpus(CORPUS)
    model = train([row.text for row in rows], [row.unfair for row in rows])
    texts = [row.text for row in rows[::7]] + ["负责设备操作与维护", "只招党员", ""]
    assert model.scores(texts) == pytest.approx(model.scores_sklearn(texts), abs=1e-9)


def test_sentences() -> None:
    assert sentences("负责装配。限男性；\n 包吃住！") == ["负责装配", "限男性", "包吃住"]
