"""Theme coding against human codes: the production path and baselines, answer by answer.

``python -m evaluation coding [--corpora DIR] [--banking-sample N] [--seeds 42,7]`` writes
``evaluation/reports/coding.md`` and ``coding.json``. Three datasets:

- ``corpora/coding`` (hand-coded survey export and check-in notes, 1-3 codes per answer),
  scored on its fixed test split (odd Respondent IDs, odd note rows) and, apart, its dev split;
- SemEval-2014 restaurants (test gold), aspect categories (several per sentence);
- Banking77, a stratified sample of the training queries: NMI with automatic K.

Our system is the production path (:mod:`evaluation.production`): the files are imported with
the real importer and analysed by the real analysis job, then each answer's themes are read
from the ``units`` and ``themes`` tables. Baselines run on whole-answer MiniLM embeddings,
cached in ``<data dir>/eval-cache``. Metrics are in :mod:`evaluation.coding_metrics`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evaluation.coding_codebook import run_codebook
from evaluation.coding_methods import (
    FOREIGN_WORDS,
    aligned,
    baselines,
    kmeans,
    kmeans_per_group,
    looks_non_english,
    notes_csv,
    score_methods,
)
from evaluation.coding_metrics import (
    label_problems,
    majority_mapping,
    micro_f1,
    primary_theme,
    stability,
)
from evaluation.datasets import (
    CODING_QUESTIONS,
    REPORTS,
    CodedAnswer,
    corpora_dir,
    load_banking77,
    load_coding_set,
    load_semeval_restaurants,
    project_corpus,
)
from evaluation.production import ProductionPath, ProductionRun

NAME = "coding"
OURS = "ours (production path)"
OURS_CODED = "ours, per question, several themes (production path)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The suite's command-line options."""
    parser.add_argument("--corpora", help="folder of the public corpora (../shared/corpora)")
    parser.add_argument("--seeds", default="42,7", help="two PEERPULSE_THEME_SEED values")
    parser.add_argument("--banking-sample", type=int, default=3000, help="stratified sample")
    parser.add_argument("--datasets", default="own,semeval,banking77", help="comma-separated")
    parser.add_argument("--reports", default=str(REPORTS), help="output folder for reports")


# ---------------------------------------------------------------- shared pieces


class Tools:
    """Embedding cache, production path, spaCy tagger and the bundled encoder, made once."""

    def __init__(self, seeds: tuple[int, int]) -> None:
        """Prepare the offline environment and the caches (models load on first use)."""
        import tempfile

        from evaluation.suites.themes import EmbeddingCache, data_dir, prepare_environment

        prepare_environment()
        self.seeds = seeds
        self.cache = EmbeddingCache()
        self._scratch = tempfile.TemporaryDirectory(prefix="peerpulse-coding-")
        self.production = ProductionPath(Path(self._scratch.name), data_dir() / "eval-cache")
        self._tagger: Any = None

    def analyse(self, name: str, files: list[tuple[str, bytes, str]]) -> list[ProductionRun]:
        """Import once, analyse once per seed (each on a fresh copy of the imported database)."""
        base = self.production.ingest(name, files)
        runs = []
        for seed in self.seeds:
            run = self.production.analyse(base, seed)
            print(
                f"  {name} seed {seed}: {len(run.labels)} themes, {run.seconds:.1f} s", flush=True
            )
            runs.append(run)
        return runs

    def tokens(self, label: str) -> list[tuple[str, str, bool]]:
        """Text, coarse POS and stop-word flag of a label's tokens."""
        if self._tagger is None:
            from service.config import Settings
            from service.nlp.pipeline import keep_only, load_spacy

            self._tagger = load_spacy(
                Settings().spacy_model, exclude=keep_only(["tok2vec", "tagger", "attribute_ruler"])
            )
        return [
            (t.text, t.pos_, t.is_stop or t.lower_ in FOREIGN_WORDS) for t in self._tagger(label)
        ]

    def close(self) -> None:
        """Remove the throwaway databases."""
        self._scratch.cleanup()


