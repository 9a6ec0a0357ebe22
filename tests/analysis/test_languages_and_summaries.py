"""A real analysis of a small community: answers in another language stay out of the themes and
are counted apart; each theme's summary cites answers the theme holds; a fragment takes its
answer's theme; every answer is coded to the themes of its sentences, with evidence."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import Engine, select

from service.analysis.stages import run_analysis
from service.config import Settings
from service.intake import run_import
from service.jobs import store
from service.modelstore import ModelStore
from service.storage import db
from service.storage.tables import Answer, AnswerTheme, Unit
from service.themes.fragments import is_fragment

ENGLISH = [
    "The new expense tool keeps rejecting my receipts and nobody knows why.",
    "Expense claims take forever since the new system went live.",
    "I spent two hours fixing expense reports in the new tool this week.",
    "Receipts keep disappearing from the expense system after I upload them.",
    "Travel bookings clash with the board calendar again and again.",
    "Double bookings in my executive's calendar are eating my mornings.",
    "Calendar conflicts with the leadership offsite are a nightmare to untangle.",
    "Rescheduling the board meeting for the third time this month.",
    "Worried the restructure will cut admin roles in our division.",
    "Nobody has told us whether our jobs survive the reorganisation.",
    "The reorg announcement left the whole team anxious about redundancies.",
    "Waiting to hear if my role is in the new structure keeps me up at night.",
    "Still no word on which admin roles survive the restructure. Not great. Trying not to spiral.",
    "The expense system lost my receipts again this morning. Typical.",
]
FRENCH = [
    "Je n'arrive plus à suivre les réunions du comité de direction cette semaine.",
    "Le nouveau logiciel de notes de frais est vraiment compliqué pour toute l'équipe.",
    "Nous attendons toujours des nouvelles sur la réorganisation du service administratif.",
    "Les réservations de salles se chevauchent encore avec le conseil d'administration.",
    "Je suis inquiète pour mon poste depuis l'annonce de la restructuration.",
    "La machine à café est en panne depuis lundi et personne ne la répare.",
]
QUESTION = "What's top of mind for you this week?"


def _export() -> bytes:
    """A Google Forms export: one answer per member, two weeks."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Timestamp", "Email Address", QUESTION])
    for i, text in enumerate([*ENGLISH, *ENGLISH, *FRENCH]):
        day = 7 + (i % 2) * 7
        writer.writerow([f"9/{day}/2026 10:{i % 60:02d}:00", f"m{i}@example.org", text])
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def analysed(
    tmp_path_factory: pytest.TempPathFactory, models: ModelStore
) -> tuple[Engine, dict[str, Any]]:
    path = tmp_path_factory.mktemp("languages")
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{path / 'peerpulse.db'}",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        data_dir=path,
    )
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    run_import(
        engine,
        settings,
        slug="circle",
        data=_export(),
        filename="google_forms.csv",
        format_name="auto",
        mapping=None,
        create_community=True,
        redactor=models.redactor,
    )
    with db.transaction(engine) as session:
        community_id = session.scalar(select(Answer.community_id).limit(1))
    assert community_id is not None
    job_id, _ = store.create(engine, community_id, "analysis")
    result = run_analysis(engine, models, settings, store.get(engine, job_id), lambda f, m: None)
    return engine, result


def test_answers_in_another_language_are_counted_apart_and_never_themed(
    analysed: tuple[Engine, dict[str, Any]],
) -> None:
    engine, result = analysed
    assert result["other_languages"] == {"answers": len(FRENCH), "languages": {"fr": len(FRENCH)}}
    with db.transaction(engine) as session:
        themed_languages = set(
            session.scalars(
                select(Answer.language)
                .join(Unit, Unit.response_id == Answer.id)
                .where(Unit.theme_id.is_not(None))
            )
        )
    assert themed_languages == {"en"}
    assert result["themes"] and all(
        "réunions" not in " ".join(t["keywords"]) for t in result["themes"]
    )


def test_every_summary_sentence_cites_answers_of_its_theme(
    analysed: tuple[Engine, dict[str, Any]],
) -> None:
    engine, result = analysed
    summarised = [t for t in result["themes"] if t["summary"]]
    assert summarised, "no theme got a summary"
    with db.transaction(engine) as session:
        for theme in summarised:
            held = set(
                session.scalars(select(Unit.response_id).where(Unit.theme_id == theme["id"]))
            )
            assert len(theme["summary"]) <= 3
            texts = [s["text"] for s in theme["summary"]]
            assert len(set(texts)) == len(texts)
            for sentence in theme["summary"]:
                assert sentence["answer_ids"] and set(sentence["answer_ids"]) <= held


def test_a_fragment_takes_the_theme_of_the_sentence_before_it(
    analysed: tuple[Engine, dict[str, Any]],
) -> None:
    engine, _ = analysed
    with db.transaction(engine) as session:
        units = session.execute(
            select(Unit.response_id, Unit.position, Unit.text, Unit.theme_id).order_by(
                Unit.response_id, Unit.position
            )
        ).all()
    checked = 0
    for answer, position, text, theme in units:
        before = [u for u in units if u[0] == answer and u[1] < position and not is_fragment(u[2])]
        if is_fragment(text) and before:
            assert theme == before[-1][3], text
            checked += 1
    assert checked >= 2  # the splitter already folds sentences with no content word ("Typical.")


def test_every_themed_answer_is_coded_with_evidence_from_its_own_sentences(
    analysed: tuple[Engine, dict[str, Any]],
) -> None:
    engine, _ = analysed
    with db.transaction(engine) as session:
        themed = set(
            session.execute(
                select(Unit.response_id, Unit.theme_id).where(Unit.theme_id.is_not(None))
            ).all()
        )
        coded = session.execute(
            select(
                AnswerTheme.answer_id, AnswerTheme.theme_id, AnswerTheme.score, Unit.response_id
            ).join(Unit, Unit.id == AnswerTheme.evidence_unit_id)
        ).all()
    assert {(a, t) for a, t, _, _ in coded} == {tuple(pair) for pair in themed}
    assert all(
        answer == evidence_answer and 0 < score <= 1 for answer, _, score, evidence_answer in coded
    )
