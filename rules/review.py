"""The second signal of the posting screen: a character n-gram classifier for human review.

The rules of `rules.screen` block what law and policy forbid, word by word. What they cannot
reach — a phrasing nobody wrote a rule for — this model may still recognise: it is trained on the
labelled corpus (``seed/data/screen_corpus.csv``), on the normalised text, and scores each sentence
of a posting. A high score never blocks by itself; it marks the posting 待人工复核 for the region's
regulator, with the score.

scikit-learn is imported when a model is trained, not when this module is imported. What a
trained model scores with (its n-grams' idf and weights, and the intercept) is stored beside this
module in ``review_weights.json``, with the SHA-256 of the corpus it was trained on: a process that
only scores (an import of 100 000 positions, the API) reads that file and never imports
scikit-learn (~140 MB and ~3 s). ``python -m rules.review`` writes it again after the corpus
changes; a test keeps it in step.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rules.screen import normalize_text

__all__ = [
    "REVIEW_THRESHOLD",
    "WEIGHTS_FILE",
    "CorpusRow",
    "ReviewModel",
    "corpus_digest",
    "read_corpus",
    "sentences",
    "train",
]

WEIGHTS_FILE = Path(__file__).with_name("review_weights.json")

REVIEW_THRESHOLD = 0.8
"""Scores at or above this mark a sentence for review (chosen on the cross-validated scores of
the corpus, see ``bench/bench_screen.py``)."""

_SENTENCE = re.compile(r"[^。！？；!?;\n]+")
_WHITE_SPACES = re.compile(r"\s\s+")
_NGRAM_RANGE = (1, 3)


@dataclass(frozen=True)
class CorpusRow:
    """One labelled phrasing: a posting sentence, whether it is unfair, its category (for a fair
    one, the category whose words it shares) and the phrase inside the sentence."""

    text: str
    unfair: bool
    category: str
    phrase: str


def read_corpus(path: Path) -> list[CorpusRow]:
    """The rows of a corpus CSV (columns text, unfair, category, phrase)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            CorpusRow(row["text"], row["unfair"] == "1", row["category"], row["phrase"])
            for row in csv.DictReader(handle)
        ]


def sentences(text: str) -> list[str]:
    """The sentences of a posting text (split at 。！？； and line ends), stripped, non-empty."""
    return [part.strip() for part in _SENTENCE.findall(text) if part.strip()]


