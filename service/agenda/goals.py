"""Goals in agenda suggestions: start from where members are, not from a progress report.

When a theme speaks to a goal that is ahead of members' reality (members who write about it
mostly describe what is in the way, see :mod:`service.goals.gaps`), the suggestion's
opportunity angle gives way to two "start from where we are" angles: what is in the way, and
what a realistic first step looks like. For a goal members are moving on, one angle invites
them to share their progress. The goals are those the goals stage
(:mod:`service.analysis.goals`) linked to the theme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from service.agenda.angles import valid_angle
from service.agenda.phrasing import sanitize
from service.agenda.schemas import Angle

AHEAD = "ahead_of_members"
OWNER_PHRASE = {
    "sponsor": "The sponsor's goal",
    "staff": "The program's goal",
    "members": "Our own goal",
    "partner": "Our partner's goal",
}
MAX_GOAL_CHARS = 110


def goal_phrase(text: str) -> str:
    """A goal's text, shortened at a word and without a final full stop, for a question."""
    text = sanitize(text).rstrip(".!")
    if len(text) <= MAX_GOAL_CHARS:
        return text
    return text[:MAX_GOAL_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def pick_goal(goals: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The goal a suggestion should speak to: one ahead of members first, then the closest."""
    if not goals:
        return None
    return sorted(goals, key=lambda g: (g.get("gap") != AHEAD, -float(g.get("similarity") or 0)))[0]


def starting_point_angles(goal: Mapping[str, Any]) -> list[Angle]:
    """ "What is in the way" and "a first step" for a goal ahead of members' reality."""
    text = goal_phrase(str(goal.get("text", "")))
    owner = OWNER_PHRASE.get(str(goal.get("owner")), "The goal")
    angles = [
        Angle(
            "starting-point",
            f"{owner} is \u201c{text}\u201d: what is in the way for you today?",
        ),
        Angle(
            "starting-point",
            f"From where you are now, what would a realistic first step toward \u201c{text}\u201d "
            "look like?",
        ),
    ]
    return [a for a in angles if valid_angle(a.text)]


def progress_angle(goal: Mapping[str, Any]) -> list[Angle]:
    """One angle inviting members to share progress toward a goal they are moving on."""
    text = goal_phrase(str(goal.get("text", "")))
    question = f"What progress toward \u201c{text}\u201d could you share with the group?"
    angle = Angle("progress", question)
    return [angle] if valid_angle(angle.text) else []


def with_goal(
    goals: Sequence[Mapping[str, Any]], angles: list[Angle]
) -> tuple[list[Angle], str, dict[str, Any] | None]:
    """The angles, a sentence for the suggestion's "why", and the evidence about the goal."""
    goal = pick_goal(goals)
    if goal is None:
        return angles, "", None
    owner = OWNER_PHRASE.get(str(goal.get("owner")), "The goal")
    text = goal_phrase(str(goal.get("text", "")))
    evidence = {"id": goal.get("id"), "gap": goal.get("gap"), "similarity": goal.get("similarity")}
    if goal.get("gap") == AHEAD:
        kept = [a for a in angles if a.kind != "opportunity"]
        barriers = [str(b) for b in goal.get("barriers") or ()][:2]
        said = " (" + ", ".join(f"\u201c{b}\u201d" for b in barriers) + ")" if barriers else ""
        why = (
            f"{owner}, \u201c{text}\u201d, is ahead of where members are: those who write about "
            f"it mostly describe what is in the way{said}. Start from where we are."
        )
        return (
            [*kept[:1], *starting_point_angles(goal), *kept[1:]],
            why,
            {**evidence, "angle": "start_from_where_we_are"},
        )
    if goal.get("gap") is None:
        return [*angles, *progress_angle(goal)], "", {**evidence, "angle": "progress"}
    return angles, "", evidence
