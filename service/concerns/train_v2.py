"""Retrain ``concerns.logreg.v2``: ``python -m service.concerns.train_v2 [--corpora DIR]``.

Data: the project's check-in corpus (train split) and the public corpora of
:mod:`service.concerns.sources` (RWWD, Dreaddit, GoEmotions, their training rows only), each
weighted by a per-corpus sample weight. Inputs: the MiniLM embedding, the v2 lexical features
(:data:`service.concerns.features.FEATURE_NAMES_V2`) and the GoEmotions emotion heads of
``concerns.logreg.v1`` (reused as a fixed feature extractor, not refitted).

Choices made on the blind check-in set's development split only (even ids): the corpus weights
and ``C`` (answer-level quadratic-weighted kappa), then the context weight and the three level
cut points. The blind test split is never read here. Every held-back split (own test, each public
corpus's held-back rows) is scored once at the end. Same data and seed give the same model.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from service.concerns.answers import Answers, agreement, answer_keys, answer_levels
from service.concerns.schemas import WORRY_LEVEL
from service.concerns.scorer import (
    ROOT,
    ConcernModel,
    EmotionHeads,
    design_matrix,
    save_model,
    score_units,
)
from service.concerns.sources import LOADERS, Source
from service.concerns.train import DEFAULT_CACHE, Checkins, EmbedFn, cached_embedder, corpus_digest
from service.errors import InvalidInput

VERSION = "concerns.logreg.v2"
DEFAULT_OUT = ROOT / "models" / "concerns" / "v2"
V1_MODEL = ROOT / "models" / "concerns" / "v1" / "model.skops"
FEATURES = "v2"
LEXICAL_WEIGHT = 2.0
GRID_C: tuple[float, ...] = (0.5, 1.0)
GRID_SOURCE_WEIGHTS: tuple[dict[str, float], ...] = (
    {},
    {"goemotions": 0.1},
    {"goemotions": 0.3},
    {"dreaddit": 0.1},
    {"dreaddit": 0.3},
    {"rwwd": 0.1},
    {"rwwd": 0.3},
    {"goemotions": 0.1, "dreaddit": 0.1, "rwwd": 0.1},
)
GRID_CONTEXT: tuple[float, ...] = (0.0, 0.25, 0.5)
GRID_CUTS: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6)
MIN_PRECISION = MIN_RECALL = 0.75


@dataclass(frozen=True)
class TrainingSet:
    """Design matrix, levels, sentiment (NaN where unknown) and sample weight."""

    X: np.ndarray
    y: np.ndarray
    sentiment: np.ndarray
    weight: np.ndarray


def assemble(
    own: tuple[np.ndarray, Checkins],
    sources: dict[str, tuple[np.ndarray, np.ndarray]],
    weights: dict[str, float],
) -> TrainingSet:
    """Own rows (weight 1) plus the weighted training rows of the public corpora named."""
    X_own, checkins = own  # noqa: N806
    blocks = [X_own]
    levels, sentiment = [checkins.levels], [checkins.sentiment]
    weight = [np.ones(len(checkins.levels))]
    for name, value in sorted(weights.items()):
        X_src, y_src = sources[name]  # noqa: N806
        blocks.append(X_src)
        levels.append(y_src)
        sentiment.append(np.full(len(y_src), np.nan))
        weight.append(np.full(len(y_src), value))
    return TrainingSet(
        np.vstack(blocks), np.concatenate(levels), np.concatenate(sentiment), np.concatenate(weight)
    )


def fit(data: TrainingSet, *, heads: EmotionHeads | None, C: float, **params: Any) -> ConcernModel:  # noqa: N803
    """A v2 :class:`ConcernModel` on ``data``."""
    model = ConcernModel(
        C=C,
        lexical_weight=LEXICAL_WEIGHT,
        emotion_heads=heads,
        version=VERSION,
        features=FEATURES,
        **params,
    )
    return model.fit(data.X, data.y, sentiment=data.sentiment, sample_weight=data.weight)


def dev_levels(
    model: ConcernModel, dev: Answers, embeddings: np.ndarray, *, with_answers: bool = True
) -> np.ndarray:
    """Answer levels of the dev split through the production scorer's code path."""
    keys = answer_keys(dev.owners) if with_answers else None
    scores = score_units(model, dev.units, embeddings, answers=keys)
    return answer_levels([s.level for s in scores], dev.owners, len(dev.ids))