def label_check(
    tools: Tools, labels: dict[int, str], sizes: Counter, classes: dict[str, str]
) -> list[dict]:
    """Every label: its best-matching gold class name by embedding similarity, and its rules."""
    ids = sorted(labels, key=lambda t: -sizes.get(t, 0))
    texts = [labels[t] for t in ids]
    if not texts:
        return []
    names = list(classes.values())
    label_vectors = tools.cache.embedder.embed(texts)
    class_vectors = tools.cache.embedder.embed(names)
    similarity = label_vectors @ class_vectors.T
    problems = label_problems(texts, tools.tokens)
    return [
        {
            "label": text,
            "answers": int(sizes.get(theme, 0)),
            "best_class": names[int(similarity[i].argmax())],
            "similarity": round(float(similarity[i].max()), 3),
            "problems": problems[i],
        }
        for i, (theme, text) in enumerate(zip(ids, texts, strict=True))
    ]


# ---------------------------------------------------------------- datasets


def own_set(tools: Tools) -> dict:
    """``corpora/coding``: production path, baselines, stability, theme table, labels."""
    folder = project_corpus("coding")
    answers, codebook = load_coding_set(folder)
    runs = tools.analyse(
        "coding",
        [
            ("survey_export.csv", (folder / "survey_export.csv").read_bytes(), "auto"),
            ("checkins.csv", (folder / "checkins.csv").read_bytes(), "checkins"),
        ],
    )
    columns = {qid: column for column, qid in CODING_QUESTIONS.items()}
    keys = [
        (a.source, a.row, columns[a.question_id] if a.source == "survey_export.csv" else None)
        for a in answers
    ]
    texts = [a.text for a in answers]
    ours = [aligned(run, keys, texts) for run in runs]
    ours_coded = [aligned(run, keys, texts, coded=True) for run in runs]
    gold = [a.codes for a in answers]
    k_ours = len({t for themes in ours[0] for t in themes})
    k_codes = len({code for codes in codebook.values() for code in codes})
    vectors = tools.cache.embed("coding-answers", texts)
    groups = [a.question_id for a in answers]
    methods = {OURS: ours[0], OURS_CODED: ours_coded[0]}
    methods |= baselines(
        texts, vectors, k_ours=k_ours, k_codes=k_codes, seed=tools.seeds[0], groups=groups
    )
    ks = {qid: len(codes) for qid, codes in codebook.items()}
    methods["k-means per question, K = its codes"] = kmeans_per_group(
        vectors, groups, ks, tools.seeds[0]
    )
    splits = {s: [i for i, a in enumerate(answers) if a.split == s] for s in ("test", "dev")}
    test = splits["test"]
    second_kmeans = kmeans(vectors, k_ours, tools.seeds[1])
    return {
        "answers": len(answers),
        "split_sizes": {s: len(rows) for s, rows in splits.items()},
        "non_english_flagged": sum(looks_non_english(text) for text in texts),
        "k_ours": k_ours,
        "themes_total": len(runs[0].labels),
        "k_codes": k_codes,
        "seconds": [round(run.seconds, 1) for run in runs],
        "themes_per_seed": [len(run.labels) for run in runs],
        "scores": {s: score_methods(methods, gold, rows) for s, rows in splits.items()},
        "by_question": _by_question(ours[0], answers, test),
        "stability": {
            OURS: round(stability(*(_pick(o, test) for o in ours), _pick(gold, test)), 4),
            OURS_CODED: round(
                stability(*(_pick(o, test) for o in ours_coded), _pick(gold, test)), 4
            ),
            f"k-means, K = ours ({k_ours})": round(
                stability(
                    _pick(methods[f"k-means, K = ours ({k_ours})"], test),
                    _pick(second_kmeans, test),
                    _pick(gold, test),
                ),
                4,
            ),
        },
        "themes": _theme_table(runs[0], answers, ours[0]),
        "labels": label_check(
            tools,
            runs[0].labels,
            _sizes(ours[0]),
            {f"{q}/{c}": name for q, codes in codebook.items() for c, name in codes.items()},
        ),
        "codebook": run_codebook(answers, folder, tools.cache.embed, ours_coded[0]),
    }


