"""Pieces of the coding benchmark: notes files, answer alignment, baselines, a language flag.

The baselines run on whole-answer embeddings: one theme per question, k-means (scikit-learn) and
``BERTopic()`` with the bundled MiniLM as its embedding model. :func:`aligned` finds each coded
answer's themes in a :class:`~evaluation.production.ProductionRun`.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Sequence

import numpy as np

from evaluation.coding_metrics import coding_scores
from evaluation.production import ProductionRun

NOTE_DATE = "2026-01-05"


def notes_csv(texts: Sequence[str]) -> bytes:
    """Texts as a check-in notes file (one member and one note per row, one date)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["respondent", "date", "note"])
    for i, text in enumerate(texts, start=1):
        writer.writerow([f"r{i:05d}", NOTE_DATE, text])
    return buffer.getvalue().encode("utf-8")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def aligned(
    run: ProductionRun,
    keys: Sequence[tuple[str, int, str | None]],
    texts: Sequence[str],
    *,
    coded: bool = False,
) -> list[list[int]]:
    """Each answer's themes, found by (file, data row, question); checks the texts agree.

    ``coded``: the answer's codes (``answer_themes``: its question's own themes, several per
    answer) rather than its units' community-wide themes.
    ``question`` None (or not stored under that text) takes the row's only free-text answer.
    A missing answer (nothing stored: a blank) has no themes. The stored text is redacted, so
    a few differ; more than 10 % differing means the rows do not line up and stops the run.
    """
    found, same = [], 0
    for (filename, row, question), text in zip(keys, texts, strict=True):
        stored = run.answers.get((filename, row), {})
        answer = stored.get(question) if question else None
        if answer is None and len(stored) == 1:
            answer = next(iter(stored.values()))
        found.append(list(answer.coded if coded else answer.themes) if answer else [])
        same += bool(answer) and _normal(answer.text) == _normal(text)
    if same < 0.9 * len(keys):
        raise SystemExit(f"only {same} of {len(keys)} stored answers match the file's rows")
    return found


def kmeans(vectors: np.ndarray, k: int, seed: int) -> list[list[int]]:
    """k-means (scikit-learn) on the embeddings, one theme per answer."""
    from sklearn.cluster import KMeans

    k = max(1, min(k, len(vectors)))
    return [[int(x)] for x in KMeans(k, random_state=seed, n_init=10).fit_predict(vectors)]


def kmeans_per_group(
    vectors: np.ndarray, groups: Sequence[str], ks: dict[str, int], seed: int
) -> list[list[int]]:
    """k-means within each group (question) with that group's K; theme ids kept apart."""
    themes: list[list[int]] = [[] for _ in groups]
    offset = 0
    for group in sorted(set(groups)):
        rows = [i for i, g in enumerate(groups) if g == group]
        for row, theme in zip(rows, kmeans(vectors[rows], ks[group], seed), strict=True):
            themes[row] = [theme[0] + offset]
        offset += ks[group]
    return themes


def bertopic(texts: Sequence[str], vectors: np.ndarray, nr_topics: int | None = None) -> list:
    """``BERTopic()`` with the bundled MiniLM as its embedding model; outliers get no theme."""
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from service.nlp.embeddings import bundled_model_path

    encoder = SentenceTransformer(str(bundled_model_path()), device="cpu", local_files_only=True)
    model = BERTopic(embedding_model=encoder, nr_topics=nr_topics, verbose=False)
    topics, _ = model.fit_transform(list(texts), vectors)
    return [[int(t)] if t != -1 else [] for t in topics]


def score_methods(
    methods: dict[str, list[list[int]]], gold: Sequence[tuple[str, ...]], rows: Sequence[int]
) -> dict[str, dict]:
    """Coding scores of every method on the answers at ``rows`` (mapping learned on them)."""
    picked_gold = [gold[i] for i in rows]
    return {
        name: _rounded(coding_scores([themes[i] for i in rows], picked_gold))
        for name, themes in methods.items()
    }


def _rounded(scores: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()}


def baselines(
    texts: Sequence[str],
    vectors: np.ndarray,
    *,
    k_ours: int,
    k_codes: int,
    seed: int,
    groups: Sequence[str] | None = None,
) -> dict[str, list[list[int]]]:
    """The baselines of every dataset (one per question, k-means, BERTopic) on whole answers."""
    questions = sorted(set(groups)) if groups else ["all"]
    methods = {
        "one theme per question": [[questions.index(g)] for g in (groups or ["all"] * len(texts))],
        f"k-means, K = ours ({k_ours})": kmeans(vectors, k_ours, seed),
        f"k-means, K = codes ({k_codes})": kmeans(vectors, k_codes, seed),
    }
    started = time.perf_counter()
    methods["BERTopic default"] = bertopic(texts, vectors)
    methods[f"BERTopic, nr_topics = ours ({k_ours})"] = bertopic(texts, vectors, k_ours)
    print(f"  BERTopic twice: {time.perf_counter() - started:.1f} s", flush=True)
    return methods


FOREIGN_WORDS = frozenset(  # function words of the set's other languages (fr, es, pt, de)
    "le la les des du l j d qu un une et est pas rien pour avec dans sur au aux je mon très "
    "el los las del al y en que nos nadie ha por para con una muy mi se "
    "de o os e eu com um não da das dos como ao em ninguém "
    "der die das dass und ist nicht mit ich ein eine aus von beim zu dem".split()
)
ENGLISH_WORDS = frozenset("the and is are to of for with my i it we not on in".split())
ACCENTS = frozenset("éèêàâçãõñáíóúôüöäß")


def looks_non_english(text: str) -> bool:
    """A rough flag for the report's theme table: more foreign than English function words."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    foreign = sum(w in FOREIGN_WORDS for w in words) + any(c in ACCENTS for c in text.lower())
    english = sum(w in ENGLISH_WORDS for w in words)
    return foreign >= 1 and foreign > english
