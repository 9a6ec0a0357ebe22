"""Statements members make that other parts read: reports of something that worked."""

from __future__ import annotations

import re

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
