"""Readiness signals: does a member write about a goal as something in the way, or as progress?

A small rule set, measured on ``corpora/goals/readiness.csv`` (see ``evaluation/reports/goals.md``):

* **barrier**: missing means (:data:`BARRIER` -- "no budget", "no time", "don't have the
  resources", "short-staffed", "one 45-minute webinar"), not started ("haven't started",
  "don't know where to start"), blocked ("waiting on IT", "ticket open for 8 days", "not
  allowed", "nobody will say"), and a tool or process that does not work for them yet
  ("doesn't work", "keeps rejecting", "not confident", "nobody updated the cheat sheet").
* **progress**: something done or working (:data:`PROGRESS` -- "we launched", "finally
  approved", "made progress", "cut in half", "small win"), and every statement that the agenda's
  detector reads as something that worked (:func:`~service.nlp.statements.is_solution_statement`).

When a text has both, the later one wins: "We tried but the vendor never delivered" is a
barrier, "It took a while but it is now part of every lesson" is progress. Each signal comes
with the phrase that triggered it, so a facilitator can see why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.nlp.statements import is_solution_statement

_MEANS = (
    r"(?:budget|money|funding|funds|time|capacity|staff|staffing|people|resources?|training|"
    r"support|guidance|cover|help|laptops?|equipment|licen[cs]es?|headcount)"
)
BARRIER = re.compile(
    r"\b(?:no\s+(?:real\s+|extra\s+|spare\s+|clear\s+|proper\s+|one\s+to\s+)?" + _MEANS + r"\b|"
    r"(?:don'?t|do\s+not|doesn'?t|does\s+not|didn'?t|did\s+not)\s+(?:have|get|cover|give\s+us)\s+"
    r"(?:the\s+|enough\s+|any\s+|us\s+)?(?:\w+\s+)?" + _MEANS + r"\b|"
    r"not\s+enough\b|lack(?:s|ing)?\s+(?:of\s+)?(?:the\s+)?\w+|short\s+of\s+\w+|"
    r"(?:too\s+)?short-?\s?staffed|understaffed|no\s+capacity|"
    r"(?:haven'?t|have\s+not|hasn'?t|has\s+not|not\s+yet|never)\s+(?:even\s+)?"
    r"(?:started|begun|got\s+round\s+to|gotten\s+around\s+to|had\s+(?:the\s+)?time|"
    r"been\s+trained|delivered)|"
    r"(?:can'?t|cannot|couldn'?t|unable\s+to)\s+(?:even\s+)?(?:afford|get|start|begin|find|"
    r"access|log\s+in|take)|"
    r"(?:not|never)\s+(?:allowed|approved|trained|signed\s+off)|won'?t\s+(?:sign|approve|pay)|"
    r"(?:don'?t|do\s+not|wouldn'?t|would\s+not)\s+know\s+(?:where|how)\s+to\s+(?:start|begin)|"
    r"unclear|vague|nobody(?:\s+has|\s+can|\s+will)?\s+(?:tell|say|told|trained|explain|asked)|"
    r"(?:hasn'?t|haven'?t|has\s+not|have\s+not)\s+(?:given|sent|shared|told)\s+(?:us|me)|"
    r"no\s+one\s+(?:tells|told|has\s+told|trained|will\s+say)|"
    r"waiting\s+(?:on|for)|stuck|blocked|on\s+hold|put(?:ting)?\s+it\s+off|"
    r"nothing\s+(?:moves|happens|changes)|(?:got|heard)\s+nothing|"
    r"still\s+(?:no|waiting|haven'?t|hasn'?t)|ticket\s+(?:has\s+been\s+|is\s+)?(?:still\s+)?open|"
    r"(?:exactly\s+|only\s+)?one\s+(?:short\s+|single\s+|\d+[-\s]?min(?:ute)?s?\s+)?"
    r"(?:webinar|training|session)|"
    r"costs?\s+more\s+than|too\s+expensive|can'?t\s+afford|something\s+more\s+urgent|"
    r"more\s+urgent\s+(?:things|work|priorities)|"
    r"(?:doesn'?t|don'?t|does\s+not|isn'?t|won'?t)\s+(?:even\s+)?work|not\s+confident|"
    r"keeps?\s+(?:rejecting|timing\s+out|crashing|failing|breaking|bouncing|growing)|"
    r"(?:don'?t|do\s+not|nobody)\s+knows?\s+(?:why|how|which|what)|"
    r"nobody(?:'s|\s+has)?\s+(?:updated|trained|training|answers|given)|"
    r"no\s+(?:handover|answer|clear\s+answer|reply|cheat\s+sheet)|disaster|"
    r"(?:raise|open)\s+a\s+ticket|\d+-day\s+wait|save\s+the\s+money)",
    re.IGNORECASE,
)
"""Phrases of a barrier: missing means, not started, blocked."""

PROGRESS = re.compile(
    r"\b(?:(?:we|i)(?:'ve|\s+have)?\s+(?:finally\s+|now\s+|just\s+)?(?:launched|completed|"
    r"finished|achieved|signed|set\s+up|introduced|rolled\s+out|cleared|built|ran|piloted|"
    r"presented|passed|started\s+piloting|got\s+(?:my|our|the)\s+\w+(?:\s+\w+)?\s+"
    r"(?:agreed|approved|signed))|"
    r"finally\s+(?:\w+\s+){0,3}?(?:approved|fixed|launched|sent|settling|came\s+through|agreed|"
    r"working|clicking|live)|"
    r"(?:approved|came\s+through|renewed|agreed)\s*(?:for\s+\w+\s+team)?[!.]|"
    r"(?:made|making)\s+(?:real\s+|good\s+|some\s+)?progress|small\s+win|quick\s+win|"
    r"milestone|halfway\s+through|first\s+module|for\s+the\s+first\s+time|first\s+time\s+ever|"
    r"achieved\s+our\s+target|"
    r"(?:improved|dropped|halved|calmed|freed\s+up|stopped\s+the|much\s+smoother|went\s+up|"
    r"settling\s+down|slowly\s+clicking|working\s+well)|"
    r"cut\s+(?:\w+\s+){0,3}in\s+half|(?:is|are)\s+now\s+(?:part\s+of|working|in\s+place)|"
    r"now\s+(?:track|use|run|have)\b|(?<!n't\s)(?<!not\s)fixed\s+(?:the|our|it|this)|"
    r"worked\s+(?:on\s+the\s+first\s+try|first\s+time)|(?:down|up)\s+(?:to|from)\s+\S*\d|"
    r"(?:built|wrote|created|creating)\s+(?:a|an|my|our|the)\s+(?:first\s+)?(?:proper\s+)?\w+|"
    r"(?:is|are)\s+done|(?:has|have|it|which)\s+(?:really\s+)?helped|proud\s+of|"
    r"happy\s+to\s+share|actually\s+(?:followed|worked|works))",
    re.IGNORECASE,
)
"""Phrases of progress: something done, approved, improved or working."""


@dataclass(frozen=True)
class Signal:
    """What a text says about readiness: ``barrier``, ``progress`` or ``none``, and why."""

    kind: str
    phrase: str = ""


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the last match is the one wanted
        pass
    return found


def classify(text: str) -> Signal:
    """The readiness signal of one unit of member text (the later signal wins)."""
    barrier = _last(BARRIER, text)
    progress = _last(PROGRESS, text)
    solution = is_solution_statement(text)
    if progress is None and solution:
        return Signal("progress", "describes something that worked")
    if barrier is None and progress is None:
        return Signal("none")
    if progress is None or (barrier is not None and barrier.start() > progress.start()):
        return Signal("barrier", barrier.group(0).strip().lower())  # type: ignore[union-attr]
    return Signal("progress", progress.group(0).strip().lower().rstrip("!."))
