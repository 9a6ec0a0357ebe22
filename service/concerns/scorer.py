"""Concern scoring: the production :class:`ConcernScorer` (protocol in ``protocols``).

The production scorer is :class:`ConcernModel`, a scikit-learn estimator over a design matrix
of sentence embedding + cheap lexical features (:func:`design_matrix`), optionally extended by
the decision values of emotion heads trained on GoEmotions (:class:`EmotionHeads`). It has two
heads on the same inputs: a 4-level concern classifier (multinomial logistic regression) and a
sentiment regressor (ridge). Negativity is not worry: the sentiment head never feeds the level.

Models are saved with skops only and loaded with an explicit list of trusted types.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from service.concerns.features import (
    FEATURE_NAMES,
    FEATURE_NAMES_V2,
    lexical_features,
    lexical_features_v2,
)
from service.concerns.protocols import ConcernScorer as ConcernScorer  # re-exported
from service.concerns.schemas import WORRY_LEVEL, ConcernScore
from service.errors import InvalidInput, ModelUnavailable
from service.nlp.embeddings import MODEL_NAME, Embedder

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL_PATH = ROOT / "models" / "concerns" / "v2" / "model.skops"
FEATURE_SETS = {
    "v1": (FEATURE_NAMES, lexical_features),
    "v2": (FEATURE_NAMES_V2, lexical_features_v2),
}
"""Lexical feature set name -> (column names, function of the texts)."""
TRUSTED_TYPES: tuple[str, ...] = (
    "service.concerns.scorer.ConcernModel",
    "service.concerns.scorer.EmotionHeads",
)
"""The only types outside skops' defaults (scikit-learn, numpy) a model file may contain."""
ADDED_PARAMS: dict[str, object] = {
    "features": "v1",
    "thresholds": (0.5, 0.5, 0.5),
    "context_weight": 0.0,
}
"""Parameters added after v1 was saved, with the values that reproduce v1's behaviour."""


def design_matrix(
    embeddings: np.ndarray, texts: Sequence[str], *, features: str = "v1"
) -> np.ndarray:
    """The model input: embedding columns, then the lexical columns of feature set ``features``."""
    vectors = np.asarray(embeddings, dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts):
        raise InvalidInput(
            f"Expected one embedding row per text, got {vectors.shape} for {len(texts)} texts"
        )
    if features not in FEATURE_SETS:
        raise InvalidInput(f"Unknown lexical feature set {features!r}")
    return np.hstack([vectors, FEATURE_SETS[features][1](texts)])


