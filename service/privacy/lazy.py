"""What the redaction rules read of a doc, computed only when a rule reads it, and once.

**Tags on demand.** The rules read the tagger's fine-grained tag (``NNP``, ``VBZ``) only around
a word that may be a name, and most answers hold none. In ``en_core_web_sm`` the NER model
carries its own token-to-vector layer; the shared ``tok2vec`` layer serves the tagger alone and
costs about a third of the pipeline's time. So the redactor runs the NER model on every text and
the ``tok2vec`` layer and the tagger only on a text where a rule asks for a tag: :func:`tag` is
how the rules read one, and a match whose pattern names a tag is checked through
:class:`TagMatcher` after the words around it qualify. The result is the same as tagging every
text; a doc that already carries tags (a pipeline that ran its tagger) is read as it is.

**The text, once.** ``Doc.text`` joins every token's text on each read; :func:`text` keeps it
for the time the rules run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

_ON_DEMAND = "pii_tagger"  # ``doc.user_data`` key: what tags this doc when a tag is first read
_TEXT = "pii_text"  # ``doc.user_data`` key: the doc's text while the rules run

Tagger = Callable[[Doc], Any]


def tag(token: Token) -> str:
    """The token's fine-grained tag, tagging its doc first if it waits for tags on demand."""
    tagger = token.doc.user_data.pop(_ON_DEMAND, None)
    if tagger is not None:
        tagger(token.doc)
    return token.tag_


def text(doc: Doc) -> str:
    """``doc.text``, joined once while the rules run (see :func:`on_demand`)."""
    kept = doc.user_data.get(_TEXT)
    return doc.text if kept is None else kept


def on_demand(doc: Doc, tagger: Tagger | None) -> None:
    """Keep the text of ``doc`` and let the first :func:`tag` on it run ``tagger`` (unless the
    doc carries tags); :func:`settle` ends both."""
    doc.user_data[_TEXT] = doc.text
    if tagger is not None and len(doc) and not doc.has_annotation("TAG"):
        doc.user_data[_ON_DEMAND] = tagger


def settle(doc: Doc) -> None:
    """Forget the tagger and the kept text of ``doc`` (the rules are done with it)."""
    doc.user_data.pop(_ON_DEMAND, None)
    doc.user_data.pop(_TEXT, None)


class TagsWanted(Exception):
    """Raised by :func:`wait_for_tags`: the rules need this doc's tags (see ``pipe``)."""


def wait_for_tags(doc: Doc) -> None:
    """A tagger that tags nothing: it stops the rules so that the doc is tagged in a batch."""
    raise TagsWanted


def pipeline_tagger(components: Sequence[Tagger]) -> Tagger | None:
    """One callable that runs ``components`` (``tok2vec`` then ``tagger``) on a doc."""
    if not components:
        return None

    def run(doc: Doc) -> None:
        for component in components:
            component(doc)

    return run


def _holds(wanted: Any, value: str) -> bool:
    """A Matcher ``TAG`` constraint (a tag, ``{"IN": [...]}`` or ``{"REGEX": ...}``)."""
    if isinstance(wanted, str):
        return value == wanted
    if set(wanted) == {"IN"}:
        return value in wanted["IN"]
    if set(wanted) == {"REGEX"}:
        return re.search(wanted["REGEX"], value) is not None
    raise ValueError(f"TagMatcher reads TAG as a tag, IN or REGEX, not {wanted!r}")


class Match:
    """A match whose tag constraints are checked only when :meth:`tags_hold` is asked."""

    __slots__ = ("doc", "label", "start", "end", "_constraints")

    def __init__(
        self, doc: Doc, label: str, start: int, end: int, constraints: Sequence[tuple[int, Any]]
    ) -> None:
        self.doc, self.label, self.start, self.end = doc, label, start, end
        self._constraints = constraints

    def tags_hold(self) -> bool:
        """Each token the pattern gave a tag to carries that tag."""
        return all(
            _holds(wanted, tag(self.doc[self.start + offset]))
            for offset, wanted in self._constraints
        )


class TagMatcher:
    """A ``Matcher`` whose ``TAG`` constraints wait until the caller asks for them.

    A pattern that names a tag must have one token per position (no ``OP``): its tags are
    checked at fixed offsets of the match. Without tags the pattern matches more; the caller
    checks :meth:`Match.tags_hold` after its own word tests, so the tagger runs only then.
    """

    def __init__(self, vocab: Vocab) -> None:
        self._matcher = Matcher(vocab)
        self._constraints: dict[str, tuple[str, list[tuple[int, Any]]]] = {}

    def add(self, label: str, patterns: Sequence[Sequence[dict[str, Any]]]) -> None:
        """Add patterns under ``label``; ``TAG`` constraints are split off (see the class)."""
        for pattern in patterns:
            constraints = [(i, t["TAG"]) for i, t in enumerate(pattern) if "TAG" in t]
            if constraints and any("OP" in t for t in pattern):
                raise ValueError(f"{label}: a pattern with TAG takes no OP")
            key = f"{label}#{len(self._constraints)}"
            self._constraints[key] = (label, constraints)
            stripped = [{k: v for k, v in t.items() if k != "TAG"} for t in pattern]
            self._matcher.add(key, [stripped])

    def __call__(self, doc: Doc) -> Iterator[Match]:
        """Every match, as in ``Matcher``, its tag constraints unchecked."""
        for match_id, start, end in self._matcher(doc):
            label, constraints = self._constraints[doc.vocab.strings[match_id]]
            yield Match(doc, label, start, end, constraints)