def _objective(figures: dict[str, float]) -> tuple[bool, float]:
    meets = figures["precision"] >= MIN_PRECISION and figures["recall"] >= MIN_RECALL
    return meets, figures["kappa"]


def choose_cuts(
    model: ConcernModel, dev: Answers, embeddings: np.ndarray
) -> tuple[dict[str, Any], dict[str, float]]:
    """Context weight and cut points by dev kappa (preferring P and R >= 0.75 for level >= 2).

    The cut point of level 3 is never below level 2's, so level >= 2 exactly when P(level >= 2)
    reaches level 2's cut point (``ConcernScore.probability`` keeps its meaning).
    """
    best: tuple[tuple[bool, float], dict[str, Any], dict[str, float]] | None = None
    grid = [c for c in itertools.product(GRID_CUTS, repeat=3) if c[2] >= c[1]]
    for context, cuts in itertools.product(GRID_CONTEXT, grid):
        model.set_params(context_weight=context, thresholds=tuple(cuts))
        figures = agreement(dev.levels, dev_levels(model, dev, embeddings))
        key = _objective(figures)
        if best is None or key > best[0]:
            best = (key, {"context_weight": context, "thresholds": tuple(cuts)}, figures)
    if best is None:
        raise InvalidInput("The grid of cut points is empty")
    model.set_params(**best[1])
    return best[1], best[2]