def char_wb_grams(text: str) -> list[str]:
    """The character 1–3-grams of ``text`` inside word boundaries, as scikit-learn's
    ``TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))`` reads them (lower-cased; each
    word padded with a space; a word shorter than n counted once), without scikit-learn."""
    grams: list[str] = []
    low, high = _NGRAM_RANGE
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[:n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:
                break
    return grams


class ReviewModel:
    """TF-IDF over character 1–3-grams (``char_wb``) of the normalised text, then a balanced
    logistic regression. `score` is the probability that a text is unfair.

    Scoring does not go through scikit-learn (whose per-call overhead is ~1 ms, 30 s for an
    import of 30 000 rows): the fitted vocabulary, idf and coefficients are read out once and a
    text is scored in plain Python, the same figure as ``predict_proba`` (a test pins it).
    A model read from its stored weights (:meth:`from_weights`) has no pipeline.
    """

    def __init__(self, pipeline: Any) -> None:
        self._pipeline = pipeline
        vectorizer, regression = pipeline[0], pipeline[-1]
        vocabulary: dict[str, int] = vectorizer.vocabulary_
        idf = [float(v) for v in vectorizer.idf_]
        coef = [float(v) for v in regression.coef_[0]]
        # Per n-gram: (idf, idf × coefficient).
        self._weights = {gram: (idf[j], idf[j] * coef[j]) for gram, j in vocabulary.items()}
        self._intercept = float(regression.intercept_[0])

    @classmethod
    def from_weights(cls, weights: dict[str, Any]) -> ReviewModel:
        """The model of stored weights (:meth:`weights`), without scikit-learn."""
        model = cls.__new__(cls)
        model._pipeline = None
        model._weights = {gram: (idf, weighted) for gram, (idf, weighted) in weights["grams"]}
        model._intercept = float(weights["intercept"])
        return model

    def weights(self) -> dict[str, Any]:
        """What scoring reads, as JSON-ready data (floats round-trip exactly through JSON)."""
        grams = sorted([gram, list(pair)] for gram, pair in self._weights.items())
        return {"intercept": self._intercept, "grams": grams}

    def _score(self, normal: str) -> float:
        counts = Counter(char_wb_grams(normal))
        squares = dot = 0.0
        for gram, n in counts.items():
            found = self._weights.get(gram)
            if found is None:
                continue
            tf = 1.0 + math.log(n)  # sublinear_tf
            squares += (tf * found[0]) ** 2
            dot += tf * found[1]
        z = self._intercept + (dot / math.sqrt(squares) if squares else 0.0)
        return 1.0 / (1.0 + math.exp(-z))

    def scores(self, texts: Sequence[str]) -> list[float]:
        """The probability that each text is unfair."""
        return [self._score(normalize_text(text)) for text in texts]

    def scores_sklearn(self, texts: Sequence[str]) -> list[float]:
        """The same through scikit-learn's ``predict_proba`` (for the test that pins `scores`)."""
        normal = [normalize_text(text) for text in texts]
        return [float(p) for p in self._pipeline.predict_proba(normal)[:, 1]]

    def score(self, text: str) -> tuple[float, str]:
        """The highest sentence score of ``text``, and that sentence (0 and "" for no text)."""
        parts = sentences(text)
        if not parts:
            return 0.0, ""
        best = max(zip(self.scores(parts), parts, strict=True))
        return best[0], best[1]


def corpus_digest(path: Path) -> str:
    """The SHA-256 of a corpus file: stored weights belong to the corpus with this digest."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def trained_on(path: Path) -> ReviewModel:
    """A model trained on the corpus at ``path`` (imports scikit-learn)."""
    rows = read_corpus(path)
    return train([row.text for row in rows], [row.unfair for row in rows])


def load(corpus: Path, weights_file: Path = WEIGHTS_FILE) -> ReviewModel:
    """The model of ``corpus``: its stored weights when they were trained on this very corpus,
    else trained now (an edited corpus is never scored with stale weights)."""
    digest = corpus_digest(corpus)
    try:
        stored = json.loads(weights_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = None
    if stored is not None and stored.get("corpus_sha256") == digest:
        return ReviewModel.from_weights(stored)
    return trained_on(corpus)


def write_weights(corpus: Path, weights_file: Path = WEIGHTS_FILE) -> Path:
    """Train on ``corpus`` and store the weights with the corpus's digest."""
    data = {"corpus_sha256": corpus_digest(corpus), **trained_on(corpus).weights()}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    weights_file.write_text(text + "\n", encoding="utf-8")
    return weights_file


def pipeline() -> Any:
    """A fresh, untrained pipeline (for cross-validation)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
        # Weaker regularisation than C=10: cross-validated recall at 0.8 went from 0.30 to 0.47
        # (false alarms 1.4 % → 5.6 %); 1–4-grams and C=100 or 300 scored lower or alarmed
        # more (bench/README.md). The classes are balanced by weight.
        LogisticRegression(C=30.0, class_weight="balanced", max_iter=3000),
    )


def train(texts: Sequence[str], labels: Sequence[bool]) -> ReviewModel:
    """A model trained on ``texts`` (normalised here) labelled unfair or not."""
    model = pipeline()
    model.fit([normalize_text(text) for text in texts], [int(label) for label in labels])
    return ReviewModel(model)


if __name__ == "__main__":
    _corpus = Path(__file__).resolve().parents[1] / "seed" / "data" / "screen_corpus.csv"
    sys.stdout.write(f"{write_weights(_corpus)}\n")