def _pick(values: Sequence, rows: Sequence[int]) -> list:
    return [values[i] for i in rows]


def _sizes(theme_sets: Sequence[Sequence[int]]) -> Counter:
    return Counter(t for themes in theme_sets for t in set(themes))


def _by_question(ours: list[list[int]], answers: list[CodedAnswer], rows: list[int]) -> dict:
    """Our micro-F1 per question on the test split (mapping learned on the whole split)."""
    from evaluation.coding_metrics import mapped_codes

    gold = [answers[i].codes for i in rows]
    predicted = mapped_codes(_pick(ours, rows), majority_mapping(_pick(ours, rows), gold))
    result = {}
    for question in CODING_QUESTIONS.values():
        picked = [j for j, i in enumerate(rows) if answers[i].question_id == question]
        scores = micro_f1(_pick(predicted, picked), _pick(gold, picked))
        result[question] = {"answers": len(picked), "f1": round(scores["f1"], 4)}
    return result


def _theme_table(run: ProductionRun, answers: list[CodedAnswer], ours: list[list[int]]) -> list:
    """Per theme: where its answers come from, its majority code and purity, its language."""
    coded = {(a.source, a.row, a.question_id): i for i, a in enumerate(answers)}
    qid = dict(CODING_QUESTIONS)
    rows = []
    for theme, label in run.labels.items():
        holders = []  # (question id or column, coded answer index or None, text)
        examples = []
        for (filename, row), by_question in run.answers.items():
            for question, stored in by_question.items():
                if theme in stored.themes:
                    key = qid.get(question, "checkin" if filename == "checkins.csv" else question)
                    holders.append((key, coded.get((filename, row, key)), stored.text))
                    examples += [text for t, text in stored.pieces if t == theme][:1]
        codes = Counter(c for _, i, _ in holders if i is not None for c in answers[i].codes)
        top, count = codes.most_common(1)[0] if codes else ("–", 0)
        with_codes = sum(1 for _, i, _ in holders if i is not None)
        sources = Counter(q for q, _, _ in holders)
        rows.append(
            {
                "label": label,
                "answers": len(holders),
                "uncoded_columns": sum(1 for _, i, _ in holders if i is None),
                "questions": dict(sources.most_common()),
                "majority_code": top,
                "purity": round(count / with_codes, 3) if with_codes else None,
                "non_english": sum(looks_non_english(text) for _, _, text in holders),
                "examples": examples[:3],
            }
        )
    return sorted(rows, key=lambda r: -r["answers"])


def public_set(
    tools: Tools,
    name: str,
    texts: list[str],
    gold: list[tuple[str, ...]],
    classes: dict[str, str],
) -> dict:
    """A public dataset through the production path (as check-in notes) and the baselines."""
    runs = tools.analyse(name, [(f"{name}.csv", notes_csv(texts), "checkins")])
    keys = [(f"{name}.csv", i, None) for i in range(1, len(texts) + 1)]
    ours = [aligned(run, keys, texts) for run in runs]
    k_ours = len({t for themes in ours[0] for t in themes})
    vectors = tools.cache.embed(f"coding-{name}", texts)
    methods = {OURS: ours[0]}
    methods |= baselines(texts, vectors, k_ours=k_ours, k_codes=len(classes), seed=tools.seeds[0])
    every = list(range(len(texts)))
    result = {
        "answers": len(texts),
        "k_ours": k_ours,
        "themes_total": len(runs[0].labels),
        "k_codes": len(classes),
        "seconds": [round(run.seconds, 1) for run in runs],
        "themes_per_seed": [len(run.labels) for run in runs],
        "scores": {"all": score_methods(methods, gold, every)},
        "stability": {OURS: round(stability(ours[0], ours[1], gold), 4)},
        "labels": label_check(tools, runs[0].labels, _sizes(ours[0]), classes),
    }
    if all(len(g) == 1 for g in gold):
        from sklearn.metrics import normalized_mutual_info_score

        truth = [g[0] for g in gold]
        result["nmi"] = {
            method: round(
                float(normalized_mutual_info_score(truth, [primary_theme(t) for t in themes])), 4
            )
            for method, themes in methods.items()
        }
        result["nmi"][f"{OURS}, seed {tools.seeds[1]}"] = round(
            float(normalized_mutual_info_score(truth, [primary_theme(t) for t in ours[1]])), 4
        )
    return result


