"""Metrics of the coding benchmark: themes held against a person's codes, answer by answer.

Each answer carries a set of themes (the themes of its units; several when its sentences land
in different themes) and a set of gold codes (1-3). A theme is mapped to the code that most of
its answers carry (*majority mapping*, ties to the alphabetically first code), so an answer's
predicted codes are the mapped codes of its themes; an answer with no theme predicts ``none``
(the codebooks' code for an answer without content). Micro-F1 counts true positives, false
positives and false negatives over all answers before dividing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence

NONE_CODE = "none"
WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday "
    "mon tue tues wed thu thur thurs fri sat sun".split()
)
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
Token = tuple[str, str, bool]  # text, coarse part of speech, is a stop word


def majority_mapping(
    theme_sets: Sequence[Iterable[Hashable]], gold: Sequence[Iterable[str]]
) -> dict[Hashable, str]:
    """Each theme's most frequent gold code over the answers that carry it."""
    counts: dict[Hashable, Counter] = defaultdict(Counter)
    for themes, codes in zip(theme_sets, gold, strict=True):
        for theme in set(themes):
            counts[theme].update(set(codes))
    return {
        theme: min(tally, key=lambda code: (-tally[code], code))
        for theme, tally in counts.items()
        if tally
    }


def mapped_codes(
    theme_sets: Sequence[Iterable[Hashable]],
    mapping: dict[Hashable, str],
    *,
    empty: str | None = NONE_CODE,
) -> list[frozenset[str]]:
    """Predicted code sets: the mapped codes of each answer's themes (``empty`` if it has none)."""
    predicted = []
    for themes in theme_sets:
        codes = frozenset(mapping[t] for t in themes if t in mapping)
        predicted.append(codes if codes or empty is None else frozenset({empty}))
    return predicted


def micro_f1(predicted: Sequence[Iterable[str]], gold: Sequence[Iterable[str]]) -> dict:
    """Micro-averaged precision, recall and F1 of predicted code sets against gold code sets."""
    tp = fp = fn = 0
    for guess, truth in zip(predicted, gold, strict=True):
        guess_set, truth_set = set(guess), set(truth)
        tp += len(guess_set & truth_set)
        fp += len(guess_set - truth_set)
        fn += len(truth_set - guess_set)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def coding_scores(theme_sets: Sequence[Iterable[Hashable]], gold: Sequence[Iterable[str]]) -> dict:
    """Majority mapping on these answers, then micro-F1, theme count and unassigned share."""
    theme_lists = [list(t) for t in theme_sets]
    mapping = majority_mapping(theme_lists, gold)
    predicted = mapped_codes(theme_lists, mapping)
    scores = micro_f1(predicted, gold)
    scores["themes"] = len({t for themes in theme_lists for t in themes})
    scores["unassigned"] = (
        sum(1 for t in theme_lists if not t) / len(theme_lists) if theme_lists else 0.0
    )
    scores["multi_theme"] = (
        sum(1 for t in theme_lists if len(set(t)) > 1) / len(theme_lists) if theme_lists else 0.0
    )
    return scores


def stability(
    first: Sequence[Iterable[Hashable]],
    second: Sequence[Iterable[Hashable]],
    gold: Sequence[Iterable[str]],
) -> float:
    """Share of answers whose mapped codes are the same in two runs (each mapped on its own)."""
    one = mapped_codes([list(t) for t in first], majority_mapping([list(t) for t in first], gold))
    two = mapped_codes([list(t) for t in second], majority_mapping([list(t) for t in second], gold))
    if not one:
        return 0.0
    return sum(a == b for a, b in zip(one, two, strict=True)) / len(one)


def primary_theme(themes: Sequence[Hashable], *, unassigned: Hashable = -1) -> Hashable:
    """The theme most of an answer's units carry (ties: the earliest unit's), for NMI."""
    if not themes:
        return unassigned
    counts = Counter(themes)
    best = max(counts.values())
    return next(t for t in themes if counts[t] == best)


def normalise_label(label: str) -> str:
    """Lower case, single spaces, no surrounding punctuation (for the duplicate check)."""
    return re.sub(r"\s+", " ", label.strip().lower()).strip(" .,;:-–—")


def label_problems(labels: Sequence[str], analyse: Callable[[str], list[Token]]) -> list[list[str]]:
    """The rule check of each label: a content word, not a lone function word, not repeated.

    ``analyse`` turns a label into tokens (text, coarse POS, stop word), e.g. with spaCy. A label
    fails "no content word" when no token is a noun, proper noun, verb or adjective that is not a
    stop word, a number or a weekday; "lone function word/number/weekday" when it is one such
    word alone; "duplicate" when another label in ``labels`` reads the same.
    """
    seen = Counter(normalise_label(label) for label in labels)
    problems = []
    for label in labels:
        tokens = [t for t in analyse(label) if any(ch.isalnum() for ch in t[0])]
        found = []
        content = [
            t
            for t in tokens
            if t[1] in CONTENT_POS
            and not t[2]
            and t[0].lower() not in WEEKDAYS
            and not any(ch.isdigit() for ch in t[0])
        ]
        if len(tokens) == 1 and not content:
            found.append("lone function word/number/weekday")
        elif not content:
            found.append("no content word")
        if seen[normalise_label(label)] > 1:
            found.append("duplicate")
        problems.append(found)
    return problems