def select(
    own: tuple[np.ndarray, Checkins],
    sources: dict[str, tuple[np.ndarray, np.ndarray]],
    *,
    heads: EmotionHeads | None,
    dev: Answers,
    dev_embeddings: np.ndarray,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Corpus weights and C by dev kappa at the default cuts; returns the best and the table."""
    table: list[dict[str, Any]] = []
    for weights, c in itertools.product(GRID_SOURCE_WEIGHTS, GRID_C):
        if not set(weights) <= set(sources):
            continue
        model = fit(assemble(own, sources, weights), heads=heads, C=c)
        figures = agreement(dev.levels, dev_levels(model, dev, dev_embeddings))
        table.append({"weights": weights, "C": c, **{k: round(v, 4) for k, v in figures.items()}})
    best = max(table, key=lambda row: row["kappa"])  # the first of equal scores
    return {"weights": best["weights"], "C": best["C"]}, table


def held_back(model: ConcernModel, X: np.ndarray, levels: np.ndarray) -> dict[str, Any]:  # noqa: N803
    """Macro-F1 over the levels present and F1 of level >= 2 on one held-back split."""
    predicted = model.predict(X)
    present = sorted(set(levels.tolist()))
    return {
        "n": int(len(levels)),
        "macro_f1": round(float(f1_score(levels, predicted, labels=present, average="macro")), 4),
        "worry_f1": round(float(f1_score(levels >= WORRY_LEVEL, predicted >= WORRY_LEVEL)), 4),
    }


def source_matrices(
    embed: EmbedFn, sources: dict[str, Source], *, features: str = FEATURES
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """``name -> (design matrix, levels)`` of each corpus's training rows, then held-back rows."""
    train, held = {}, {}
    for name, source in sources.items():
        vectors = embed(source.texts, f"src-{name}")
        X = design_matrix(vectors, source.texts, features=features)  # noqa: N806
        train[name] = (X[~source.held_back], source.levels[~source.held_back])
        held[name] = (X[source.held_back], source.levels[source.held_back])
    return train, held


def own_split(
    embed: EmbedFn, data: Checkins, split: str, *, features: str = FEATURES
) -> tuple[np.ndarray, Checkins]:
    """Design matrix and rows of one split of the own corpus."""
    part = data.subset(data.split == split)
    vectors = embed(part.texts, f"checkins-{split}")
    return design_matrix(vectors, part.texts, features=features), part


def train_v2(
    embed: EmbedFn,
    data: Checkins,
    sources: dict[str, Source],
    *,
    heads: EmotionHeads | None,
    dev: Answers,
    seed: int = 0,
) -> tuple[ConcernModel, dict[str, Any]]:
    """Choose on the blind dev split, fit, score every held-back split once."""
    own = own_split(embed, data, "train")
    train_parts, held_parts = source_matrices(embed, sources)
    dev_embeddings = embed(dev.units, "worry-checkins-dev-units")
    chosen, table = select(own, train_parts, heads=heads, dev=dev, dev_embeddings=dev_embeddings)
    model = fit(assemble(own, train_parts, chosen["weights"]), heads=heads, C=chosen["C"])
    default_cut = agreement(dev.levels, dev_levels(model, dev, dev_embeddings))
    cuts, dev_figures = choose_cuts(model, dev, dev_embeddings)
    without = agreement(dev.levels, dev_levels(model, dev, dev_embeddings, with_answers=False))
    X_test, test = own_split(embed, data, "test")  # noqa: N806
    metrics: dict[str, Any] = {
        "version": VERSION,
        "seed": seed,
        "params": {"C": chosen["C"], "lexical_weight": LEXICAL_WEIGHT, **cuts},
        "source_weights": chosen["weights"],
        "train": {"own": len(own[1].texts)}
        | {n: int(len(p[1])) for n, p in train_parts.items() if n in chosen["weights"]},
        "dev_grid": table,
        "dev": {
            "at_default_cuts": default_cut,
            "with_answers": dev_figures,
            "without_answers": without,
        },
        "held_back": {"own": held_back(model, X_test, test.levels)}
        | {
            name: held_back(model, X, y)
            for name, (X, y) in held_parts.items()  # noqa: N806
        },
    }
    return model, metrics


def main(argv: Sequence[str] | None = None) -> int:
    """Retrain and write model.skops, metrics.json and card.md into ``--out``."""
    from service.concerns.answers import load_blind
    from service.concerns.card import write_card
    from service.concerns.scorer import load_model
    from service.concerns.train import CHECKINS, load_checkins

    parser = argparse.ArgumentParser(
        prog="python -m service.concerns.train_v2", description=__doc__
    )
    parser.add_argument("--corpora", help="public corpora folder (rwwd/, dreaddit/, goemotions/)")
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="embedding cache folder")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from service.config import get_settings
    from service.nlp.embeddings import SentenceTransformerEmbedder
    from service.nlp.pipeline import load_sentence_splitter

    corpora = Path(
        args.corpora or os.environ.get("PEERPULSE_EVAL_CORPORA", ROOT.parent / "shared" / "corpora")
    )
    sources = {
        name: loader(corpora / name)
        for name, loader in LOADERS.items()
        if (corpora / name).is_dir()  # leave a corpus out by leaving its folder out
    }
    sys.stdout.write(f"public corpora: {', '.join(sources) or 'none'} (from {corpora})\n")
    embed = cached_embedder(SentenceTransformerEmbedder(), Path(args.cache))
    dev = load_blind("dev", load_sentence_splitter(get_settings().spacy_model))
    model, metrics = train_v2(
        embed, load_checkins(), sources, heads=load_model(V1_MODEL).emotion_heads, dev=dev
    )
    metrics["corpus_sha256"] = corpus_digest(CHECKINS)
    out = Path(args.out)
    save_model(model, out / "model.skops")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    write_card(out / "card.md", metrics)
    sys.stdout.write(f"wrote {out / 'model.skops'}: dev {metrics['dev']['with_answers']}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