def semeval(tools: Tools, corpora: Path) -> dict:
    """SemEval-2014 restaurants, test gold: 800 sentences, 5 aspect categories."""
    texts, gold = load_semeval_restaurants(corpora)
    classes = {c: c.replace("/", " and ") for c in sorted({c for g in gold for c in g})}
    return public_set(tools, "semeval_restaurants", texts, gold, classes)


def banking(tools: Tools, corpora: Path, sample: int) -> dict:
    """Banking77: a stratified sample of the training queries, 77 intents."""
    texts, intents = load_banking77(corpora, sample=sample, seed=tools.seeds[0])
    classes = {c: c.replace("_", " ") for c in sorted(set(intents))}
    result = public_set(tools, "banking77", texts, [(i,) for i in intents], classes)
    result["sample"] = f"{len(texts)} of the training queries, stratified by intent, seed 42"
    return result


# ---------------------------------------------------------------- run


RUNNERS: dict[str, Callable[[Tools, argparse.Namespace], dict]] = {
    "own": lambda tools, args: own_set(tools),
    "semeval": lambda tools, args: semeval(tools, corpora_dir(args.corpora)),
    "banking77": lambda tools, args: banking(tools, corpora_dir(args.corpora), args.banking_sample),
}


def run(args: argparse.Namespace) -> Path:
    """Run the suite and return the report path."""
    from evaluation.coding_report import render

    seeds = tuple(int(s) for s in args.seeds.split(","))
    if len(seeds) != 2:
        raise SystemExit("--seeds takes two seeds, e.g. 42,7")
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    unknown = sorted(set(names) - set(RUNNERS))
    if unknown:
        raise SystemExit(f"unknown datasets {unknown}; choose from {', '.join(RUNNERS)}")
    started = time.perf_counter()
    tools = Tools(seeds)  # type: ignore[arg-type]
    results: dict[str, Any] = {"setup": _setup(args, seeds)}
    try:
        for name in names:
            print(f"{name}:", flush=True)
            results[name] = RUNNERS[name](tools, args)
    finally:
        tools.close()
    results["setup"]["total_minutes"] = round((time.perf_counter() - started) / 60, 1)
    results["setup"]["load_average_end"] = round(os.getloadavg()[1], 2)
    folder = Path(args.reports)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "coding.json").write_text(json.dumps(results, indent=2, default=float) + "\n")
    report = folder / "coding.md"
    report.write_text(render(results))
    return report


def _setup(args: argparse.Namespace, seeds: tuple[int, ...]) -> dict:
    import bertopic
    import sklearn

    return {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "bertopic": bertopic.__version__,
        "scikit_learn": sklearn.__version__,
        "seeds": list(seeds),
        "banking_sample": args.banking_sample,
        "load_average_start": round(os.getloadavg()[1], 2),
        "code": _code_state(),
    }


def _code_state() -> str:
    """The commit measured, and how many files under service/ differ from it (work in progress)."""
    import subprocess

    from evaluation.datasets import ROOT

    def git(*arguments: str) -> str:
        done = subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = [line for line in git("status", "--porcelain", "service").splitlines() if line]
    return f"commit {commit}" + (
        f" with {len(changed)} uncommitted files under service/" if changed else ""
    )
