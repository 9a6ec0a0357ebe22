"""The Markdown report of the coding benchmark (``evaluation/reports/coding.md``)."""

from __future__ import annotations

from evaluation.coding_codebook import report_lines as codebook_lines
from evaluation.suites.themes import _table

OURS = "ours (production path)"
OURS_CODED = "ours, per question, several themes (production path)"


def _ours(scores: dict) -> str:
    """The answer coding the product gives: per question where the set has questions."""
    return OURS_CODED if OURS_CODED in scores else OURS


F1_TARGET, STABILITY_TARGET = 0.75, 0.90
LANGUAGE_SHARE = 0.3  # a theme this much not in English, where about 5 % of answers are not
TITLES = {
    "own": "Hand-coded set (`corpora/coding`)",
    "semeval": "SemEval-2014 restaurants, aspect categories (test gold)",
    "banking77": "Banking77",
}


def _best_baseline(scores: dict) -> tuple[str, float]:
    name = max((m for m in scores if not m.startswith("ours")), key=lambda m: scores[m]["f1"])
    return name, scores[name]["f1"]


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def targets(results: dict) -> list[str]:
    """One line per target of issue 18, item 9."""
    lines = []
    own = results.get("own")
    if own:
        method = _ours(own["scores"]["test"])
        f1 = own["scores"]["test"][method]["f1"]
        lines.append(
            f"- Own set, test split ({method}): F1 {f1:.3f} (target ≥ {F1_TARGET}) -> "
            f"{_mark(f1 >= F1_TARGET)}"
        )
    for name in ("own", "semeval", "banking77"):
        data = results.get(name)
        if not data:
            continue
        split = "test" if name == "own" else "all"
        scores = data["scores"][split]
        baseline, value = _best_baseline(scores)
        ours = scores[_ours(scores)]["f1"]
        lines.append(
            f"- {TITLES[name]}: F1 {ours:.3f} vs best baseline {baseline} {value:.3f} -> "
            f"{_mark(ours > value)}"
        )
        stable = data["stability"][_ours(data["stability"])]
        lines.append(
            f"- {TITLES[name]}: stability {stable:.3f} (target ≥ {STABILITY_TARGET}) -> "
            f"{_mark(stable >= STABILITY_TARGET)}"
        )
    bank = results.get("banking77")
    if bank and "nmi" in bank:
        ours, default = bank["nmi"][OURS], bank["nmi"]["BERTopic default"]
        lines.append(
            f"- Banking77 NMI, automatic K: {ours:.3f} vs BERTopic default {default:.3f} -> "
            f"{_mark(ours >= default)}"
        )
    return lines + [""]


def score_table(scores: dict) -> list[str]:
    """Method, themes, micro-F1, precision, recall, unassigned and multi-theme shares."""
    rows = [
        [m, s["themes"], s["f1"], s["precision"], s["recall"], s["unassigned"], s["multi_theme"]]
        for m, s in scores.items()
    ]
    return _table(
        ["method", "themes", "micro-F1", "precision", "recall", "unassigned", "several themes"],
        rows,
    )


def _themes_per_seed(results: dict) -> str:
    parts = [
        f"{TITLES[name].split(' (')[0].split(',')[0]} "
        f"{' and '.join(str(n) for n in results[name]['themes_per_seed'])} "
        f"({results[name]['k_codes']} gold codes or classes)"
        for name in ("own", "semeval", "banking77")
        if name in results
    ]
    return (
        "- **Number of themes with seed "
        + " and ".join(str(s) for s in results["setup"]["seeds"])
        + "**: "
        + "; ".join(parts)
        + "."
    )


