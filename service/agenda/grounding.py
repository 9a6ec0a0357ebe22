"""What grounds a suggestion: members' quotes, key phrases as written, whose perspective to invite.

Split from :mod:`service.agenda.suggest`, which ranks the themes; the agenda service
(:mod:`service.agenda.service`) calls both.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from service.agenda.groups import divergence_groups
from service.agenda.schemas import ThemeView, UnitView
from service.agenda.suggest import ThemeFacts
from service.ingest.schemas import SEGMENT_NAMES
from service.nlp.statements import is_solution_statement
from service.nlp.stems import content_stems
from service.privacy.thresholds import Confidentiality


def pick_quotes(
    theme: ThemeView,
    units: Sequence[UnitView],
    privacy: Confidentiality,
    *,
    solution_first: bool = False,
    seed: int = 0,
    most: int = 3,
) -> list[dict[str, str]]:
    """Two or three quotes of the theme's own units.

    The analysis's representative quotes come first, except those that share no word with the
    theme's label and key phrases (a theme model's cluster can hold a stray unit); a solution
    statement goes up front for a case study; the most on-topic units top the list up.
    """
    if theme.suppressed:
        return []
    own = {u.text: u for u in units}
    keys = content_stems(" ".join([theme.label, *theme.keywords]))
    summary = [(t, w) for t, w in theme.quotes if not own or t in own]
    pool = [
        u
        for u in units
        if 5 <= len(u.text.split()) <= 60 and u.text.count("[") == u.text.count("]")
    ]
    allowed = {q.text for q in privacy.quotes([(u.text, None) for u in pool], seed=seed)}
    pool = sorted(
        (u for u in pool if u.text in allowed),
        key=lambda u: (-len(content_stems(u.text) & keys), u.id),
    )
    fit = {t: len(content_stems(t) & keys) for t, _ in summary}
    best = max((len(content_stems(u.text) & keys) for u in pool), default=0)
    quotes = [{"text": t, "week": w} for t, w in summary if fit[t] > 0 or best == 0]
    taken = {q["text"] for q in quotes}
    if solution_first:
        solution = next((u for u in pool if is_solution_statement(u.text)), None)
        if solution is not None and solution.text not in taken:
            quotes = [{"text": solution.text, "week": solution.week}, *quotes][:most]
            taken.add(solution.text)
    for unit in pool:
        on_topic = bool(content_stems(unit.text) & keys)
        if len(quotes) >= most or (len(quotes) >= 2 and not on_topic):
            break
        if unit.text not in taken:
            quotes.append({"text": unit.text, "week": unit.week})
            taken.add(unit.text)
    return quotes[:most]


def invite_segments(
    facts: ThemeFacts,
    units: Sequence[UnitView],
    *,
    answered: set[int],
    segments: Mapping[int, Mapping[str, str | None]],
    privacy: Confidentiality,
    most: int = 3,
) -> list[dict[str, str]]:
    """Groups whose perspective to invite: groups that differ, then groups that raised it most.

    A group's share is shown only when the group, its members who raised the theme and those who
    did not are each at least the minimum group (the rule of the theme heat map).
    """
    invited: list[dict[str, str]] = []
    for divergence in facts.divergences[:1]:
        dims, _, _ = divergence_groups(divergence)
        for group in filter(None, (divergence.group, divergence.other)):
            invited.append(
                {
                    "dimension": divergence.dimension,
                    "group": group,
                    "reason": f"sees it differently from other {dims}",
                }
            )
    raised = {u.respondent_id for u in units}
    ranked: list[tuple[float, str, str, str]] = []
    for dimension in SEGMENT_NAMES:
        sizes: Counter[str] = Counter()
        hits: Counter[str] = Counter()
        for member in answered:
            value = (segments.get(member) or {}).get(dimension)
            if value:
                sizes[value] += 1
                hits[value] += member in raised
        overall = sum(hits.values()) / sum(sizes.values()) if sizes else 0.0
        for group, size in sizes.items():
            if min(size, hits[group], size - hits[group]) < privacy.min_group or not overall:
                continue
            share = hits[group] / size
            reason = (
                f"raised it more often than others ({share:.0%} of them, {overall:.0%} overall)"
            )
            ranked.append((share / overall, dimension, group, reason))
    seen = {(i["dimension"], i["group"]) for i in invited}
    for ratio, dimension, group, reason in sorted(ranked, key=lambda r: (-r[0], r[1], r[2])):
        if ratio >= 1.2 and (dimension, group) not in seen and len(invited) < most:
            invited.append({"dimension": dimension, "group": group, "reason": reason})
            seen.add((dimension, group))
    return invited[:most]


def surface_phrases(keywords: Sequence[str], texts: Sequence[str]) -> list[str]:
    """Key phrases in the form members wrote them ("meeting minute" -> "meeting minutes").

    Keywords are lemmas; each is looked up in the theme's texts with a few letters of suffix
    allowed per word, and its most frequent written form (lower-cased) replaces it.
    """
    found = []
    for keyword in keywords:
        words = [re.escape(w) for w in keyword.split()]
        if not words:
            continue
        pattern = re.compile(
            r"\b" + r"\s+".join(w + r"[a-z']{0,3}" for w in words) + r"\b", re.IGNORECASE
        )
        forms = Counter(m.group(0).lower() for t in texts for m in pattern.finditer(t))
        found.append(forms.most_common(1)[0][0] if forms else keyword)
    return found
