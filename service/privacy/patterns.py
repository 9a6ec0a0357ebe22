"""Pattern rules for personal data that has a shape: e-mail, phone, URL, IP, ID, address."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

PHONE_REGIONS = ("US", "GB", "DE", "IN", "FR", "AU")


@dataclass(frozen=True, order=True)
class Span:
    """A character span of personal data, with its placeholder label."""

    start: int
    end: int
    label: str


EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|me)/[^\s<>\"')]+",
                 re.IGNORECASE)
_PERSON_URL = re.compile(
    r"(linkedin\.com/in/|calendly\.com/|github\.com/|gitlab\.com/|twitter\.com/|x\.com/|"
    r"facebook\.com/|instagram\.com/|medium\.com/@|about\.me/|/~|/people/|/profile|/users?/|"
    r"zoom\.us/my/|meet\.google\.com/|teams\.microsoft\.com/l/meetup)",
    re.IGNORECASE,
)
IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
IPV6_CANDIDATE = re.compile(r"(?<![\w:])[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:.]*(?![\w:])", re.IGNORECASE)
ID = re.compile(
    r"\b(?:(?:EMP|EID|ID|INC|REQ|RITM|TKT|CASE|CHG|SR|HR|PO|EE)[-#_ ]?\d{3,}[A-Z]?"
    r"|(?:employee|staff|badge|member|payroll|personnel|student|ticket|case|account|passport|"
    r"license|licence|ssn|social security|national insurance|ni|tax)\s*(?:id|number|no\.?|#|code)?"
    r"\s*(?:is\s+)?[:#]?\s*[A-Z]{0,3}[-\d][\d-]{3,}[A-Z]?"
    r"|\d{3}-\d{2}-\d{4}"
    r"|[A-Z]{2}\d{6}[A-D])\b",
    re.IGNORECASE,
)
_STREET = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Parkway|Pkwy|Way|Court|Ct|"
    r"Place|Pl|Square|Sq|Terrace|Close|Crescent|Highway|Hwy|Strasse|Straße|Row|Gardens|Mews)\.?"
)
ADDRESS = re.compile(
    r"(?:\b(?:Flat|Apt\.?|Apartment|Suite|Unit|Floor)\s*\d+[A-Z]?,?\s+)?"
    r"\b\d{1,5}[A-Z]?(?:-\d+)?\s+(?:[A-Z][\w'’.-]*\s+){1,4}" + _STREET
    + r"(?:,?\s+(?:Apt\.?|Suite|Unit|Floor)\s*\d+[A-Z]?)?"
    r"(?:,\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*){0,2}"
    r"(?:,?\s+(?:[A-Z]{2}\s+)?\d{5}(?:-\d{4})?|,?\s+[A-Z]{1,2}\d[\dA-Z]?\s*\d[A-Z]{2})?"
    r"(?=[\s.,;:!?)]|$)"
)
_DATE_LIKE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")
_PHONE_SHAPE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().-]{6,}\d(?:\s*(?:ext\.?|x|extension)\s*\d{1,5})?(?!\w)",
                          re.IGNORECASE)
_EXTENSION = re.compile(r"^\s*(?:ext\.?|x|extension)\s*\d{1,5}", re.IGNORECASE)


def _is_ipv6(candidate: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(candidate), ipaddress.IPv6Address)
    except ValueError:
        return False


def find_phones(text: str) -> Iterator[Span]:
    """Phone numbers in international and national formats (libphonenumber, then a shape rule)."""
    seen: list[Span] = []
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            end = match.end
            extension = _EXTENSION.match(text[end:])
            if extension:
                end += extension.end()
            seen.append(Span(match.start, end, "PHONE"))
    for match in _PHONE_SHAPE.finditer(text):
        candidate = match.group().strip()
        digits = sum(c.isdigit() for c in candidate)
        if 8 <= digits <= 15 and not _DATE_LIKE.match(candidate):
            seen.append(Span(match.start(), match.start() + len(match.group().rstrip()), "PHONE"))
    yield from seen


def find_patterns(text: str) -> list[Span]:
    """Every shaped span in ``text`` (may overlap; the caller resolves overlaps)."""
    spans: list[Span] = [Span(m.start(), m.end(), "EMAIL") for m in EMAIL.finditer(text)]
    for match in URL.finditer(text):
        url = match.group().rstrip(".,;:!?")
        if _PERSON_URL.search(url):
            spans.append(Span(match.start(), match.start() + len(url), "URL"))
    spans += [Span(m.start(), m.end(), "IP") for m in IPV4.finditer(text)]
    spans += [Span(m.start(), m.end(), "IP") for m in IPV6_CANDIDATE.finditer(text)
              if _is_ipv6(m.group())]
    spans += [Span(m.start(), m.end(), "ID") for m in ID.finditer(text) if any(c.isdigit() for c in m.group())]
    spans += [Span(m.start(), m.end(), "ADDRESS") for m in ADDRESS.finditer(text)]
    spans += list(find_phones(text))
    return spans
