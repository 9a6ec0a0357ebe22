"""Clustering and topic-quality metrics.

Clustering against gold labels: NMI (arithmetic normalisation, as scikit-learn and the SCCL and
RSTC papers use), ARI and Hungarian-matched accuracy (the ACC of the short-text clustering
literature: the best one-to-one mapping of clusters to classes; unmatched clusters count as
errors). Unassigned units (-1) are kept as one more cluster, which is how BERTopic's outliers are
usually scored; :func:`clustering_scores` reports their share beside the scores.

Topic quality, as the BERTopic paper computed it with OCTIS: ``Coherence(texts=corpus,
topk=10, measure="c_npmi")`` is gensim's ``CoherenceModel`` with ``c_npmi``, that is

- probability estimation by a boolean sliding window of 10 tokens over each reference document
  (a document shorter than the window is one window; every window counts as a virtual document);
- for each topic, NPMI of every pair of its top-10 words,
  ``log((p(a,b) + 1e-12) / (p(a) p(b))) / -log(p(a,b) + 1e-12)``;
- the arithmetic mean over pairs, then over topics.

OCTIS's ``TopicDiversity(topk=10)`` is the share of unique words among the top-10 words of all
topics. Both are reimplemented here (OCTIS and gensim are not installed) and checked against
hand-computed values in ``tests/themes/test_metrics.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, confusion_matrix, normalized_mutual_info_score

EPSILON = 1e-12


def hungarian_accuracy(
    gold: Sequence[int] | np.ndarray, predicted: Sequence[int] | np.ndarray
) -> float:
    """Accuracy under the best one-to-one mapping of predicted clusters to gold classes."""
    gold_arr, pred_arr = np.asarray(gold), np.asarray(predicted)
    if gold_arr.size == 0:
        return 0.0
    _, gold_idx = np.unique(gold_arr, return_inverse=True)
    _, pred_idx = np.unique(pred_arr, return_inverse=True)
    table = confusion_matrix(gold_idx, pred_idx)
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / gold_arr.size)


def clustering_scores(
    gold: Sequence[int] | np.ndarray, predicted: Sequence[int] | np.ndarray
) -> dict:
    """NMI, ARI, ACC, number of clusters and unassigned share for one prediction."""
    pred_arr = np.asarray(predicted)
    return {
        "nmi": float(normalized_mutual_info_score(gold, pred_arr)),
        "ari": float(adjusted_rand_score(gold, pred_arr)),
        "acc": hungarian_accuracy(gold, pred_arr),
        "clusters": int(len(set(pred_arr.tolist()) - {-1})),
        "unassigned": float(np.mean(pred_arr == -1)) if pred_arr.size else 0.0,
    }


def topic_diversity(topics: Sequence[Sequence[str]], topk: int = 10) -> float:
    """OCTIS ``TopicDiversity``: unique words among the top-``topk`` words of all topics."""
    words = [word for topic in topics for word in list(topic)[:topk]]
    return len(set(words)) / len(words) if words else 0.0


class NpmiScorer:
    """gensim/OCTIS ``c_npmi`` over a fixed reference corpus (tokenised documents).

    The window counts are computed lazily for the words the scored topics use, so one scorer
    serves many topic sets on the same corpus.
    """

    def __init__(self, documents: Sequence[Sequence[str]], *, window_size: int = 10) -> None:
        """Keep the tokenised reference documents; windows are built on first use."""
        self.documents = [list(doc) for doc in documents]
        self.window_size = window_size
        self.vocabulary = {word for doc in self.documents for word in doc}
        self._windows: list[frozenset[str]] | None = None

    def _virtual_documents(self) -> list[frozenset[str]]:
        if self._windows is None:
            windows: list[frozenset[str]] = []
            size = self.window_size
            for doc in self.documents:
                if len(doc) < size:
                    windows.append(frozenset(doc))
                else:
                    windows.extend(frozenset(doc[i : i + size]) for i in range(len(doc) - size + 1))
            self._windows = windows
        return self._windows

    def _counts(self, words: set[str]) -> tuple[dict, dict, int]:
        single: dict[str, int] = dict.fromkeys(words, 0)
        pair: dict[frozenset[str], int] = {}
        windows = self._virtual_documents()
        for window in windows:
            present = sorted(words & window)
            for word in present:
                single[word] += 1
            for a, b in combinations(present, 2):
                key = frozenset((a, b))
                pair[key] = pair.get(key, 0) + 1
        return single, pair, len(windows)

    def score(self, topics: Sequence[Sequence[str]], topk: int = 10) -> float:
        """Mean NPMI of the topics' top-``topk`` words; words outside the corpus are skipped."""
        tops = [[w for w in topic if w in self.vocabulary][:topk] for topic in topics]
        tops = [top for top in tops if len(top) >= 2]
        if not tops:
            return float("nan")
        single, pair, total = self._counts({w for top in tops for w in top})
        per_topic = []
        for top in tops:
            values = []
            for a, b in combinations(top, 2):
                joint = pair.get(frozenset((a, b)), 0) / total + EPSILON
                marginal = (single[a] / total) * (single[b] / total)
                values.append(np.log(joint / marginal) / -np.log(joint))
            per_topic.append(float(np.mean(values)))
        return float(np.mean(per_topic))
