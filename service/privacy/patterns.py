"""Pattern rules for personal data that has a shape: e-mail, phone, URL, IP, ID, address."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

from service.privacy import names as name_rules
from service.privacy.lexicons import surnames

PHONE_REGIONS = ("US", "GB", "DE", "IN", "FR", "AU")


@dataclass(frozen=True, order=True)
class Span:
    """A character span of personal data, with its placeholder label."""

    start: int
    end: int
    label: str


EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
# An address spelt out against harvesters: "bea dot lindqvist at example dot com", "jo (at) x.org".
_DOT = r"(?:\s+dot\s+|\s*[.]\s*|\s*\[dot\]\s*|\s*\(dot\)\s*)"
SPELT_EMAIL = re.compile(
    r"\b[a-z0-9_+-]+(?:" + _DOT + r"[a-z0-9_+-]+)*\s*(?:\s+at\s+|\(at\)|\[at\])\s*"
    r"[a-z0-9-]+(?:" + _DOT + r"[a-z0-9-]+)*(?:\s+dot\s+|\s*\[dot\]\s*|\s*\(dot\)\s*)"
    r"(?:com|org|net|edu|gov|io|co|uk|ie|de|fr|"
    r"nl|es|it|au|ca|in|example)\b",
    re.IGNORECASE,
)
# ``a.nowak[at]example.net``, ``jo (at) x.org``: only the ``at`` is disguised.
BRACKET_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*(?:\[at\]|\(at\)|\{at\})\s*[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b",
    re.IGNORECASE,
)
# ``@Mei``, ``@priya.s``: a chat mention names a person (the ``@`` stays outside the span);
# broadcast mentions (``@here``, ``@channel``) name nobody, and neither does a spreadsheet
# function (``@SUM(A1)``).
MENTION = re.compile(r"(?<![\w.@/])@([A-Za-z][\w.'’-]*[A-Za-z0-9])(?![\w(])")
_BROADCAST = frozenset({"here", "channel", "everyone", "all", "team", "group", "room"})

# --- URLs -------------------------------------------------------------------------------------
_TLD = (
    r"(?:com|org|net|io|me|co|us|uk|de|fr|in|au|ca|app|dev|ai|page|site|bio|link|ee|cc|info|"
    r"test|example)"
)
URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')]+"
    r"|(?<![@\w.-])(?:[a-z0-9-]+\.)+" + _TLD + r"(?:/[^\s<>\"')]*)?(?![\w@-])",
    re.IGNORECASE,
)
_PERSON_URL = re.compile(
    r"(linkedin\.com/in/|calendly\.com/|github\.com/|gitlab\.com/|twitter\.com/|x\.com/|"
    r"facebook\.com/|instagram\.com/|medium\.com/@|about\.me/|/~|/people/|/profile|/users?/|"
    r"zoom\.us/my/|meet\.google\.com/|teams\.microsoft\.com/l/meetup|youcanbook\.me|"
    r"acuityscheduling\.com|savvycal\.com/|cal\.com/|tidycal\.com/|meetings\.hubspot\.com/|"
    r"doodle\.com/bp/|linktr\.ee/|bsky\.app/profile/|threads\.net/@|tiktok\.com/@|youtube\.com/@|"
    r"behance\.net/|dribbble\.com/|read\.cv/|xing\.com/profile|orcid\.org/|wa\.me/|t\.me/|"
    r"researchgate\.net/profile|/@[\w.-]+|"
    r"/(?:speakers?|mentors?|team|staff|directory|bio|authors?|members?|person|employees?|u)/[\w.%-]+)",
    re.IGNORECASE,
)
_URL_PART = re.compile(r"[a-z]+(?:[-._][a-z]+){1,3}")
_GENERIC_PAGES = re.compile(
    r"github\.com/(?:features|pricing|about|enterprise|security|topics|"
    r"marketplace|sponsors|orgs|settings|login|join)\b",
    re.IGNORECASE,
)

# --- IP and ID numbers ------------------------------------------------------------------------
IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b(?!\.\d)")
IPV6_CANDIDATE = re.compile(
    r"(?<![\w:.])\[?[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:.]*(?:%\w+)?\]?(?![\w:])", re.IGNORECASE
)
_ID_WORDS = (
    r"employee|staff|badge|member(?:ship)?|payroll|personnel|student|passport|licen[cs]e|"
    r"driving licen[cs]e|driver'?s licen[cs]e|ssn|social security|national insurance|national id|"
    r"ni|contractor|visa(?: application)?|permit|parking permit|frequent[- ]flyer|loyalty|aadhaar|"
    r"nhs|medicare|pupil|patient|hospital|mrn|locum|candidate|applicant|learner|delegate|tfn|"
    r"tax file|ird|pps|pesel|curp|sin"
)
ID = re.compile(
    r"\b(?:(?:EMP|EID|ID|INC|REQ|RITM|TKT|CASE|CHG|SR|HR|EE)[-#_ ]?\d{3,}[A-Z]?"
    r"|(?:" + _ID_WORDS + r"|case|account|tax)\s*(?:id|number|no\.?|#|code)?"
    r"\s*(?:is\s+)?[:#]?\s*(?P<value>[A-Z]{0,3}[-\d][\d-]{3,}[A-Z]?)"
    r"|\d{3}-\d{2}-\d{4}"
    r"|[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]"
    r"|[A-Z]{5}\d{4}[A-Z])\b",
    re.IGNORECASE,
)
# A lead-in (``parking permit``), up to four words (``for Yaw is``), then the code: value only.
ID_AFTER_LEAD_IN = re.compile(
    r"\b(?i:"
    + _ID_WORDS
    + r"|reference|ref\.?)\b(?i:\s+(?:id|number|no\.?|code|reference|ref\.?))?"
    r"(?:[\s,:#]+(?:(?i:for|of|is|was)|[A-Z][\w'’-]+)){0,4}[\s,:#]+"
    r"(?P<value>(?:[A-Z]{1,4}[-/ ]?)?\d[\dA-Z]*(?:[-/][\dA-Z]+)*)\b"
)
_NOT_AN_ID_BEFORE = re.compile(
    r"\b(?:meeting|webinar|room|conference|cost cent(?:er|re)|invoice|po|"
    r"purchase order|flight|gate|page|version)\s*$",
    re.IGNORECASE,
)

# --- Addresses --------------------------------------------------------------------------------
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-ſ](?:[^\W\d_]|['’.-])*"
_PARTICLE = r"(?:de|da|do|dos|das|del|della|di|la|las|los|le|du|des|von|van|al|el|of)"
_WORDS = _CAP + r"(?:\s+(?:" + _CAP + "|" + _PARTICLE + r"))*"
_POSTCODE = (
    r"(?:\d{5}(?:-\d{3,4})?|\d{2}-\d{3}|\d{3}-\d{4}|\d{4,6}|[A-Z]{1,2}\d[\dA-Z]?\s*\d[A-Z]{2}"
    r"|[A-Z]\d[A-Z]\s?\d[A-Z]\d|[A-Z]\d{2}\s?[A-Z0-9]{4})"
)
_UNIT = (
    r"(?:Flat|Apt\.?|Apartment|Suite|Unit|Floor|Room|apto\.?|apt\.?|piso|andar|bloco|dpto\.?|"
    r"depto\.?|int\.?)"
)
_COMPONENT = (
    r"(?:"
    + _UNIT
    + r"\s*\d+[A-Za-z]?|(?:"
    + _POSTCODE
    + r"\s+)?"
    + _WORDS
    + r"(?:\s+-\s+[A-Z]{2})?(?:\s+"
    + _POSTCODE
    + r")?|"
    + _POSTCODE
    + r")"
)
_TAIL = r"(?:,\s*" + _COMPONENT + r"){0,4}"
_STREET = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Parkway|Pkwy|Way|Court|Ct|"
    r"Place|Pl|Square|Sq|Terrace|Close|Crescent|Cres|Highway|Hwy|Strasse|Straße|Row|Gardens|Mews|"
    r"Walk|Grove|Rise|Circle|Cir|Trail|Quay|Wharf|Embankment|Marg|View|Heights|Hill|Parade|Vale)\.?"
)
_STREET_FIRST = (
    r"(?:Rua|Avenida|Av\.|Calle|C/|Carrera|Calzada|Via|Viale|Corso|Piazza|Rue|Bd|Chemin|Plaza|Paseo|"
    r"Camino|Travessa|Alameda|Praça|Estrada|Rodovia|ul\.|al\.|pl\.|os\.|Jalan|Jl\.|Soi|Thanon|"
    r"Strada|Calea|Carrer|Rambla|rue|avenida|calle|rua)"
)
_END = r"(?=[\s.,;:!?)]|$)"
# Street names written as one word with the number after (German, Dutch, Nordic).
_STREET_SUFFIX = (
    r"(?:straße|strasse|str\.|gasse|platz|allee|weg|gracht|laan|plein|kade|straat|steeg|dijk|"
    r"gata|gatan|gade|vej|veien|vegen|väg|vägen|katu|tie)"
)
ADDRESSES = (
    # 221B Baker Street, London NW1 6XE; 1600 Amphitheatre Parkway, Mountain View, CA 94043
    re.compile(
        r"(?:\b" + _UNIT + r"\s*\d+[A-Z]?,?\s+)?"
        r"\b\d{1,5}[A-Z]?(?:-\d+)?\s+(?:(?:[A-Z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,4}"
        + _STREET
        + r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?"
        + r"(?:,?\s+(?:Apt\.?|Suite|Unit|Floor)\s*\d+[A-Z]?)?"
        + _TAIL
        + _END
    ),
    # 12 Rue de Rivoli, 75001 Paris; 5 Calle Mayor, Madrid (the number first)
    re.compile(
        r"\b\d{1,5}[A-Za-z]?,?\s+"
        + _STREET_FIRST
        + r"\s+(?:"
        + _PARTICLE
        + r"\s+)*"
        + _WORDS
        + _TAIL
        + _END
    ),
    # Rua das Acácias 88, apto 42, São Paulo - SP; ul. Lipowa 17/4, 00-950 Warszawa
    re.compile(
        r"\b"
        + _STREET_FIRST
        + r"\s+(?:"
        + _PARTICLE
        + r"\s+)*"
        + _WORDS
        + r",?\s+\d{1,5}[A-Za-z]?(?:[/-]\d+[A-Za-z]?)?"
        + _TAIL
        + _END
    ),
    # Plot 14, Ajose Palm Crescent, Lagos; House No. 312, Bole Road, Addis Ababa
    re.compile(
        r"\b(?:Plot|House|Block|Building|Bldg\.?|Door|Stand|Erf)\s+(?:No\.?\s*)?\d+[A-Z]?(?:/\d+)?,?\s+"
        + _WORDS
        + r"\s+"
        + _STREET
        + _TAIL
        + _END
    ),
    # 21 Eunhaeng-ro 5-gil, Seongdong-gu, Seoul 04770
    re.compile(
        r"\b\d{1,5}(?:-\d+)?\s+"
        + _CAP
        + r"-(?:ro|gil|daero)(?:\s+\d+(?:-(?:gil|ro))?)?"
        + _TAIL
        + _END
    ),
    # 3-5-1 Nishiazabu, Minato-ku, Tokyo 106-0031
    re.compile(
        r"\b\d{1,4}-\d{1,4}(?:-\d{1,4})?\s+"
        + _CAP
        + r"(?:\s+"
        + _CAP
        + r")?,\s*"
        + _CAP
        + r"-(?:ku|shi|cho|machi|gun|ken)\b"
        + _TAIL
        + _END
    ),
    # Lindenstraße 12, 10115 Berlin; Keizersgracht 214-2, 1016 DX Amsterdam (the number after)
    re.compile(
        r"\b" + _CAP + _STREET_SUFFIX + r"\s+\d{1,5}[A-Za-z]?(?:[-/]\d+[A-Za-z]?)?" + _TAIL + _END
    ),
    # Flat 302, Shanti Apartments, 14th Cross, Indiranagar, Bengaluru 560038: up to five parts
    # after a flat number, ending in a postcode
    re.compile(
        r"\b"
        + _UNIT
        + r"\s*\d+[A-Z]?,(?:\s*[\w'’. -]{2,40}?,){1,5}\s*"
        + _WORDS
        + r"\s+"
        + _POSTCODE
        + _END
    ),
    # 23 kings rd, cardiff cf11 9ab: written in lower case, with a UK postcode
    re.compile(
        r"\b\d{1,5}[a-z]?\s+(?:[a-z]+\s+){1,3}(?:rd|road|st|street|ave|avenue|lane|ln|close|drive|dr|"
        r"way|crescent|terrace|grove|gardens|place|court)\b\.?,?\s+[a-z]+(?:\s+[a-z]+)?,?\s+"
        r"[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b"
    ),
    # PO Box 5521, Dubai; PO Box 4471-00100, Nairobi
    re.compile(
        r"\b(?i:P\.?\s?O\.?\s?Box|Post Office Box|Postfach|Apartado|Caixa Postal)\s*\d+(?:-\d+)?"
        + _TAIL
        + _END
    ),
)

# --- Phones -----------------------------------------------------------------------------------
_DATE_LIKE = re.compile(
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$"
    r"|^(?:19|20)\d{2}[-/.]?(?:0[1-9]|1[0-2])[0-3]\d$"
)
_VERSION_BEFORE = re.compile(r"\b(?:version|ver|v|build|release)\.?\s*$", re.IGNORECASE)
# ``section 3.2.1.4 of the handbook``: a numbered heading, not an IP address.
_SECTION_BEFORE = re.compile(
    r"\b(?:section|sect|sec|clause|paragraph|para|chapter|ch|rule|step|item|part|§)\.?\s*$",
    re.IGNORECASE,
)
_VERSION = re.compile(r"^\d{1,3}(?:\.\d+){3,}$")
_PHONE_SHAPE = re.compile(
    r"(?<![\w.])\+?\(?\d[\d\s().-]{6,}\d(?:\s*(?:ext\.?|x|extension)\s*\d{1,5})?(?!\w)",
    re.IGNORECASE,
)
_LOCAL_PHONE = re.compile(r"(?<![\w.+-])\d{3}[-. ]\d{4}(?![\w-])")
# ``x0145``, ``ext. 2210``: an extension on its own, after a phone cue.
_EXTENSION_ALONE = re.compile(r"(?<![\w-])(?:x|ext\.?\s?)\d{3,5}(?![\w-])", re.IGNORECASE)
_PHONE_CUE = re.compile(
    r"\b(?:phone|number|call|ring|text|mobile|cell|tel|landline|whatsapp|dial|"
    r"reach|extension|ext|contact|line)\b[^.!?]{0,30}$|\bon\s+$",
    re.IGNORECASE,
)
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:[A-Za-z]-|\bv|\b(?:version|build|release|invoice|po|order|ref(?:erence)?|passcode|"
    r"abn|acn|vat|company|registration|confirmation|booking|parcel id|claim|policy|"
    r"shipment|tracking|parcel|consignment|awb|dhl|fedex|ups|usps|"
    r"(?:zoom|teams|meeting|webinar|conference)(?:\s+(?:id|number|no))?)\.?\s*[#:]?\s*"
    r"(?:is\s+)?)$",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"^\s*(?:ext\.?|x|extension)\s*\d{1,5}", re.IGNORECASE)
# ``meeting ID for the call is 884 2231 9017``: a meeting's number a few words on.
_MEETING_NUMBER_BEFORE = re.compile(
    r"\b(?:meeting|webinar|zoom|teams|conference|dial-in)\s+(?:id|number|no\.?|code)\b"
    r"[^.!?\d]{0,30}$",
    re.IGNORECASE,
)
# A shared line (``the helpdesk on ext 4357``) is nobody's own number.
_SHARED_LINE_BEFORE = re.compile(
    r"\b(?:help\s?desk|service\s?desk|it\s+desk|switchboard|reception|front\s+desk|support|"
    r"hotline|security|facilities)\b[^.!?]{0,20}$",
    re.IGNORECASE,
)


def _is_ipv6(candidate: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(candidate.split("%")[0]), ipaddress.IPv6Address)
    except ValueError:
        return False


def find_ips(text: str) -> Iterator[Span]:
    """IPv4 and IPv6 addresses (a sentence's full stop or brackets stay outside the span)."""
    for match in IPV4.finditer(text):
        before = text[: match.start()]
        if not (_VERSION_BEFORE.search(before) or _SECTION_BEFORE.search(before)):
            yield Span(match.start(), match.end(), "IP")
    for match in IPV6_CANDIDATE.finditer(text):
        candidate = match.group()
        start = match.start() + (len(candidate) - len(candidate.lstrip("[")))
        address = candidate.strip("[]").rstrip(".")
        if _is_ipv6(address):
            yield Span(start, start + len(address), "IP")


def find_ids(text: str) -> Iterator[Span]:
    """Employee, badge, passport, national and ticket numbers (not meeting, room or PO numbers)."""
    for match in ID.finditer(text):
        if any(c.isdigit() for c in match.group()) and not _NOT_AN_ID_BEFORE.search(
            text[: match.start()]
        ):
            # The value only: lead-in words such as "employee number" stay outside the span.
            start = match.start("value") if match.group("value") else match.start()
            start += len(text[start : match.end()]) - len(text[start : match.end()].lstrip("-"))
            yield Span(start, match.end(), "ID")
    for match in ID_AFTER_LEAD_IN.finditer(text):
        value = match.group("value")
        digits = sum(c.isdigit() for c in value)
        shaped = any(c.isalpha() or c in "-/" for c in value) or digits >= 5
        if digits >= 3 and shaped and not re.fullmatch(r"(?:19|20)\d\d", value):
            yield Span(match.start("value"), match.end("value"), "ID")


def _not_a_phone(text: str, start: int, candidate: str) -> bool:
    """Version strings, dates and codes such as ``VA-2291-0456`` are not phone numbers."""
    candidate = candidate.strip()
    return bool(
        _DATE_LIKE.match(candidate)
        or _VERSION.match(candidate)
        or _NOT_A_PHONE_BEFORE.search(text[:start])
        or _MEETING_NUMBER_BEFORE.search(text[:start])
    )


def find_phones(text: str) -> Iterator[Span]:
    """Phone numbers in international and national formats (libphonenumber, then shape rules)."""
    seen: list[Span] = [
        Span(m.start(), m.end(), "PHONE")
        for m in _EXTENSION_ALONE.finditer(text)
        if not _SHARED_LINE_BEFORE.search(text[: m.start()])
        and (_PHONE_CUE.search(text[: m.start()]) or m.group()[:1].lower() == "e")
    ]
    if sum(c.isdigit() for c in text) < 7:
        yield from seen
        return
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        ):
            end = match.end
            extension = _EXTENSION.match(text[end:])
            if extension:
                end += extension.end()
            if not _not_a_phone(text, match.start, match.raw_string):
                seen.append(Span(match.start, end, "PHONE"))
    for shape in _PHONE_SHAPE.finditer(text):
        candidate = shape.group().rstrip()
        digits = sum(c.isdigit() for c in candidate)
        if 8 <= digits <= 15 and not _not_a_phone(text, shape.start(), candidate):
            seen.append(Span(shape.start(), shape.start() + len(candidate), "PHONE"))
    for local in _LOCAL_PHONE.finditer(text):
        if _PHONE_CUE.search(text[: local.start()]) and not _not_a_phone(
            text, local.start(), local.group()
        ):
            seen.append(Span(local.start(), local.end(), "PHONE"))
    yield from seen