def what_we_see(results: dict) -> list[str]:
    """Facts about today's themes on the own set, with labels and example answers."""
    own = results["own"]
    themes = own["themes"]
    lines = []
    # A theme with no answer of the set (a parent theme, say) is neither kind below.
    uncoded = [t for t in themes if t["answers"] and t["uncoded_columns"] * 2 >= t["answers"]]
    if uncoded:
        lines.append(
            f"- **Columns that are not open questions became themes**: {len(uncoded)} of "
            f"{len(themes)} themes hold mostly job titles or years in role: "
            + "; ".join(
                f"“{t['label']}” ({', '.join(_quote(e) for e in t['examples'][:2])})"
                for t in uncoded
            )
            + "."
        )
    foreign = [
        t for t in themes if t["answers"] and t["non_english"] >= LANGUAGE_SHARE * t["answers"]
    ]
    if foreign:
        lines.append(
            f"- **Language themes** (a word-list flag finds {own['non_english_flagged']} of the "
            "35 answers the set's README lists as not in English): "
            + "; ".join(
                f"“{t['label']}” ({t['non_english']} of {t['answers']} answers not in English)"
                for t in foreign
            )
            + "."
        )
    coded = [t for t in themes if t["purity"] is not None]
    if coded:
        largest = max(coded, key=lambda t: t["answers"] - t["uncoded_columns"])
        spread = ", ".join(f"{q} {n}" for q, n in largest["questions"].items())
        lines.append(
            f"- **Grab-bag**: the largest theme of coded answers, “{largest['label']}”, holds "
            f"{largest['answers']} answers from {len(largest['questions'])} questions ({spread}); "
            f"only {largest['purity']:.0%} of them carry its majority code "
            f"`{largest['majority_code']}`."
        )
        pooled = [t for t in coded if len(t["questions"]) >= 3]
        lines.append(
            f"- **Questions pooled**: {len(pooled)} of {len(coded)} themes with coded answers "
            "gather answers to three or more different questions."
        )
        impure = sorted(coded, key=lambda t: t["purity"])[:3]
        lines.append(
            "- **Least pure themes**: "
            + "; ".join(
                f"“{t['label']}” ({t['purity']:.0%} `{t['majority_code']}`, {t['answers']} answers)"
                for t in impure
            )
            + "."
        )
    failing = [r for r in own["labels"] if r["problems"]]
    if failing:
        lines.append(
            "- **Labels failing the rule check**: "
            + "; ".join(f"“{r['label']}” ({', '.join(r['problems'])})" for r in failing)
            + "."
        )
    lines.append(_themes_per_seed(results))
    scores = own["scores"]["test"][OURS]
    lines.append(
        f"- **Unassigned**: {scores['unassigned']:.1%} of test answers got no theme (they predict "
        f"`none`); {scores['multi_theme']:.1%} got more than one."
    )
    return lines + [""]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text[:60]}{'…' if len(text) > 60 else ''}”"


def theme_lines(own: dict) -> list[str]:
    """The own set's themes: size, uncoded answers, questions, majority code, language."""
    rows = [
        [
            t["label"],
            t["answers"],
            t["uncoded_columns"],
            len(t["questions"]),
            t["majority_code"],
            t["purity"],
            t["non_english"],
            _quote(t["examples"][0]) if t["examples"] else "",
        ]
        for t in own["themes"]
    ]
    return _table(
        [
            "theme label",
            "answers",
            "from uncoded columns",
            "questions",
            "majority code",
            "purity",
            "not English",
            "example unit",
        ],
        rows,
    )


def _label_summary(rows: list[dict]) -> str:
    if not rows:
        return "No labels."
    mean = sum(r["similarity"] for r in rows) / len(rows)
    failing = sum(1 for r in rows if r["problems"])
    return (
        f"{len(rows)} labels; mean similarity to the closest gold class name {mean:.3f}; "
        f"{failing} fail the rule check."
    )


def label_lines(data: dict) -> list[str]:
    """Every label with its closest gold class name and its rule check."""
    rows = [
        [
            r["label"],
            r["answers"],
            r["best_class"],
            r["similarity"],
            ", ".join(r["problems"]) or "ok",
        ]
        for r in data["labels"]
    ]
    return _table(["label", "answers", "closest gold class", "similarity", "rule check"], rows)


