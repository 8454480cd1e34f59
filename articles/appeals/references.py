"""The signed reference a donate link carries to the payment page, and back in the donation.

    a12-v34-e-20261201-3f9c0a1b7d2e4c65
    │    │   │  │        └ HMAC-SHA256 (SECRET_KEY) of the rest, 64 bits, hex
    │    │   │  └ the day the ask was shown (the site's time zone)
    │    │   └ placement: e end of story, i inline, b banner, r reminder e-mail
    │    └ the copy: v<variant id>, m the main copy, h the holdback group (not shown)
    └ the appeal's id

Only letters, digits and dashes, under 60 characters: it fits Stripe's `client_reference_id`
and any form's hidden field. A reader can read it but not change it: a reference whose
signature does not match is not attributed to anything.
"""

import hmac
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit, urlunsplit

from django.utils.crypto import salted_hmac

SALT = "articles.appeals.donation-reference"
PARAMETER = "ref"  # the query parameter the donate link adds
PLACEMENTS = {"end": "e", "inline": "i", "banner": "b", "reminder": "r"}
PLACEMENT_NAMES = {letter: name for name, letter in PLACEMENTS.items()}
SHAPE = re.compile(r"a(\d{1,18})-(v\d{1,18}|m|h)-([eibr])-(\d{8})-([0-9a-f]{16})")


@dataclass(frozen=True)
class Reference:
    appeal_id: int
    variant_id: int | None
    holdback: bool
    placement: str  # "end", "inline", "banner", "reminder"
    day: date


def _signature(body):
    return salted_hmac(SALT, body, algorithm="sha256").hexdigest()[:16]


def sign(appeal_id, variant_id=None, placement="end", day=None, *, holdback=False):
    """The reference for a donate link of `appeal_id` (`variant_id` None: the main copy)."""
    day = day or date.today()
    copy = "h" if holdback else (f"v{variant_id}" if variant_id else "m")
    body = f"a{appeal_id}-{copy}-{PLACEMENTS[placement]}-{day:%Y%m%d}"
    return f"{body}-{_signature(body)}"


def read(text):
    """The Reference in `text`, or None if it is not one of ours or was changed."""
    match = SHAPE.fullmatch(text or "")
    if match is None:
        return None
    body = text.rsplit("-", 1)[0]
    if not hmac.compare_digest(_signature(body), match.group(5)):
        return None
    appeal, copy, letter, day = match.group(1, 2, 3, 4)
    try:
        shown = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return None
    return Reference(
        appeal_id=int(appeal),
        variant_id=int(copy[1:]) if copy.startswith("v") else None,
        holdback=copy == "h",
        placement=PLACEMENT_NAMES[letter],
        day=shown,
    )


def with_reference(url, reference):
    """`url` with the reference added as its `ref` query parameter."""
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, f"{PARAMETER}={reference}"]))
    return urlunsplit(parts._replace(query=query))