def _names_a_person(url: str, gazetteer: frozenset[str]) -> bool:
    """A profile or booking URL, or one whose host or path reads like a name (``amara-nwosu``)."""
    if _GENERIC_PAGES.search(url):
        return False
    if _PERSON_URL.search(url):
        return True
    host_and_path = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE)
    for part in re.split(r"[/?#=&.]", host_and_path.lower()):
        if _joined_name(part):
            return True
    for part in re.split(r"[/?#=&]", host_and_path.lower()):
        if not _URL_PART.fullmatch(part):
            continue
        words = re.split(r"[-._]", part)
        if words[0] in name_rules.NOT_NAMES:
            continue
        first = words[0]
        if first in gazetteer or (
            len(first) > 2 and name_rules.is_given_name(first) and first not in name_rules.AMBIGUOUS
        ):
            return True
        if name_rules.is_given_name(first) and name_rules.is_surname(words[1]):
            return True  # ``dawn-richards``: a name-word with a family name
    return False


_SPLITS_LIKE_A_NAME = frozenset({"linkedin"})  # "link" + "edin": a host, not a person


def _joined_name(part: str) -> bool:
    """A host label or path part that is a given name and a family name written together
    (``aishabello``, ``tomwojcik``): the given name unambiguous, the family name in the lexicon."""
    if not (7 <= len(part) <= 24 and part.isalpha()) or part in _SPLITS_LIKE_A_NAME:
        return False
    known = surnames()
    for cut in range(3, len(part) - 3):
        first, rest = part[:cut], part[cut:]
        if (
            first in name_rules.NOT_NAMES
            or rest not in known
            or not name_rules.is_given_name(first)
        ):
            continue
        if first not in name_rules.AMBIGUOUS or len(rest) >= 4:  # "tom" + "wojcik", "drew" + "chen"
            return True
    return False