def dataset_lines(name: str, data: dict) -> list[str]:
    """The section of one dataset."""
    lines = [f"## {TITLES[name]}", ""]
    if name == "own":
        sizes = data["split_sizes"]
        lines += [
            f"{data['answers']} coded answers; test split {sizes['test']} (fixed, never tuned "
            f"on), dev split {sizes['dev']}. Our run made {data['themes_total']} themes, "
            f"{data['k_ours']} of them on coded answers (K = ours); the codebooks hold "
            f"{data['k_codes']} distinct codes (K = codes). Analysis seconds per seed: "
            f"{data['seconds']}.",
            "",
            "### Test split",
            "",
            *score_table(data["scores"]["test"]),
            "### Dev split",
            "",
            *score_table(data["scores"]["dev"]),
            "Ours by question (test split, the split's mapping):",
            "",
            *_table(
                ["question", "answers", "micro-F1"],
                [[q, v["answers"], v["f1"]] for q, v in data["by_question"].items()],
            ),
        ]
    else:
        lines += [
            f"{data['answers']} texts"
            + (f" ({data['sample']})" if "sample" in data else "")
            + f"; our run made {data['themes_total']} themes (K = ours {data['k_ours']}); "
            f"{data['k_codes']} gold classes (K = codes). Analysis seconds per seed: "
            f"{data['seconds']}.",
            "",
            *score_table(data["scores"]["all"]),
        ]
    if "nmi" in data:
        lines += [
            "NMI (each text's main theme: the theme most of its units carry; no theme counts "
            "as one more cluster):",
            "",
            *_table(["method", "NMI"], [[m, v] for m, v in data["nmi"].items()]),
        ]
    stable = "; ".join(f"{m} {v:.3f}" for m, v in data["stability"].items())
    lines += [f"Stability across the two seeds: {stable}.", ""]
    return lines


def render(results: dict) -> str:
    """The Markdown report."""
    setup = results["setup"]
    lines = [
        "# Coding: themes against human codes",
        "",
        f"Generated by `python -m evaluation coding` on {setup['date']} ({setup['machine']}, "
        f"Python {setup['python']}, BERTopic {setup['bertopic']}, scikit-learn "
        f"{setup['scikit_learn']}); seeds {setup['seeds'][0]} and {setup['seeds'][1]} "
        f"(`PEERPULSE_THEME_SEED`); {setup.get('total_minutes')} minutes in all (5-minute load "
        f"average {setup['load_average_start']} at the start, {setup.get('load_average_end')} "
        f"at the end, on a shared 2-core machine); code measured: {setup.get('code', '?')}.",
        "",
        "**Ours** is the production path: each dataset is imported into a throwaway SQLite "
        "database with the real importer (Google Forms export and check-in notes for the own "
        "set; the public texts as a check-in notes file, one member per text), analysed by the "
        "real `analysis` job (`peerpulse analyze`), and each answer's themes are read from the "
        "tables: the set of themes of its units. **Baselines** run on whole-answer "
        "all-MiniLM-L6-v2 embeddings of the same (redacted-as-stored) texts: one theme per "
        "question (on the public sets, which have one question, one theme for all); "
        "k-means (scikit-learn, n_init 10) with K = the number of themes ours put on "
        "these answers and with K = the number of codes (and, on the own set, per question "
        "with that question's codes); `BERTopic()` with the bundled MiniLM as its embedding "
        "model, as is and reduced to ours' K (`nr_topics`); BERTopic is unseeded, as users "
        "run it, so its figures move by a few hundredths from run to run; ours is deterministic "
        "for a seed. Banking77 is a stratified "
        f"sample of {setup['banking_sample']:,} training queries (seed 42) to keep the run "
        "short; embeddings are cached in `<data dir>/eval-cache` (a rerun takes about 7 "
        "minutes on 2 shared cores, a cold one about 16).",
        "",
        "**Micro-F1**: each theme is mapped to the code most of its answers carry (majority "
        "mapping, learned on the answers being scored), an answer's predicted codes are its "
        "themes' codes, and an answer with no theme predicts `none`; true and false positives "
        "and negatives are summed over answers. **Stability**: share of answers whose mapped "
        "codes are the same in the two seeds' runs. **Label check**: every label of ours, its "
        "cosine similarity (MiniLM) to the closest gold class name, and a rule check (a content "
        "word; not a lone function word, number or weekday; not a duplicate).",
        "",
        "## Targets (issue 18, item 9)",
        "",
        *targets(results),
    ]
    if "own" in results:
        lines += ["## What we see", "", *what_we_see(results)]
    for name in ("own", "semeval", "banking77"):
        if name in results:
            lines += dataset_lines(name, results[name])
    if "codebook" in results.get("own", {}):
        lines += codebook_lines(results["own"]["codebook"])
    if "own" in results:
        lines += ["## Our themes on the own set", "", *theme_lines(results["own"])]
    lines += ["## Label check", ""]
    for name in ("own", "semeval", "banking77"):
        if name in results:
            lines += [
                f"### {TITLES[name]}",
                "",
                _label_summary(results[name]["labels"]),
                "",
                *label_lines(results[name]),
            ]
    return "\n".join(lines) + "\n"
