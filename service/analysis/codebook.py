"""Stages: code new answers against the committee's codebook first; afterwards, code answers
to several codes and remember which candidates the committee ignored.

Before theme discovery (:func:`run`), every new unit of a scope (the community, or one
question) is coded against the scope's active codes (:mod:`service.codebook.coding`, with
:class:`~service.themes.seeded.SeededCoder` seeded by each code's name, description and
examples) and the candidates the committee ignored (seeded by their label and answers, so that
what was ignored goes back to its theme and never comes back as new), and the committee's
moves of single answers are applied; only the units that fit none are left to the themes
stage. A unit themed by an earlier run keeps a code's theme it sat in, and one that sat in a
discovered theme goes to discovery again (:func:`keep_earlier`): the same data give the same
themes. Each code keeps its theme (and the theme its id and name): the assignment stage stores
the codes' themes under their ids (``fixed``) and matches only the discovered themes to the
stored ones.

After the assignment stage (:func:`review`), an answer is also coded to every further code it
speaks to as a whole, and a discovered theme that is a candidate the committee ignored once
(centroid at least :data:`~service.themes.identity.MATCH_THRESHOLD` similar), under a new id,
is remembered as ignored again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from service.analysis.context import Analysis, Context, Progress, QuestionCodes, UnitRow
from service.codebook.coding import Coded, Move, apply_moves, code_units
from service.storage import db
from service.storage.repositories import codebook as rows
from service.storage.tables import Code, Theme
from service.themes.identity import MATCH_THRESHOLD
from service.themes.schemas import UNASSIGNED
from service.themes.seeded import CodeSeed, SeededCoder

MAX_EXAMPLES = 5  # examples per code the coder is seeded with


def _vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)


def coded_scope(
    context: Context,
    units: Sequence[UnitRow],
    vectors: np.ndarray,
    question_id: int | None = None,
    question_codes: QuestionCodes | None = None,
) -> Coded | None:
    """The scope's units coded against its codebook, the committee's moves applied; None when
    the scope has no code."""
    attach_themes(context, question_id)
    with db.transaction(context.engine) as session:
        seeded = seeds_of(session, context.community_id, question_id)
        if not seeded:
            return None
        seeds = [seed for _, seed, _ in seeded]
        index = {theme_id: i for i, (theme_id, _, _) in enumerate(seeded)}
        moves = [
            Move(
                pin.answer_id,
                index.get(pin.from_theme_id) if pin.from_theme_id else None,
                index.get(pin.to_theme_id) if pin.to_theme_id else None,
            )
            for pin in rows.pins(session, context.community_id)
            if pin.to_theme_id is None or pin.to_theme_id in index
        ]
        theme_ids = tuple(theme_id for theme_id, _, _ in seeded)
        names = tuple(seed.name for seed in seeds)
        before = earlier(units, question_codes)
    answer_ids = [u.response_id for u in units]
    if not len(units):
        return Coded(np.zeros(0, dtype=int), {}, theme_ids, names)
    coder = SeededCoder().fit(seeds, context.models.embedder)
    coded = code_units(coder, vectors, answer_ids)
    sinks = [i for i, (_, _, ignored) in enumerate(seeded) if ignored]
    assignments = keep_earlier(coded.assignments, before, index)
    assignments = keep_ignored(assignments, units, [theme_ids[i] for i in sinks], sinks)
    coded = Coded(assignments, coded.answer_codes, theme_ids, names, coded.scores)
    return apply_moves(coded, answer_ids, moves)


def earlier(units: Sequence[UnitRow], question_codes: QuestionCodes | None) -> list[int | None]:
    """Each unit's theme of the scope before this run (None: a unit never themed); a question's
    from its codes as the run before stored them (``question_codes``, read before this run
    replaced them)."""
    if question_codes is None:
        return [u.theme_id for u in units]
    by_unit, by_answer = question_codes
    return [by_unit.get(u.id, by_answer.get(u.response_id)) for u in units]


def keep_earlier(
    assignments: np.ndarray, before: Sequence[int | None], index: Mapping[int, int]
) -> np.ndarray:
    """Only new units are coded afresh: a unit that sat in a code's theme stays there, and one
    that sat in a discovered theme is left to discovery again, so that the same data give the
    same themes (``index``: the code index of each code's theme)."""
    out = assignments.copy()
    for position, theme_id in enumerate(before):
        if theme_id is None:
            continue
        out[position] = index.get(theme_id, UNASSIGNED)
    return out


def keep_ignored(
    assignments: np.ndarray,
    units: Sequence[UnitRow],
    theme_ids: Sequence[int],
    indices: Sequence[int],
) -> np.ndarray:
    """Units that fit no code and whose text sat in an ignored candidate last time go back to it
    (``theme_ids``: the ignored themes, ``indices``: their code indices)."""
    out = assignments.copy()
    for theme_id, index in zip(theme_ids, indices, strict=True):
        hashes = {u.text_hash for u in units if u.theme_id == theme_id}
        for position, unit in enumerate(units):
            if out[position] == UNASSIGNED and unit.text_hash in hashes:
                out[position] = index
    return out


def seeds_of(
    session: Session, community_id: int, question_id: int | None
) -> list[tuple[int, CodeSeed, bool]]:
    """The scope's seeds by the theme that carries each: its active codes, then the candidates
    the committee ignored (their units go back to them, so they never come back as new; the
    flag says which)."""
    seeded: list[tuple[int, CodeSeed, bool]] = []
    for code in rows.codes(session, community_id, question_id=question_id):
        theme = session.get(Theme, code.theme_id) if code.theme_id is not None else None
        if theme is not None and theme.status == "active":
            examples = tuple(code.examples or ())[:MAX_EXAMPLES]
            seeded.append((theme.id, CodeSeed(code.name, code.description or "", examples), False))
    taken = {theme_id for theme_id, _, _ in seeded}
    for decision in rows.decisions(session, community_id):
        theme = session.get(Theme, decision.theme_id) if decision.theme_id is not None else None
        if (
            decision.decision != "ignored"
            or theme is None
            or theme.status != "active"
            or theme.question_id != question_id
            or theme.id in taken
        ):
            continue
        examples = tuple(a["text"] for a in rows.answers_of(session, theme.id, limit=MAX_EXAMPLES))
        seeded.append((theme.id, CodeSeed(theme.label, "", examples), True))
        taken.add(theme.id)
    return seeded


def attach_themes(context: Context, question_id: int | None) -> int:
    """A theme for every code of the scope that has none yet (an imported code), named as the
    code, its centroid the code's words; how many were made."""
    with db.transaction(context.engine) as session:
        bare = [
            (code.id, CodeSeed(code.name, code.description or ""))
            for code in rows.codes(session, context.community_id, question_id=question_id)
            if code.theme_id is None
        ]
    if not bare:
        return 0
    vectors = np.asarray(context.models.embedder.embed([s.text for _, s in bare]), np.float32)
    with db.transaction(context.engine, write=True) as session:
        for (code_id, seed), vector in zip(bare, vectors, strict=True):
            theme = Theme(
                community_id=context.community_id,
                question_id=question_id,
                level="fine",
                label=seed.name,
                name=seed.name,
                keywords=[],
                centroid=(vector / max(float(np.linalg.norm(vector)), 1e-12)).tobytes(),
                status="active",
                first_job_id=context.job_id,
                lineage=[{"job": context.job_id, "status": "new", "from": "codebook"}],
            )
            session.add(theme)
            session.flush()
            code = session.get_one(Code, code_id)
            code.theme_id = theme.id
    return len(bare)


def fallbacks(context: Context, coded: Coded) -> list[np.ndarray]:
    """Each code's stored theme centroid (for a code no unit of this run carries)."""
    with db.transaction(context.engine) as session:
        found = []
        for theme_id in coded.theme_ids:
            theme = session.get(Theme, theme_id)
            found.append(_vector(theme.centroid) if theme is not None else np.zeros(1))
    return found


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.coded`` (None without a community-wide codebook)."""
    embedded = analysis.need_embedded()
    progress(0.0, "coding answers against the codebook")
    analysis.coded = coded_scope(context, embedded.units, embedded.vectors)
    with db.transaction(context.engine) as session:
        analysis.question_codes = rows.question_codes_of(session, context.community_id)


def extra_codes(coded: Coded, units: Sequence[UnitRow], scores: np.ndarray) -> list[dict[str, Any]]:
    """Answer codes beyond the unit's own: every code the answer carries as a whole, with its
    best unit as the evidence (``scores``: unit x code similarity)."""
    positions: dict[int, list[int]] = {}
    for position, unit in enumerate(units):
        positions.setdefault(unit.response_id, []).append(position)
    out = []
    for answer, codes in coded.answer_codes.items():
        where = positions.get(answer, [])
        for code in codes:
            if not where:
                continue
            best = max(where, key=lambda p: scores[p, code])
            out.append(
                {
                    "answer_id": answer,
                    "theme_id": coded.theme_ids[code],
                    "score": round(float(scores[best, code]), 4),
                    "evidence_unit_id": units[best].id,
                }
            )
    return out


def remember_ignored(context: Context, new_ids: Sequence[int]) -> int:
    """Mark the new themes that are candidates the committee ignored before; how many."""
    marked = 0
    with db.transaction(context.engine, write=True) as session:
        ignored = [
            d for d in rows.decisions(session, context.community_id) if d.decision == "ignored"
        ]
        if not ignored:
            return 0
        for theme_id in new_ids:
            theme = session.get(Theme, theme_id)
            if theme is None:
                continue
            mine = _vector(theme.centroid)
            for decision in ignored:
                other = _vector(decision.centroid)
                if other.shape != mine.shape:
                    continue
                cosine = float(mine @ other) / max(
                    float(np.linalg.norm(mine) * np.linalg.norm(other)), 1e-12
                )
                if cosine >= MATCH_THRESHOLD:
                    rows.add_decision(
                        session,
                        context.community_id,
                        theme_id=theme_id,
                        question_id=theme.question_id,
                        decision="ignored",
                        label=theme.label,
                        centroid=theme.centroid,
                        actor=decision.actor,
                    )
                    marked += 1
                    break
    return marked


def review(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage after assignment: several codes per answer; ignored candidates stay ignored."""
    coded = analysis.coded
    embedded = analysis.need_embedded()
    if coded is not None and coded.scores is not None:
        extra = extra_codes(coded, embedded.units, coded.scores)
        with db.transaction(context.engine, write=True) as session:
            rows.put_codes(session, context.community_id, extra)
    born = [s.id for s in analysis.stored if s.lineage in ("new", "split")]
    remember_ignored(context, born)
