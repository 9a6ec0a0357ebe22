"""Corpora location: ``--corpora``, ``PEERPULSE_EVAL_CORPORA``, ../shared/corpora."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "evaluation" / "reports"


def corpora_dir(argument: str | None = None) -> Path:
    """Resolve the public corpora folder, with a clear message when it is absent."""
    candidates = [
        argument,
        os.environ.get("PEERPULSE_EVAL_CORPORA"),
        str(ROOT.parent / "shared" / "corpora"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    raise SystemExit(
        "The public evaluation corpora were not found. Pass --corpora PATH or set "
        "PEERPULSE_EVAL_CORPORA to the folder that holds stackoverflow/, dreaddit/, ... "
        f"(looked in: {', '.join(c for c in candidates if c)})."
    )


def project_corpus(name: str) -> Path:
    """A corpus this project wrote, under corpora/."""
    return ROOT / "corpora" / name


# ---------------------------------------------------------------- coding benchmark data

CODING_NOTE_COLUMN = "note"
CODING_ID_COLUMN = "Respondent ID"
CODING_QUESTIONS = {  # column of survey_export.csv (or checkins.csv): question_id in codes.csv
    "What is top of mind for you at work right now?": "top_of_mind",
    "What keeps you up at night?": "keeps_up",
    "What would you like the next session to cover?": "next_session",
    "What has helped you most in the group so far?": "helped",
    CODING_NOTE_COLUMN: "checkin",
}


@dataclass(frozen=True)
class CodedAnswer:
    """One hand-coded answer of ``corpora/coding``: where it sits, its text and its codes."""

    source: str  # survey_export.csv or checkins.csv
    row: int  # 1-based data row (header not counted)
    question_id: str
    text: str
    codes: tuple[str, ...]
    split: str  # "test" (odd Respondent ID number, odd note row) or "dev"


def load_coding_set(folder: Path | None = None) -> tuple[list[CodedAnswer], dict[str, dict]]:
    """The hand-coded answers and the codebook (``{question_id: {code: name}}``)."""
    folder = folder or project_corpus("coding")
    codebook: dict[str, dict] = {}
    for row in pd.read_csv(folder / "codebook.csv").itertuples():
        codebook.setdefault(row.question_id, {})[row.code] = row.name
    tables = {
        "survey_export.csv": pd.read_csv(folder / "survey_export.csv", dtype=str),
        "checkins.csv": pd.read_csv(folder / "checkins.csv", dtype=str),
    }
    columns = {qid: column for column, qid in CODING_QUESTIONS.items()}
    answers = []
    for row in pd.read_csv(folder / "codes.csv").itertuples():
        table = tables[row.source]
        record = table.iloc[row.row - 1]
        if row.source == "survey_export.csv":
            odd = int(str(record[CODING_ID_COLUMN]).rsplit("-", 1)[-1]) % 2 == 1
        else:
            odd = row.row % 2 == 1
        answers.append(
            CodedAnswer(
                source=row.source,
                row=int(row.row),
                question_id=row.question_id,
                text=str(record[columns[row.question_id]]),
                codes=tuple(row.codes.split("|")),
                split="test" if odd else "dev",
            )
        )
    return answers, codebook


def load_semeval_restaurants(corpora: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    """SemEval-2014 task 4 restaurants, test gold: sentences and their aspect categories."""
    path = corpora / "semeval2014_absa" / "Restaurants_Test_Gold.xml"
    if not path.is_file():
        raise SystemExit(f"{path} is missing; pass --corpora to the folder that holds it")
    texts, categories = [], []
    for sentence in ElementTree.parse(path).getroot().iter("sentence"):
        found = tuple(dict.fromkeys(c.get("category", "") for c in sentence.iter("aspectCategory")))
        if found:
            texts.append((sentence.findtext("text") or "").strip())
            categories.append(found)
    return texts, categories


def load_banking77(corpora: Path, *, sample: int, seed: int) -> tuple[list[str], list[str]]:
    """A stratified sample of Banking77's training queries (fixed seed) and their intents."""
    path = corpora / "banking77" / "train.csv"
    if not path.is_file():
        raise SystemExit(f"{path} is missing; pass --corpora to the folder that holds it")
    frame = pd.read_csv(path)
    if sample < len(frame):
        from sklearn.model_selection import train_test_split

        frame, _ = train_test_split(
            frame, train_size=sample, stratify=frame.category, random_state=seed
        )
        frame = frame.sort_index()
    return frame.text.astype(str).tolist(), frame.category.astype(str).tolist()
