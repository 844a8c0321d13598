from __future__ import annotations

import json
import subprocess
import sys
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


def test_the_plain_python_grams_are_scikit_learns_char_wb_grams() -> None:
    from rules.review import char_wb_grams, pipeline

    analyze = pipeline()[0].build_analyzer()
    texts = [row.text for row in read_corpus(CORPUS)] + ["  a  b ", "x", "招 2名\t女工 ", ""]
    for text in texts:
        assert char_wb_grams(text) == analyze(text)


def test_the_stored_weights_are_those_of_the_corpus_and_score_as_training_does() -> None:
    """``rules/review_weights.json`` is what scoring reads without scikit-learn; after the corpus
    changes, ``python -m rules.review`` writes it again (else this fails)."""
    from rules.review import WEIGHTS_FILE, ReviewModel, corpus_digest, load

    stored = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert stored["corpus_sha256"] == corpus_digest(CORPUS), "run: python -m rules.review"
    rows = read_corpus(CORPUS)
    trained = train([row.text for row in rows], [row.unfair for row in rows])
    texts = [row.text for row in rows] + ["负责设备操作与维护", "只招党员", ""]
    # Training's solver runs on the machine's BLAS: the same weights to ~1e-15, not to the bit
    # (a machine of another CPU differed in the 16th digit).
    expected = pytest.approx(trained.scores(texts), rel=1e-9, abs=1e-12)
    assert ReviewModel.from_weights(stored).scores(texts) == expected
    assert load(CORPUS).scores(texts) == expected


def test_scoring_with_the_stored_weights_imports_no_scikit_learn() -> None:
    code = (
        "import sys\n"
        "from service.positions import compliance\n"
        "assert compliance.review_model().scores(['只招男性'])[0] > 0.5\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_an_edited_corpus_is_trained_on_not_scored_with_stale_weights(tmp_path: Path) -> None:
    from rules.review import load

    corpus = tmp_path / "corpus.csv"
    corpus.write_text(
        CORPUS.read_text(encoding="utf-8") + "只招本地人，外地勿扰。,1,户籍歧视,只招本地人\n"
    )
    rows = read_corpus(corpus)
    trained = train([row.text for row in rows], [row.unfair for row in rows])
    assert load(corpus).scores(["只招本地人"]) == trained.scores(["只招本地人"])