def find_urls(text: str, gazetteer: frozenset[str] = frozenset()) -> Iterator[Span]:
    """URLs that carry a person: profiles, booking pages, personal sites, directory pages."""
    for match in URL.finditer(text):
        url = match.group().rstrip(".,;:!?")
        if _names_a_person(url, gazetteer):
            yield Span(match.start(), match.start() + len(url), "URL")


def find_addresses(text: str) -> Iterator[Span]:
    """Street addresses in English, continental, Latin American, East Asian and PO-box formats."""
    for pattern in ADDRESSES:
        for match in pattern.finditer(text):
            text_of = match.group().rstrip(".")
            yield Span(match.start(), match.start() + len(text_of), "ADDRESS")


_SPELT_WORDS = frozenset({"it", "this", "that", "the", "home", "work", "one", "all", "me", "us"})


def _spelt(found: str) -> bool:
    """A spelt-out address rather than prose ("look at this dot com"): the "at" is bracketed,
    or the name has a dot, a digit or an underscore, or is a given name; the host no common word."""
    local, _, host = re.split(r"(\s+at\s+|\(at\)|\[at\])", found, maxsplit=1, flags=re.I)
    if re.split(r"\s+dot\s+|[.\s]", host.strip().lower())[0] in _SPELT_WORDS:
        return False
    local = local.strip()
    if "(at)" in found.lower() or "[at]" in found.lower():
        return True
    if re.search(r"\bdot\b|[.\d_]", local, re.I):
        return True
    return name_rules.is_given_name(local) and local.lower() not in name_rules.AMBIGUOUS