def answer_context(
    embeddings: np.ndarray, texts: Sequence[str], answers: Sequence[Hashable]
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Each answer's context: mean unit embedding (re-normalised), joined text, unit -> answer.

    Returns ``(context_embeddings, context_texts, index)`` where ``index[i]`` is the row of unit
    ``i``'s answer. The analysis stores only unit embeddings, so the answer is never re-embedded.
    """
    if len(answers) != len(texts):
        raise InvalidInput(f"Got {len(answers)} answer keys for {len(texts)} texts")
    rows: dict[Hashable, int] = {}
    index = np.array([rows.setdefault(key, len(rows)) for key in answers], dtype=int)
    vectors = np.asarray(embeddings, dtype=np.float64)
    sums = np.zeros((len(rows), vectors.shape[1]))
    np.add.at(sums, index, vectors)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    joined: list[list[str]] = [[] for _ in rows]
    for text, row in zip(texts, index, strict=True):
        joined[row].append(text)
    return sums / np.maximum(norms, 1e-12), [" ".join(parts) for parts in joined], index


# scikit-learn ships no type information, so BaseEstimator is Any to mypy.
class EmotionHeads(BaseEstimator):  # type: ignore[misc]
    """One-vs-rest logistic regressions from embeddings to emotion labels (GoEmotions).

    Used as a fixed, pre-trained feature extractor by :class:`ConcernModel`: its decision values
    carry what 43k Reddit comments teach about nervousness, fear, sadness, anger and the rest.
    """

    def __init__(self, *, C: float = 1.0, max_iter: int = 2000) -> None:
        self.C = C
        self.max_iter = max_iter

    def fit(self, X: np.ndarray, Y: np.ndarray) -> EmotionHeads:  # noqa: N803 - sklearn names
        """Fit one binary head per column of the 0/1 label matrix ``Y``."""
        Y = np.asarray(Y)
        coefs, intercepts = [], []
        for column in range(Y.shape[1]):
            head = LogisticRegression(C=self.C, max_iter=self.max_iter).fit(X, Y[:, column])
            coefs.append(head.coef_[0])
            intercepts.append(head.intercept_[0])
        self.coef_ = np.asarray(coefs)
        self.intercept_ = np.asarray(intercepts)
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Logit of each emotion, shape ``(n, n_emotions)``."""
        check_is_fitted(self, "coef_")
        logits: np.ndarray = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        return logits


class ConcernModel(BaseEstimator):  # type: ignore[misc]  # BaseEstimator is Any (no sklearn types)
    """Concern level (0-3) and sentiment from :func:`design_matrix` rows.

    Args:
        C: Inverse regularisation of the level classifier.
        sentiment_alpha: Ridge penalty of the sentiment head.
        lexical_weight: Scale of the standardised lexical block against the embedding.
        emotion_weight: Scale of the standardised emotion block.
        emotion_heads: A fitted :class:`EmotionHeads` (or None); it is used as is, never refit.
        version: The artifact's versioned name.
        embedder_name: The embedding model the inputs must come from.
        max_iter: Iterations of the logistic regression solver.
        features: The lexical feature set of the inputs (:data:`FEATURE_SETS`).
        thresholds: Cut points on P(level >= 1), P(level >= 2), P(level >= 3): the level is the
            highest ``k`` whose probability reaches its cut point (0.5 each: the median level).
        context_weight: Share of a unit's level distribution taken from its whole answer when
            the scorer is told which answer each unit belongs to (0: the unit alone).
    """

    def __init__(
        self,
        *,
        C: float = 1.0,
        sentiment_alpha: float = 3.0,
        lexical_weight: float = 1.0,
        emotion_weight: float = 1.0,
        emotion_heads: EmotionHeads | None = None,
        version: str = "concerns.logreg.v1",
        embedder_name: str = MODEL_NAME,
        max_iter: int = 5000,
        features: str = "v1",
        thresholds: tuple[float, float, float] = (0.5, 0.5, 0.5),
        context_weight: float = 0.0,
    ) -> None:
        self.C = C
        self.sentiment_alpha = sentiment_alpha
        self.lexical_weight = lexical_weight
        self.emotion_weight = emotion_weight
        self.emotion_heads = emotion_heads
        self.version = version
        self.embedder_name = embedder_name
        self.max_iter = max_iter
        self.features = features
        self.thresholds = thresholds
        self.context_weight = context_weight

    def _blocks(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X = np.asarray(X, dtype=np.float64)
        n_lexical = len(FEATURE_SETS[self.features][0])
        return X[:, :-n_lexical], X[:, -n_lexical:]

    def _inputs(self, X: np.ndarray, *, fitting: bool = False) -> np.ndarray:
        embeddings, lexical = self._blocks(X)
        blocks = [embeddings]
        if fitting:
            self.lexical_scaler_ = StandardScaler().fit(lexical)
        weight = self.lexical_weight / np.sqrt(lexical.shape[1])
        blocks.append(weight * self.lexical_scaler_.transform(lexical))
        if self.emotion_heads is not None:
            emotions = self.emotion_heads.decision_function(embeddings)
            if fitting:
                self.emotion_scaler_ = StandardScaler().fit(emotions)
            weight = self.emotion_weight / np.sqrt(emotions.shape[1])
            blocks.append(weight * self.emotion_scaler_.transform(emotions))
        return np.hstack(blocks)

    def fit(
        self,
        X: np.ndarray,
        y: np.ndarray,
        *,
        sentiment: np.ndarray | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> ConcernModel:
        """Fit the level classifier on ``y`` (0-3) and, given ``sentiment``, the sentiment head.

        ``sentiment`` may hold NaN for rows without a sentiment label (public corpora): the
        sentiment head is fitted on the other rows only. ``sample_weight`` weighs rows of the
        level classifier (a corpus that is further from check-ins counts less).
        """
        y = np.asarray(y, dtype=int)
        if set(np.unique(y)) != {0, 1, 2, 3}:
            raise InvalidInput("Concern labels must cover the levels 0, 1, 2 and 3")
        inputs = self._inputs(X, fitting=True)
        self.classifier_ = LogisticRegression(C=self.C, max_iter=self.max_iter).fit(
            inputs, y, sample_weight=sample_weight
        )
        self.sentiment_head_ = None
        if sentiment is not None:
            sentiment = np.asarray(sentiment, dtype=np.float64)
            known = ~np.isnan(sentiment)
            self.sentiment_head_ = Ridge(alpha=self.sentiment_alpha).fit(
                inputs[known], sentiment[known]
            )
        self.classes_ = self.classifier_.classes_
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probability of each level, shape ``(n, 4)``."""
        check_is_fitted(self, "classifier_")
        probabilities: np.ndarray = self.classifier_.predict_proba(self._inputs(X))
        return probabilities

    def levels_from_proba(self, probabilities: np.ndarray) -> np.ndarray:
        """The highest level ``k`` with P(level >= k) at or above its cut point (else 0)."""
        at_least = 1.0 - np.cumsum(probabilities, axis=1)[:, :-1]
        reached = at_least >= np.asarray(self.thresholds)
        levels = np.zeros(len(probabilities), dtype=int)
        for level in (1, 2, 3):
            levels[reached[:, level - 1]] = level
        return levels

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The level of each row (see ``thresholds``)."""
        return self.levels_from_proba(self.predict_proba(X))

    def worry_probability(self, X: np.ndarray) -> np.ndarray:
        """P(level >= 2) for each row."""
        worry: np.ndarray = self.predict_proba(X)[:, WORRY_LEVEL:].sum(axis=1)
        return worry

    def predict_sentiment(self, X: np.ndarray) -> np.ndarray:
        """Sentiment in [-1, 1] (zeros when no sentiment head was trained)."""
        check_is_fitted(self, "classifier_")
        if self.sentiment_head_ is None:
            return np.zeros(np.asarray(X).shape[0])
        sentiment: np.ndarray = np.clip(self.sentiment_head_.predict(self._inputs(X)), -1.0, 1.0)
        return sentiment


class EmbeddingConcernScorer:
    """The production :class:`ConcernScorer`: an embedder and a fitted :class:`ConcernModel`."""

    def __init__(self, model: ConcernModel, embedder: Embedder) -> None:
        check_is_fitted(model, "classifier_")
        if not embedder.name.startswith(model.embedder_name):
            raise ModelUnavailable(
                f"The concern model {model.version} was trained on {model.embedder_name} "
                f"embeddings, not {embedder.name}",
                hint="Use the bundled all-MiniLM-L6-v2 embedder or retrain the concern model.",
            )
        self.model = model
        self.embedder = embedder
        self.name = model.version

    def score(
        self, texts: Sequence[str], *, answers: Sequence[Hashable] | None = None
    ) -> list[ConcernScore]:
        """Embed ``texts`` and score them (``answers``: see :meth:`score_embedded`)."""
        return self.score_embedded(texts, self.embedder.embed(list(texts)), answers=answers)

    def score_embedded(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        *,
        answers: Sequence[Hashable] | None = None,
    ) -> list[ConcernScore]:
        """Score texts whose embeddings are already known (the analysis job's cache).

        Args:
            texts: Units (sentences) or whole answers.
            embeddings: One row per text, from the model's embedder.
            answers: Optional key of the answer each unit belongs to (a response id). A unit is
                then read with its answer: its level distribution mixes in the answer's by the
                model's ``context_weight``, so a fragment ("Trying not to spiral.") inside a
                worried answer is scored as worry. Without keys each text stands alone.
        """
        return score_units(self.model, texts, embeddings, answers=answers)


def score_units(
    model: ConcernModel,
    texts: Sequence[str],
    embeddings: np.ndarray,
    *,
    answers: Sequence[Hashable] | None = None,
) -> list[ConcernScore]:
    """:meth:`EmbeddingConcernScorer.score_embedded` for a bare model (training, evaluation)."""
    if len(texts) == 0:
        return []
    X = design_matrix(embeddings, texts, features=model.features)
    probabilities = unit_probabilities(model, X, embeddings, texts, answers=answers)
    levels = model.levels_from_proba(probabilities)
    sentiment = model.predict_sentiment(X)
    return [
        ConcernScore(
            level=int(level),
            probability=float(probs[WORRY_LEVEL:].sum()),
            sentiment=float(value),
        )
        for level, probs, value in zip(levels, probabilities, sentiment, strict=True)
    ]


def unit_probabilities(
    model: ConcernModel,
    X: np.ndarray,  # noqa: N803
    embeddings: np.ndarray,
    texts: Sequence[str],
    *,
    answers: Sequence[Hashable] | None = None,
) -> np.ndarray:
    """Each unit's level distribution, mixed with its answer's by ``model.context_weight``.

    ``X`` is the units' :func:`design_matrix`. This is the part of :func:`score_units` that does
    not depend on the cut points, so training can try many cut points on one pass.
    """
    probabilities: np.ndarray = model.predict_proba(X)
    weight = float(model.context_weight)
    if answers is not None and weight > 0:
        context, joined, index = answer_context(embeddings, texts, answers)
        answer_probabilities = model.predict_proba(
            design_matrix(context, joined, features=model.features)
        )
        probabilities = (1 - weight) * probabilities + weight * answer_probabilities[index]
    return probabilities


def save_model(model: ConcernModel, path: Path) -> Path:
    """Write ``model`` with skops (never pickle)."""
    import skops.io as sio

    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)
    return path


def load_model(path: Path | None = None) -> ConcernModel:
    """Load a :class:`ConcernModel` from a skops file, refusing any type not trusted here."""
    import skops.io as sio

    path = Path(path or DEFAULT_MODEL_PATH)
    if not path.is_file():
        raise ModelUnavailable(
            f"No concern model at {path}", hint="python -m service.concerns.train_v2 retrains it."
        )
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises many types for a damaged file
        raise ModelUnavailable(f"{path} is not a readable skops file", detail=str(exc)) from exc
    refused = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if refused:
        raise ModelUnavailable(
            f"{path} contains types that are not trusted: {', '.join(refused)}",
            hint="Only models written by service.concerns.train can be loaded.",
        )
    model = sio.load(path, trusted=[t for t in untrusted if t in TRUSTED_TYPES])
    if not isinstance(model, ConcernModel):
        raise ModelUnavailable(f"{path} does not hold a ConcernModel")
    for name, default in ADDED_PARAMS.items():  # files written before the parameter existed
        if not hasattr(model, name):
            setattr(model, name, default)
    return model


def load_scorer(
    path: Path | None = None, *, embedder: Embedder | None = None
) -> EmbeddingConcernScorer:
    """The production scorer: the model at ``path`` (default: the shipped v2) and an embedder."""
    model = load_model(path)
    if embedder is None:
        from service.nlp.embeddings import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder()
    return EmbeddingConcernScorer(model, embedder)
