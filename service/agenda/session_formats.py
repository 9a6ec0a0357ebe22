"""Which session format fits a topic (fireside chat, case study, small groups, open discussion).

The rules, first match wins:

1. **Fireside chat with Q&A** when worry is high (at least :data:`HIGH_CONCERN_SHARE` of the
   members who raised the theme sound worried, or at least :data:`SEVERE_SHARE` of them, and at
   least two, sound severely worried) or the subject is sensitive (:data:`SENSITIVE`: job
   security, pay, health, harassment...). Members can listen and ask without describing their
   own situation.
2. **Case study** when at least :data:`MIN_SOLUTION_MEMBERS` members report something that
   worked (:func:`service.nlp.statements.is_solution_statement`).
3. **Small-group breakouts** when segments see the theme significantly differently
   (:mod:`service.agenda.divergence`).
4. **Open discussion** otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.agenda.schemas import Divergence

HIGH_CONCERN_SHARE = 0.5
SEVERE_SHARE = 0.25
"""The cut-offs follow the v2 worry scorer, which flags many more sentences than the first one
did: on the sample community a theme's median share of worried members is 0.15 (up to 0.8),
and a third of the themes have at least one severe member. With the old cut-offs (0.4, or any
severe member among two worried) every top suggestion of the sample was a fireside chat, the
calm "Feeling and preferences" theme (8 of 25 worried, 1 severe) included; now the themes where
most members sound worried ("Colleague and morale", 10 of 15) or a quarter sound severely
worried are."""
MIN_SOLUTION_MEMBERS = 2

SENSITIVE = re.compile(
    r"\b(?:lay-?offs?|laid\s+off|redundan\w*|reorg\w*|re-?organi[sz]\w*|restructur\w*|"
    r"job\s+(?:security|cuts?|loss|losses)|lose\s+(?:my|our|their)\s+jobs?|fired|dismiss\w*|"
    r"burn-?out|burned\s+out|burnt\s+out|mental\s+health|stress\s+leave|sick\s+leave|illness|"
    r"harass\w*|bully\w*|discriminat\w*|grievance\w*|disciplin\w*|salary|salaries|pay\s+(?:rise|cut|gap)|"
    r"compensation|performance\s+improvement|grief|bereave\w*|pregnan\w*|maternity|disabilit\w*|"
    r"diagnos\w*|sleep\w*|slept|insomnia|panic\s+attacks?|cried|crying|in\s+tears)\b",
    re.IGNORECASE,
)
"""Subjects where members should not be asked to expose their own situation (job security, pay,
health, harassment, and signs of strain such as lost sleep or tears)."""


def is_sensitive(label: str, keywords: Sequence[str] = ()) -> str | None:
    """The sensitive word in a theme's label or key phrases, or None."""
    match = SENSITIVE.search(" ; ".join([label, *keywords]))
    return match.group(0).lower() if match else None


@dataclass(frozen=True)
class FormatFacts:
    """What the format choice looks at, with the figures it may show (None = not shown).

    Attributes:
        worried_share: Share of the theme's members who sound worried (None when unknown).
        worried_shown: The worried count when it may be published (at least the minimum group).
        worried: Members who sound worried (an estimate; used, never shown).
        severe: Members with a severe worry (an estimate; used, never shown).
        members: Members who raised the theme (the base of the severe share).
        sensitive: The sensitive word of the subject, if any.
        solution_members: Members who report something that worked.
        solution_shown: That count when it may be published.
        divergences: Significant segment differences in this theme.
        group_phrase: Who differs and how, as a clause ("EAs and OMs see this differently").
    """

    worried_share: float | None = None
    worried_shown: int | None = None
    worried: int = 0
    severe: int = 0
    members: int = 0
    sensitive: str | None = None
    solution_members: int = 0
    solution_shown: int | None = None
    divergences: tuple[Divergence, ...] = ()
    group_phrase: str = ""


def high_concern(facts: FormatFacts) -> bool:
    """Worry high enough for a Q&A format (see the module docstring)."""
    share_high = facts.worried_share is not None and facts.worried_share >= HIGH_CONCERN_SHARE
    severe_high = facts.severe >= 2 and facts.severe >= SEVERE_SHARE * facts.members
    return facts.worried >= 2 and (share_high or severe_high)


def choose_format(facts: FormatFacts) -> tuple[str, str]:
    """``(format id, reason)`` by the rules of the module docstring."""
    if high_concern(facts):
        if facts.worried_shown is not None and facts.worried_share is not None:
            how = f"{facts.worried_share:.0%} of the members who raised it sound worried"
        else:
            how = "many of the members who raised it sound worried"
        return "fireside_chat", (
            f"Worry is high ({how}): a fireside chat with Q&A lets members listen and ask "
            "questions without having to describe their own situation."
        )
    if facts.sensitive:
        return "fireside_chat", (
            f"The subject ({facts.sensitive}) is sensitive: a fireside chat with Q&A lets "
            "members ask questions without sharing their own situation."
        )
    if facts.solution_members >= MIN_SOLUTION_MEMBERS:
        who = (
            f"{facts.solution_shown} members"
            if facts.solution_shown is not None
            else "Several members"
        )
        return "case_study", (
            f"{who} describe something that worked for them: invite one of them to walk the "
            "group through it as a case study, then discuss what others could reuse."
        )
    if facts.divergences:
        return "breakouts", (
            f"{facts.group_phrase or 'Groups see this differently'}: start in small groups so "
            "each perspective is heard, then compare notes together."
        )
    return "open_discussion", (
        "Members raise it without strong worry or disagreement: an open, facilitated "
        "discussion lets everyone pool their experience."
    )
