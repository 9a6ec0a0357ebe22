"""Which session format fits a topic, and the detector of solution statements behind it.

The rules, first match wins:

1. **Fireside chat with Q&A** when worry is high (at least :data:`HIGH_CONCERN_SHARE` of the
   members who raised the theme sound worried, or at least one severe worry among at least two
   worried members) or the subject is sensitive (:data:`SENSITIVE`: job security, pay, health,
   harassment...). Members can listen and ask without describing their own situation.
2. **Case study** when at least :data:`MIN_SOLUTION_MEMBERS` members report something that
   worked (:func:`is_solution_statement`).
3. **Small-group breakouts** when segments see the theme significantly differently
   (:mod:`service.agenda.divergence`).
4. **Open discussion** otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.agenda.schemas import Divergence

HIGH_CONCERN_SHARE = 0.4
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

_SOLUTION = re.compile(
    r"(?:\bwhat\s+(?:has\s+)?(?:really\s+)?(?:worked|helped|works)\s+(?:for|with)\s+(?:me|us)\b|"
    r"\b(?:we|i)\s+(?:finally\s+)?(?:fixed|solved|sorted|cracked|resolved)\s+(?:this|it|that|the)"
    r"(?:\s+[\w'-]+){0,5}?\s+(?:by|with|using|through)\b|"
    r"\b(?:we|i)\s+(?:fixed|solved|sorted)\s+(?:this|it|that)\b|"
    r"\bthe\s+(?:fix|trick|solution|answer)\s+(?:was|is|for\s+me\s+was)\b|"
    r"\b(?:we|i)\s+(?:started|began|switched\s+to|moved\s+to)\s+(?:using\s+)?[\w' -]{1,40}?\s+"
    r"(?:and|which)\s+(?:it\s+|that\s+)?(?:now\s+|really\s+)?(?:it'?s\s+)?"
    r"(?:saves?|saved|helps?|helped|works?|worked|fixed|solved|cut|halved|made|stopped|is\s+(?:great|much\s+better))\b|"
    r"\b(?:since|after)\s+(?:we|i)\s+(?:started|switched|moved|introduced|set\s+up)\b[^.?!]{0,60}?"
    r"\b(?:no\s+more|fewer|less|much\s+better|easier|saves?|saved|halved|stopped)\b|"
    r"\b(?:my|our)\s+(?:top\s+)?(?:tip|trick|hack)\b|"
    r"\b(?:game[\s-]?changer|lifesaver|life\s+saver)\b|"
    r"\b(?:saves?|saved|saving)\s+(?:me|us)\s+(?:an?\s+|about\s+|at\s+least\s+)?(?:\w+\s+)?"
    r"(?:hours?|minutes|time|days?)\b|"
    r"\b(?:it|this|that)\s+(?:saves?|saved)\s+(?:me\s+|us\s+)?(?:maybe\s+|about\s+|roughly\s+|"
    r"at\s+least\s+)?(?:an?\s+|\w+\s+)?(?:hours?|minutes|time|days?)\b|"
    r"\bmade\s+(?:a|all\s+the)\s+(?:big\s+|huge\s+|real\s+)?difference\b|"
    r"\bworks?\s+(?:really\s+|very\s+|so\s+)?well\s+for\s+(?:me|us)\b|"
    r"\bhelped\s+(?:me|us)\s+(?:a\s+lot|enormously|hugely|massively)\b)",
    re.IGNORECASE,
)
_FAILED = re.compile(
    r"\b(?:nothing\s+(?:has\s+)?(?:really\s+)?(?:worked|helped|works|helps)|"
    r"(?:didn'?t|did\s+not|doesn'?t|does\s+not|don'?t|do\s+not|hasn'?t|has\s+not|haven'?t|"
    r"never|won'?t|no\s+longer|not)\s+(?:really\s+)?(?:work|worked|help|helped|fix|fixed|solve|"
    r"solved|save|saved|made)|"
    r"\b(?:if|wish|hope|hoping)\s+(?:i|we|only)\b[^.?!]{0,40}\b(?:worked|fixed|solved)|"
    r"\b(?:anyone|anybody|somebody|someone)\b[^.?!]*\?|"
    r"\b(?:worked|helped|works)\s+for\s+(?:me|us)\s*\?\s*(?:\w+\s*,?\s*)?nothing\b)",
    re.IGNORECASE,
)


def is_solution_statement(text: str) -> bool:
    """True when a member reports something that worked ("What worked for me...", "We fixed this
    by...", "We started using X and it saves...").

    A question asking others for solutions, a report that something did not work, and a wish
    ("if only we had fixed...") are not solution statements.
    """
    if not _SOLUTION.search(text):
        return False
    return not _FAILED.search(text)


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
    sensitive: str | None = None
    solution_members: int = 0
    solution_shown: int | None = None
    divergences: tuple[Divergence, ...] = ()
    group_phrase: str = ""


def high_concern(facts: FormatFacts) -> bool:
    """Worry high enough for a Q&A format (see the module docstring)."""
    share_high = facts.worried_share is not None and facts.worried_share >= HIGH_CONCERN_SHARE
    return (share_high and facts.worried >= 2) or (facts.severe >= 1 and facts.worried >= 2)


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
