"""A real analysis of a small community: answers in another language stay out of the themes and
are counted apart; each theme's summary cites answers the theme holds."""

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
from service.storage.tables import Answer, Unit

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
