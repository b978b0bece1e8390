"""Personal e-mail addresses and phone numbers in text.

E-mail: an address is the school's when its domain is one of the school's configured domains or a
subdomain of one. `*.sch.uk` is a public suffix, so "the registered domain" of
`head@straits.sch.uk` would be `straits.sch.uk`'s suffix; comparing with the configured domains is
the only sound test. Written-out addresses ("jo dot bloggs at gmail dot com") are found too, with
less confidence.

Phones: the `phonenumbers` package, region GB, which knows every UK format (07700 900123,
+44 7700 900123, (01632) 960000, 0044 ...). Ofcom's drama ranges (07700 900000-900999,
01632 960000-960999, 020 7946 0000-0999, ...) are not valid numbers, yet to a reader they are a
mobile or landline number like any other and the policy's concern, a personal number made public,
is the same; they are flagged with full confidence. Other numbers that are only possible (the
right length, not an allocated range) are flagged with less confidence. A run of digits that is
not phone-shaped for the UK (a date range, an amount) is not a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![\w-])"
)
# "jo.bloggs at gmail dot com", "jo [at] gmail [dot] com", "jo(at)gmail(dot)co(dot)uk"
# "jo @ gmail . com": spaced out so a bot will not read it, which a person still can.
_AT = r"\s*(?:\[at\]|\(at\)|\{at\}|\sat\s|\s@\s)\s*"
_DOT = r"\s*(?:\[dot\]|\(dot\)|\{dot\}|\sdot\s|\s\.\s)\s*"
_WRITTEN_EMAIL = re.compile(
    r"(?<![\w.])([A-Za-z0-9][A-Za-z0-9._-]{0,63}(?:"
    + _DOT
    + r"[A-Za-z0-9_-]{1,63})*)"
    + _AT
    + r"((?:[A-Za-z0-9-]{2,63}(?:"
    + _DOT
    + r"|\.))+(?:com|net|org|uk|co|io|me|info|edu|ac))\b",
    re.IGNORECASE,
)
_WRITTEN_DOT = re.compile(_DOT, re.IGNORECASE)
# Seven digits, loosely separated: the least a phone number can be; cheaper than the matcher.
_DIGITS = re.compile(r"\d(?:[\s().\-]{0,3}\d){6}")
# A label just before a number that says it is a reference, not a phone: order and invoice
# numbers, bookings, accounts, ISBNs. People write these with leading zeros, phone-length.
_REFERENCE_LABEL = re.compile(
    r"\b(?:(?:order|ref|reference|invoice|inv|tracking|booking|account|acct|a/c|policy|serial"
    r"|transaction|confirmation|receipt|purchase order|po|isbn|issn|upn|urn|ucas|laestab|vat|utr"
    r"|sort code|consignment|parcel|voucher|gift card)(?:'s)?"
    r"(?:\s*(?:no\.?|nos\.?|number|num|#|code|ref|id))?"
    r"|(?:case|claim|customer|member|membership|registration|reg|company|charity|ticket|card"
    r"|passport|licence|license|item|product|model|part|batch|student|pupil|candidate|exam"
    r"|room|flight|nhs|national insurance|ni|tax|dfe|id)"
    r"\s*(?:no\.?|nos\.?|number|num|#|ref|id))\s*(?:is|was|:|#|-)?\s*$",
    re.IGNORECASE,
)
# Groups of digits the way UK numbers are grouped: the first group after the trunk 0 is the
# area code or mobile prefix, so never one or two digits ("0-14-032872-1" is an ISBN).
_FIRST_GROUP = re.compile(r"^\(?(\d+)")
FREEMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "live.co.uk",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "talktalk.net",
        "protonmail.com",
        "proton.me",
        "mail.com",
        "gmx.com",
        "gmx.co.uk",
        "ntlworld.com",
        "msn.com",
    }
)
# Ofcom's numbers for drama (TV, radio, film, books): not allocated, so never "valid".
_DRAMA = re.compile(
    r"^\+44(?:7700900|1632960|2079460|1134960|1144960|1154960|1164960|1174960|1184960|1214960"
    r"|1314960|1414960|1514960|1614960|1914980|2890180|2920180|3069990|8081570|9098790)\d{3}$"
)


_PERSONAL_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
        phonenumbers.PhoneNumberType.VOIP,
        phonenumbers.PhoneNumberType.PAGER,
        phonenumbers.PhoneNumberType.UNKNOWN,
    }
)


@dataclass(frozen=True, slots=True)
class Contact:
    kind: str  # personal_email | personal_phone
    start: int
    end: int
    confidence: float


def normalise_number(raw: str) -> str | None:
    """A number as E.164 if it could be a phone number (UK unless it says otherwise)."""
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _is_school_domain(domain: str, school_domains: tuple[str, ...]) -> bool:
    domain = domain.lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in school_domains)


def find_emails(text: str, school_domains: tuple[str, ...]) -> Iterator[Contact]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            domain = m.group(1)
            if _is_school_domain(domain, school_domains):
                continue
            yield Contact("personal_email", m.start(), m.end(), 1.0)
    lowered = text.lower()
    if (
        ("at" in lowered and ("dot" in lowered or "." in lowered))
        or "[at]" in lowered
        or "(at)" in lowered
        or " @ " in lowered
    ):
        for m in _WRITTEN_EMAIL.finditer(text):
            domain = _WRITTEN_DOT.sub(".", m.group(2)).lower()
            if _is_school_domain(domain, school_domains):
                continue
            # "at" with real dots ("jo at gmail.com") is an address only at a mail provider:
            # "I work at bbc.co.uk" is a place of work.
            written = _WRITTEN_DOT.search(m.group()) or "[at]" in m.group().lower()
            if not written and "(at)" not in m.group().lower() and domain not in FREEMAIL:
                continue
            yield Contact("personal_email", m.start(), m.end(), 0.85)


def find_phones(text: str, school_numbers: frozenset[str]) -> Iterator[Contact]:
    if not _DIGITS.search(text):
        return
    for m in PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE):
        number = m.number
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in school_numbers:
            continue
        raw = m.raw_string
        digits = re.sub(r"\D", "", raw)
        written_international = raw.lstrip().startswith(("+", "00"))
        # A UK number is written with its trunk 0 or an international prefix; without either,
        # a run of digits (a date range, a reference) is not taken for a phone number.
        if not written_international and not digits.startswith("0"):
            continue
        if _REFERENCE_LABEL.search(text[max(0, m.start - 40) : m.start]):
            continue
        first = _FIRST_GROUP.match(raw.lstrip())
        if not written_international and first and len(first.group(1)) < min(3, len(digits)):
            continue
        uk = e164.startswith("+44")
        if _DRAMA.match(e164):
            confidence = 1.0
        elif phonenumbers.is_valid_number(number):
            # Helplines, freephone and shared-cost numbers are no one's personal number.
            if phonenumbers.number_type(number) not in _PERSONAL_TYPES:
                continue
            confidence = 1.0
        elif not uk:
            # A foreign number must be a real one: "00" before a reference is no dialling code.
            continue
        elif len(digits) >= 10 and (written_international or digits[:2] in ("01", "02", "07")):
            confidence = 0.7
        else:
            continue
        yield Contact("personal_phone", m.start, m.end, confidence)