_SPOKEN_DIGIT = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|double|triple)"
# ``call marlon on oh four nine one five seven...``: a number read out in a voice transcript.
SPOKEN_NUMBER = re.compile(
    r"\b(?:plus\s+)?" + _SPOKEN_DIGIT + r"(?:[\s,-]+" + _SPOKEN_DIGIT + r"){5,}\b", re.IGNORECASE
)
_SPOKEN_ID_BEFORE = re.compile(
    r"\b(?:id|employee|staff|member|membership|hospital|patient|payroll|student|sin|tfn|ird|"
    r"badge|ni|nhs|number\s+is\s+(?=\S*$))\b[^.!?]{0,25}$",
    re.IGNORECASE,
)
_SPOKEN_PHONE_BEFORE = re.compile(
    r"\b(?:call|ring|phone|mobile|cell|on|text|whatsapp|number is|back on)\b[^.!?]{0,15}$",
    re.IGNORECASE,
)


def find_spoken_numbers(text: str) -> Iterator[Span]:
    """Numbers read out digit by digit (``eight seven six five five five oh one four two``): a
    phone after a phone cue, an ID after an ID cue, else a phone from eight digits up."""
    for match in SPOKEN_NUMBER.finditer(text):
        before = text[: match.start()]
        digits = len(re.findall(_SPOKEN_DIGIT, match.group(), re.IGNORECASE))
        if _SPOKEN_ID_BEFORE.search(before) and not before.rstrip().lower().endswith("on"):
            yield Span(match.start(), match.end(), "ID")
        elif _SPOKEN_PHONE_BEFORE.search(before) or digits >= 8:
            yield Span(match.start(), match.end(), "PHONE")


def find_patterns(text: str, *, gazetteer: frozenset[str] = frozenset()) -> list[Span]:
    """Every shaped span in ``text`` (may overlap; the caller resolves overlaps)."""
    spans: list[Span] = [Span(m.start(), m.end(), "EMAIL") for m in EMAIL.finditer(text)]
    spans += [
        Span(m.start(), m.end(), "EMAIL") for m in SPELT_EMAIL.finditer(text) if _spelt(m.group())
    ]
    spans += [Span(m.start(), m.end(), "EMAIL") for m in BRACKET_EMAIL.finditer(text)]
    spans += [
        Span(m.start(1), m.end(1), "PERSON")
        for m in MENTION.finditer(text)
        if m.group(1).lower() not in _BROADCAST
    ]
    spans += find_urls(text, gazetteer)
    spans += find_ips(text)
    spans += find_ids(text)
    spans += find_addresses(text)
    spans += find_phones(text)
    spans += find_spoken_numbers(text)
    return spans
