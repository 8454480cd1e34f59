"""Donation appeals at work: which appeal a page shows, counting what readers did, imports.

Selection is the same for every reader of a page, so pages stay cacheable; it costs one
query, or none when Django's cache has it. The cache is invalidated whenever an appeal or
variant changes (a new "generation" key), and entries live `SELECTION_TTL` seconds at most.
"""

import hashlib
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .html import paragraphs_to_html
from .importing import ParsedAppeal
from .models import Appeal, AppealCounter, AppealVariant

SELECTION_TTL = 60
GENERATION_KEY = "appeals:generation"
VARIANT_FIELDS = ("pk", "name", "heading", "greeting", "body", "cta_label", "weight")
# A beacon is a handful of small events; anything much bigger is not ours.
MAX_BEACON_BYTES = 4096
MAX_BEACON_EVENTS = 50
EVENT_TYPES = AppealCounter.EVENTS


@dataclass(frozen=True)
class PageAppeals:
    """At most one appeal per placement for one page."""

    end: Appeal | None = None
    inline: Appeal | None = None
    banner: Appeal | None = None

    def __bool__(self):
        return any((self.end, self.inline, self.banner))


# --- Selection ---------------------------------------------------------------------------


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def forget_selection():
    """Make every cached selection stale: called whenever an appeal or variant changes."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def select_for_page(section_id, tag_ids, now=None):
    """The best appeal for each placement on a page in `section_id` with `tag_ids`."""
    now = now or timezone.now()
    tag_ids = sorted(set(tag_ids))
    tags_key = hashlib.blake2b(",".join(map(str, tag_ids)).encode(), digest_size=8).hexdigest()
    key = f"appeals:{_generation()}:page:{section_id or '-'}:{tags_key}"
    candidates = cache.get(key)
    if candidates is None:
        candidates = _candidates(section_id, tag_ids, now)
        cache.set(key, candidates, SELECTION_TTL)
    chosen = {}
    for appeal in candidates:
        if appeal.is_showing_at(now):
            chosen.setdefault(appeal.placement, appeal)
    return PageAppeals(**chosen)


def _candidates(section_id, tag_ids, now):
    """One query: live appeals that fit the page and show now or within the cache's lifetime,
    by priority, each with its variants (a LEFT JOIN, one row per variant)."""
    rows = (
        Appeal.objects.live(now, starting_within=timedelta(seconds=SELECTION_TTL))
        .targeting(section_id, tag_ids)
        .annotate(**{f"variant_{field}": F(f"variants__{field}") for field in VARIANT_FIELDS})
        .order_by("-priority", "-starts_at", "pk", "variants__pk")
    )
    appeals = {}
    for row in rows:
        appeal = appeals.setdefault(row.pk, row)
        if not hasattr(appeal, "display_variants"):
            appeal.display_variants = []
        if row.variant_pk is not None:
            appeal.display_variants.append(
                AppealVariant(
                    appeal_id=row.pk, **{f: getattr(row, f"variant_{f}") for f in VARIANT_FIELDS}
                )
            )
    return list(appeals.values())


# --- Events ------------------------------------------------------------------------------


class BeaconError(ValueError):
    """A beacon we refuse; the message is the short reason sent back with the 400."""


def known_appeals():
    """{appeal id: (sample rate, {variant ids})} for every appeal that may send events."""
    key = f"appeals:{_generation()}:known"
    known = cache.get(key)
    if known is None:
        known = {}
        rows = Appeal.objects.exclude(status=Appeal.Status.DRAFT).values_list(
            "pk", "sample_rate", "variants__pk"
        )
        for pk, sample_rate, variant_pk in rows:
            known.setdefault(pk, (sample_rate, set()))
            if variant_pk is not None:
                known[pk][1].add(variant_pk)
        cache.set(key, known, SELECTION_TTL)
    return known


def parse_beacon(body: bytes):
    """Validate a beacon body; return Counter({(appeal, variant, event): n}) or raise."""
    if len(body) > MAX_BEACON_BYTES:
        raise BeaconError(f"The body is larger than {MAX_BEACON_BYTES} bytes.")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BeaconError("The body is not JSON.") from None
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or not events:
        raise BeaconError('Expected {"events": [...]} with at least one event.')
    if len(events) > MAX_BEACON_EVENTS:
        raise BeaconError(f"At most {MAX_BEACON_EVENTS} events per beacon.")
    known = known_appeals()
    counts = Counter()
    for event in events:
        if not isinstance(event, dict) or not set(event) <= {"appeal", "variant", "type"}:
            raise BeaconError('Each event is {"appeal": id, "variant": id|null, "type": …}.')
        appeal, variant, kind = event.get("appeal"), event.get("variant"), event.get("type")
        if not _is_id(appeal) or appeal not in known:
            raise BeaconError(f"Unknown appeal: {appeal!r}.")
        if variant is not None and (not _is_id(variant) or variant not in known[appeal][1]):
            raise BeaconError(f"Unknown variant of appeal {appeal}: {variant!r}.")
        if kind not in EVENT_TYPES:
            raise BeaconError(f"Unknown event type: {kind!r}.")
        counts[appeal, variant, kind] += 1
    return counts


def _is_id(value):
    return type(value) is int and 0 < value < 2**63


def count_events(counts, day=None):
    """Add `counts` ({(appeal, variant, event): n}) to the day's counters, atomically.

    One `INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n` per counter row: the
    database adds under its row lock, so concurrent beacons never lose an increment (SQLite
    3.24+ and PostgreSQL share this syntax). Rows are written in a fixed order so concurrent
    transactions cannot deadlock.
    """
    day = day or timezone.localdate()
    known = known_appeals()
    rows = {}
    for (appeal, variant, kind), n in counts.items():
        rows.setdefault((appeal, variant), Counter())[kind] += n
    table = connection.ops.quote_name(AppealCounter._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in EVENT_TYPES)
    placeholders = ", ".join(["%s"] * (4 + len(EVENT_TYPES)))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Counters need not wait for the disk: a crash could lose the last moment's
            # counts, never an increment raced by another beacon. Measured: ~10x throughput.
            cursor.execute("SET LOCAL synchronous_commit = off")
        for (appeal, variant), events in sorted(rows.items(), key=_row_order):
            if variant is None:
                target = "(appeal_id, day, sample_rate) WHERE variant_id IS NULL"
            else:
                target = "(appeal_id, variant_id, day, sample_rate) WHERE variant_id IS NOT NULL"
            updates = ", ".join(
                f"{name} = {table}.{name} + excluded.{name}" for name in EVENT_TYPES if events[name]
            )
            cursor.execute(
                f"INSERT INTO {table} (appeal_id, variant_id, day, sample_rate, {columns}) "
                f"VALUES ({placeholders}) ON CONFLICT {target} DO UPDATE SET {updates}",
                [appeal, variant, day, known[appeal][0], *(events[n] for n in EVENT_TYPES)],
            )


def _row_order(item):
    (appeal, variant), _ = item
    return appeal, variant or 0


BEACON_CONTENT_TYPES = {"text/plain", "application/json"}
WRITE_ATTEMPTS = 5


@csrf_exempt  # Beacons cannot carry a CSRF token; this view only adds to counters.
@require_POST
def appeal_events(request):
    """The beacon endpoint: 204 when counted; 400 with a short reason, counting nothing."""
    if request.content_type not in BEACON_CONTENT_TYPES:
        return _refuse("Send the events as text/plain or application/json.")
    origin = request.headers.get("Origin")
    if request.headers.get("Sec-Fetch-Site") == "cross-site" or (
        origin and origin.partition("://")[2] != request.get_host()
    ):
        return _refuse("Events are accepted from this site's own pages only.")
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return _refuse("Bad Content-Length.")
    if length > MAX_BEACON_BYTES:
        return _refuse(f"The body is larger than {MAX_BEACON_BYTES} bytes.")
    try:
        counts = parse_beacon(request.body)
    except BeaconError as error:
        return _refuse(str(error))
    for attempt in range(WRITE_ATTEMPTS):
        try:
            count_events(counts)
            break
        except IntegrityError:  # the appeal or variant was deleted a moment ago
            return _refuse("Unknown appeal or variant.")
        except OperationalError:
            # SQLite answers "database is locked" to a second writer at once; the
            # transaction rolled back whole, so trying again cannot count twice.
            if attempt == WRITE_ATTEMPTS - 1:
                response = HttpResponse("Busy, events not counted.", status=503)
                response["Retry-After"] = "1"
                return response
            time.sleep(0.01 * 2**attempt)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


def _refuse(reason):
    response = HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


# --- Imports -----------------------------------------------------------------------------


def save_parsed_appeal(parsed: ParsedAppeal, *, story=None) -> Appeal:
    """Turn an imported appeal block into an `Appeal`, word for word.

    A new appeal is a draft: staff add the donation URL and put it live. Importing the same
    block again returns the appeal made the first time instead of a copy.
    """
    copy = {
        "heading": parsed.heading[:200],
        "greeting": parsed.greeting[:200],
        "body": paragraphs_to_html(parsed.paragraphs),
        "remind_label": (parsed.remind_label or "Remind me later")[:80],
    }
    existing = Appeal.objects.filter(**copy).order_by("pk").first()
    if existing is not None:
        return existing
    name = parsed.heading if story is None else f"{parsed.heading} (from “{story.headline}”)"
    return Appeal.objects.create(
        name=name[:120], status=Appeal.Status.DRAFT, source_story=story, **copy
    )
