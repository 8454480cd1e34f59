"""Donation appeals: import, selection, the story page, the event endpoint and the admin."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.appeals import references
from articles.appeals.events import MAX_BEACON_BYTES, count_events, parse_beacon
from articles.appeals.imports import save_parsed_appeal
from articles.appeals.selection import select_for_page
from articles.demo import load_demo, seed_story
from articles.html import html_to_text
from articles.models import Appeal, AppealCounter, Story
from articles.templatetags.appeals import insertion_point
from tests.factories import make_appeal, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db
EVENTS_URL = "/appeals/events/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def beacon(client, events, **extra):
    """Send `events` as one page view's beacon (with a fresh view token), or a raw body."""
    extra.setdefault("content_type", "text/plain;charset=UTF-8")
    extra.setdefault("headers", {"Origin": "http://testserver"})
    if isinstance(events, (str, bytes)):
        body = events
    else:
        token = client.post("/appeals/token/", headers={"Origin": "http://testserver"})
        body = json.dumps({"token": token.json()["token"], "events": events})
    return client.post(EVENTS_URL, body, **extra)


def counters(appeal):
    """(variant id, rendered, seen, clicked, snoozed, supporter, dismissed), summed over shards."""
    rows = AppealCounter.objects.filter(appeal=appeal).totals("variant_id")
    return sorted(
        ((row["variant_id"], *(row[e] for e in AppealCounter.EVENTS[:6])) for row in rows),
        key=lambda row: row[0] or 0,
    )


# --- Importing and the demo ---


def test_an_imported_appeal_block_becomes_a_draft_appeal_word_for_word():
    parsed = seed_story().appeal
    story = make_story()
    appeal = save_parsed_appeal(parsed, story=story)

    assert appeal.heading == "A Message from The Moscow Times"
    assert appeal.greeting == "Dear readers,"
    assert html_to_text(appeal.body).split("\n") == parsed.paragraphs
    assert appeal.remind_label == "Remind me later"
    assert appeal.status == Appeal.Status.DRAFT
    assert appeal.source_story == story
    # Importing the same block again does not make a copy.
    assert save_parsed_appeal(parsed).pk == appeal.pk
    assert Appeal.objects.count() == 1


def test_the_demo_loader_puts_the_seed_appeal_live_at_the_end_of_the_seed_story(client):
    stories = load_demo()
    load_demo()  # running it again changes nothing
    appeal = Appeal.objects.get()
    assert appeal.status == Appeal.Status.LIVE and appeal.placement == Appeal.Placement.END
    assert appeal.donation_url.startswith("https://")

    page = client.get(stories[0].get_absolute_url()).text
    for paragraph in seed_story().appeal.paragraphs:  # the seed's words, for this site
        assert f"<p>{paragraph.replace('The Moscow Times', 'The Newsroom')}</p>" in page
    assert f'aria-labelledby="appeal-{appeal.pk}-heading"' in page
    assert page.index('class="appeal appeal--end"') > page.index('class="story__body"')


# --- Selection ---


def test_the_demo_appeal_speaks_for_this_site_not_the_seeds_publication(client, settings):
    settings.SITE_NAME = "The Harbour Gazette"
    story = load_demo()[0]
    appeal = Appeal.objects.get()
    assert appeal.heading == "A Message from The Harbour Gazette"
    assert "Moscow Times" not in appeal.body and "The Harbour Gazette" in appeal.body
    assert "Moscow Times" not in client.get(story.get_absolute_url()).text


def test_an_appeal_left_without_a_heading_gets_one_for_this_site(settings):
    settings.SITE_NAME = "The Harbour Gazette"
    appeal = make_appeal(heading="")
    assert appeal.heading == "A Message from The Harbour Gazette"


def test_selection_takes_live_appeals_in_their_window_by_priority_one_per_placement():
    now = timezone.now()
    low = make_appeal(name="Low", priority=1)
    high = make_appeal(name="High", priority=5)
    make_appeal(name="Draft", priority=9, status=Appeal.Status.DRAFT)
    make_appeal(name="Archived", priority=9, status=Appeal.Status.ARCHIVED)
    make_appeal(name="Later", priority=9, starts_at=now + timedelta(hours=1))
    make_appeal(name="Over", priority=9, ends_at=now - timedelta(minutes=1))
    banner = make_appeal(name="Banner", placement=Appeal.Placement.BANNER)

    chosen = select_for_page(None, [])
    assert chosen.end == high and chosen.banner == banner and chosen.inline is None
    high.status = Appeal.Status.ARCHIVED
    high.save()
    assert select_for_page(None, []).end == low


def test_selection_honours_section_and_tag_targeting():
    politics, sport = make_section(), make_section()
    russia, china = make_tag(), make_tag()
    only_politics = make_appeal(name="Politics", priority=3)
    only_politics.include_sections.add(politics)
    not_china = make_appeal(name="Not China", priority=2)
    not_china.exclude_tags.add(china)
    russia_only = make_appeal(name="Russia", priority=1)
    russia_only.include_tags.add(russia)

    def end(section, tags):
        return select_for_page(section.pk, [t.pk for t in tags]).end

    assert end(politics, [china]) == only_politics
    assert end(sport, [russia]) == not_china
    assert end(sport, [russia, china]) == russia_only
    assert end(sport, [china]) is None
    assert select_for_page(None, []).end == not_china  # the front page: no section, no tags


def test_selection_costs_one_query_then_none_until_an_appeal_changes():
    appeal = make_appeal(variants=["B", "C"])
    with CaptureQueriesContext(connection) as queries:
        first = select_for_page(None, [])
        second = select_for_page(None, [])
    assert len(queries) == 1
    assert first.end == second.end == appeal
    assert [v.name for v in first.end.display_variants] == ["B", "C"]

    appeal.heading = "Changed"
    appeal.save()
    assert select_for_page(None, []).end.heading == "Changed"


def test_an_appeal_starting_within_the_cache_lifetime_shows_on_time():
    soon = make_appeal(starts_at=timezone.now() + timedelta(seconds=30))
    assert select_for_page(None, []).end is None
    later = timezone.now() + timedelta(seconds=31)
    assert select_for_page(None, [], now=later).end == soon


# --- The story page ---


def story_page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert 'class="appeal appeal--end"' in client.get(url).text
    return len(queries)


@pytest.mark.parametrize("count", [3, 300])
def test_an_appeal_costs_the_story_page_one_query_cold_and_none_cached(client, settings, count):
    settings.PAGE_CACHE_SECONDS = 0  # measure the view itself, not a whole-page cache hit
    story = make_story(tags=[make_tag() for _ in range(3)])
    url = story.get_absolute_url()
    make_appeal(name="First")
    client.get(url)  # every cache warm
    baseline = story_page_queries(client, url)
    for i in range(count):  # each save makes the cached selection stale
        make_appeal(name=f"Appeal {i}", priority=i % 7, variants=["B"] if i % 2 else [])
    assert story_page_queries(client, url) == baseline + 1
    assert story_page_queries(client, url) == baseline


def test_story_page_with_an_appeal_stays_cacheable(client):
    make_appeal()
    response = client.get(make_story().get_absolute_url())
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.text


def test_without_javascript_the_appeal_and_its_donation_link_show(client):
    appeal = make_appeal(cta_label="Give monthly")
    page = client.get(make_story().get_absolute_url()).text
    # The link carries the signed reference of the main copy (articles/appeals/references.py).
    ref = references.sign(appeal.pk, None, "end", timezone.localdate())
    assert f'<a class="appeal__donate" href="https://donate.example.org/monthly?ref={ref}"' in page
    assert ">Give monthly</a>" in page
    # The buttons that need the script stay hidden until it runs; the script is first-party.
    assert 'data-action="snoozed" hidden' in page
    assert page.count('<script src="/static/articles/appeals.js" defer></script>') == 1
    assert "<script>" not in page


def test_an_inline_appeal_goes_after_paragraph_n():
    body = "<p>One</p><blockquote><p>Quoted</p></blockquote><p>Two</p><p>Three</p>"
    assert body[: insertion_point(body, 2)].endswith("<p>Two</p>")
    assert insertion_point(body, 9) == len(body)


@pytest.mark.parametrize(
    ("body", "goes_after"),
    [
        # A lead-in ending in ":" keeps the list, quote or embed it introduces.
        ("<p>One</p><p>He listed three reasons:</p><ul><li>A</li><li>B</li></ul><p>Four</p>",
         "</ul>"),
        ("<p>One</p><p>The statement read: </p><blockquote><p>We deny it.</p></blockquote><p>X</p>",
         "</blockquote>"),
        ("<p>One</p><p>Watch <em>the video</em>:</p><figure><figcaption>Clip</figcaption></figure>",
         "</figure>"),
        ("<p>One</p><p>Steps:</p><ol><li>Go</li></ol><p>Then:</p><ul><li>Stop</li></ul>", "</ol>"),
        # Paragraphs inside lists and quotes are not counted: never inside them.
        ("<p>One</p><ul><li><p>Item</p></li><li><p>Item</p></li></ul><p>Two</p><p>Three</p>",
         "<p>Two</p>"),
        # A colon mid-sentence, or a lead-in that ends the body, changes nothing.
        ("<p>One</p><p>At 10:30 it began.</p><ul><li>A</li></ul>", "<p>At 10:30 it began.</p>"),
        ("<p>One</p><p>In short:</p>", "<p>In short:</p>"),
    ],
)  # fmt: skip
def test_an_inline_appeal_never_separates_a_lead_in_from_what_it_introduces(body, goes_after):
    at = insertion_point(body, 2)
    assert body[:at].endswith(goes_after)
    for tag in ("ul", "ol", "blockquote", "figure"):  # never inside one
        assert body[:at].count(f"<{tag}>") == body[:at].count(f"</{tag}>")


def test_an_inline_appeal_after_a_lead_in_shows_after_its_list_on_the_page(client):
    make_appeal(placement=Appeal.Placement.INLINE, inline_after=1, heading="Inline ask")
    story = make_story(body="<p>The report found:</p><ul><li>Fewer ferries</li></ul><p>More.</p>")
    page = client.get(story.get_absolute_url()).text
    assert page.index("Fewer ferries") < page.index("Inline ask") < page.index("More.")


def test_an_inline_appeal_shows_inside_the_story_body(client):
    make_appeal(placement=Appeal.Placement.INLINE, inline_after=1, heading="Inline ask")
    story = make_story(body="<p>First.</p><p>Second.</p>")
    page = client.get(story.get_absolute_url()).text
    assert page.index("First.") < page.index("Inline ask") < page.index("Second.")


def test_a_banner_shows_on_the_front_and_story_pages_but_not_on_previews(editor_client):
    make_appeal(placement=Appeal.Placement.BANNER, heading="Banner ask")
    story = make_story()
    draft = make_story(status=Story.Status.DRAFT)
    assert "Banner ask" in editor_client.get("/").text
    assert "Banner ask" in editor_client.get(story.get_absolute_url()).text
    assert "Banner ask" in editor_client.get(story.section.get_absolute_url()).text
    preview = editor_client.get(reverse("articles:story-preview", args=[draft.pk]))
    assert "Banner ask" not in preview.text


def test_a_page_with_a_banner_and_an_end_appeal_loads_the_script_once(client):
    make_appeal(placement=Appeal.Placement.BANNER, name="Banner")
    make_appeal(name="End")
    page = client.get(make_story().get_absolute_url()).text
    assert page.count('class="appeal appeal--') == 2
    assert page.count("articles/appeals.js") == 1


# --- The event endpoint ---


def test_a_batched_beacon_is_counted_per_appeal_variant_and_event(client):
    appeal, other = make_appeal(variants=["B"]), make_appeal(name="Banner")
    variant = appeal.variants.get()
    events = [
        {"appeal": appeal.pk, "variant": None, "type": "rendered"},
        {"appeal": appeal.pk, "type": "seen"},
        {"appeal": other.pk, "variant": None, "type": "seen"},
    ]
    response = beacon(client, events)
    assert response.status_code == 204
    events = [{"appeal": appeal.pk, "variant": variant.pk, "type": t} for t in ("seen", "clicked")]
    beacon(client, events, content_type="application/json")
    assert counters(appeal) == [(None, 1, 1, 0, 0, 0, 0), (variant.pk, 0, 1, 1, 0, 0, 0)]
    assert counters(other) == [(None, 0, 1, 0, 0, 0, 0)]


@pytest.mark.parametrize(
    "case",
    [
        "not json",
        "not an object",
        "no events",
        "unknown appeal",
        "draft appeal",
        "variant of another appeal",
        "unknown event",
        "boolean id",
        "extra key",
        "too many events",
        "oversized body",
        "wrong content type",
        "cross-site origin",
    ],
)
def test_a_bad_beacon_gets_a_400_with_a_reason_and_changes_nothing(client, case):
    appeal = make_appeal()
    other = make_appeal(name="Other", variants=["B"])
    draft = make_appeal(name="Draft", status=Appeal.Status.DRAFT)
    good = {"appeal": appeal.pk, "type": "seen"}
    extra = {}
    body = {
        "not json": "{events: [",
        "not an object": json.dumps([good]),
        "no events": json.dumps({"events": []}),
        "unknown appeal": json.dumps({"events": [good, {"appeal": 999999, "type": "seen"}]}),
        "draft appeal": json.dumps({"events": [good, {"appeal": draft.pk, "type": "seen"}]}),
        "variant of another appeal": json.dumps(
            {"events": [good, {**good, "variant": other.variants.get().pk}]}
        ),
        "unknown event": json.dumps({"events": [good, {**good, "type": "purchased"}]}),
        "boolean id": json.dumps({"events": [{"appeal": True, "type": "seen"}]}),
        "extra key": json.dumps({"events": [{**good, "reader": "abc"}]}),
        "too many events": json.dumps({"events": [good] * 51}),
        "oversized body": json.dumps({"events": [good], "pad": "x" * MAX_BEACON_BYTES}),
        "wrong content type": json.dumps({"events": [good]}),
        "cross-site origin": json.dumps({"events": [good]}),
    }[case]
    if case == "wrong content type":
        extra["content_type"] = "application/x-www-form-urlencoded"
    if case == "cross-site origin":
        extra["headers"] = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    response = beacon(client, body, **extra)
    assert response.status_code == 400
    assert response.text and len(response.text) < 200
    assert not AppealCounter.objects.exists()


@pytest.mark.django_db(transaction=True)  # foreign keys are checked at commit
def test_a_beacon_for_an_appeal_deleted_a_moment_ago_is_refused_not_an_error(client):
    appeal = make_appeal()
    assert beacon(client, [{"appeal": appeal.pk, "type": "seen"}]).status_code == 204
    Appeal.objects.filter(pk=appeal.pk).delete()  # a bulk delete: the cached list is stale
    response = beacon(client, [{"appeal": appeal.pk, "type": "seen"}])
    assert response.status_code == 400
    assert not AppealCounter.objects.exists()


def test_a_get_to_the_event_endpoint_is_refused(client):
    assert client.get(EVENTS_URL).status_code == 405
    assert not AppealCounter.objects.exists()


def test_the_event_endpoint_needs_no_csrf_token(client):
    from django.test import Client

    appeal = make_appeal()
    strict = Client(enforce_csrf_checks=True)
    response = beacon(strict, [{"appeal": appeal.pk, "type": "seen"}])
    assert response.status_code == 204


def test_a_busy_appeal_spreads_its_counts_over_shard_rows_and_reads_add_them_up(editor_client):
    """No single counter row takes every beacon (bench/counter_rows.py shows why)."""
    from articles.admin.appeals import variant_rows

    appeal = make_appeal(status=Appeal.Status.LIVE)
    for _ in range(60):
        count_events({(appeal.pk, None, "seen"): 1, (appeal.pk, None, "clicked"): 1})
    rows = AppealCounter.objects.filter(appeal=appeal)
    assert 1 < rows.count() <= AppealCounter.SHARDS
    assert rows.totals()["seen"] == 60 and rows.totals()["clicked"] == 60
    main = variant_rows(appeal)[0]
    assert (main["seen"], main["clicked"]) == (60, 60)
    assert "60" in editor_client.get(reverse("admin:articles_appeal_change", args=[appeal.pk])).text


def test_sampled_counts_are_scaled_up_when_read(editor_client):
    appeal = make_appeal(sample_rate=10)
    for kind in ("seen", "clicked"):
        body = json.dumps({"events": [{"appeal": appeal.pk, "type": kind}]}).encode()
        _, counts = parse_beacon(body)
        count_events(counts)
    assert counters(appeal) == [(None, 0, 1, 1, 0, 0, 0)]
    page = editor_client.get(reverse("admin:articles_appeal_changelist")).text
    assert '<td class="field-seen_7d">10</td>' in page
    assert '<td class="field-ctr_7d">100.0%</td>' in page


# --- The admin ---


def test_the_appeal_list_shows_seven_days_of_results_in_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    today = timezone.localdate()
    for i in range(12):
        appeal = make_appeal(name=f"Appeal {i}")
        AppealCounter.objects.create(appeal=appeal, day=today, seen=200, clicked=i)
        AppealCounter.objects.create(appeal=appeal, day=today - timedelta(days=8), seen=999)
    url = reverse("admin:articles_appeal_changelist")
    editor_client.get(url)
    with django_assert_max_num_queries(8):
        page = editor_client.get(url).text
    assert '<td class="field-seen_7d">200</td>' in page
    assert '<td class="field-ctr_7d">5.5%</td>' in page  # 11 / 200


def test_the_change_form_shows_preview_chart_and_variant_results(editor_client):
    appeal = make_appeal(variants=["B: shorter"], heading="Preview heading")
    variant = appeal.variants.get()
    today = timezone.localdate()
    AppealCounter.objects.create(appeal=appeal, day=today, rendered=50, seen=40, clicked=4)
    AppealCounter.objects.create(appeal=appeal, variant=variant, day=today, seen=10, clicked=3)
    page = editor_client.get(reverse("admin:articles_appeal_change", args=[appeal.pk])).text
    assert "iframe" in page and "Preview heading" in page and "appeal__donate" in page
    assert "<svg" in page and f"<title>{today:%-d %b}: 50</title>" in page  # seen, both copies
    assert '<th scope="row">B: shorter</th>' in page
    assert "<strong>10.0%</strong>" in page and "<strong>30.0%</strong>" in page


def test_re_ask_everyone_sets_the_time_readers_compare_with(editor_client, client):
    appeal = make_appeal()
    url = reverse("admin:articles_appeal_change", args=[appeal.pk])
    story_url = make_story().get_absolute_url()
    assert 'data-reask=""' in client.get(story_url).text
    response = editor_client.post(
        url, {"CHANGE_FORM-action": "reask_everyone", "_selected_action": [appeal.pk], "index": "0"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.reask_at and timezone.now() - appeal.reask_at < timedelta(seconds=5)
    assert f'data-reask="{int(appeal.reask_at.timestamp())}"' in client.get(story_url).text


def form_data(**overrides):
    data = {
        "name": "Autumn drive",
        "status": "live",
        "placement": "end",
        "priority": "0",
        "starts_at_0": "2026-01-01",
        "starts_at_1": "00:00:00",
        "heading": "A Message from The Newsroom",
        "greeting": "Dear readers,",
        "body": "<p>Please support us.</p>",
        "cta_label": "Support us",
        "donation_url": "https://donate.example.org/",
        "remind_label": "Remind me later",
        "support_label": "I already support you",
        "snooze_duration": "24:00:00",
        "support_duration": "90 00:00:00",
        "dismiss_duration": "7 00:00:00",
        "cap_days": "7",
        "control_weight": "1",
        "sample_rate": "1",
        "holdback_percent": "0",
        "bandit_metric": "conversion",
        "bandit_floor_percent": "5",
        "skip_first_views": "0",
        "click_pause": "7 days",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
    }
    return data | overrides


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"donation_url": "http://donate.example.org/"}, "must start with https://"),
        ({"donation_url": ""}, "A live appeal needs a donation URL"),
        ({"donation_url": "https://localhost/give"}, "public host name"),
        ({"cta_label": "  "}, "This field is required"),
        ({"body": "<p>Give [insert amount] today.</p>"}, "Replace the placeholder"),
        ({"greeting": "Dear {{ name }},"}, "Replace the placeholder"),
        ({"body": "<p>" + "Long text. " * 50 + "</p>", "placement": "banner"}, "at most 400"),
        ({"placement": "inline"}, "after which paragraph"),
    ],
)
def test_the_admin_refuses_an_appeal_that_cannot_go_out(editor_client, overrides, message):
    response = editor_client.post(reverse("admin:articles_appeal_add"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Appeal.objects.exists()


def test_the_admin_refuses_a_section_both_included_and_excluded(editor_client):
    section = make_section(name="Business")
    data = form_data(include_sections=[section.pk], exclude_sections=[section.pk])
    response = editor_client.post(reverse("admin:articles_appeal_add"), data)
    assert "Both included and excluded: Business." in response.text
    assert not Appeal.objects.exists()


def test_durations_are_typed_and_shown_in_words(editor_client):
    data = form_data(
        snooze_duration="6 hours", support_duration="4 weeks", dismiss_duration="1 day"
    )
    editor_client.post(reverse("admin:articles_appeal_add"), data)
    appeal = Appeal.objects.get()
    assert (appeal.snooze_duration, appeal.support_duration, appeal.dismiss_duration) == (
        timedelta(hours=6), timedelta(weeks=4), timedelta(days=1)
    )  # fmt: skip
    page = editor_client.get(reverse("admin:articles_appeal_change", args=[appeal.pk])).text
    assert 'name="snooze_duration" value="6 hours"' in page
    assert 'name="support_duration" value="4 weeks"' in page
    assert 'name="dismiss_duration" value="1 day"' in page


def test_a_nonsense_duration_is_refused_with_an_example_and_nothing_typed_is_lost(editor_client):
    data = form_data(snooze_duration="until next payday", heading="A heading I typed")
    response = editor_client.post(reverse("admin:articles_appeal_add"), data)
    assert response.status_code == 200
    assert "Write a duration such as “6 hours”, “1 day” or “4 weeks”." in response.text
    assert (
        'value="until next payday"' in response.text
        and 'value="A heading I typed"' in response.text
    )
    assert not Appeal.objects.exists()


def test_a_new_appeal_starts_with_a_heading_for_this_site(editor_client, settings):
    settings.SITE_NAME = "The Harbour Gazette"
    page = editor_client.get(reverse("admin:articles_appeal_add")).text
    assert 'value="A Message from The Harbour Gazette"' in page
    assert "Moscow Times" not in page


def test_a_variant_body_gets_the_same_rich_editor_as_the_main_copy(editor_client):
    appeal = make_appeal(variants=["B: urgent"])
    page = editor_client.get(reverse("admin:articles_appeal_change", args=[appeal.pk])).text
    for name in ("body", "variants-0-body", "variants-__prefix__-body"):
        textarea = page.split(f'name="{name}"', 1)[1].split(">", 1)[0]
        assert "data-django-prose-editor-configurable" in textarea, name
        assert "&quot;Bold&quot;" in textarea and "&quot;Underline&quot;" not in textarea


def test_a_variant_body_is_sanitised_like_the_main_copy(editor_client):
    variant = {
        "variants-TOTAL_FORMS": "1",
        "variants-0-name": "B: rich",
        "variants-0-weight": "1",
        "variants-0-body": '<p>Give <b>now</b><script>x()</script><a href="javascript:x">.</a></p>',
    }
    editor_client.post(reverse("admin:articles_appeal_add"), form_data(**variant))
    body = Appeal.objects.get().variants.get().body
    assert body == '<p>Give <b>now</b><a rel="noopener noreferrer">.</a></p>'


def test_the_preview_shows_the_main_copy_and_every_variant(editor_client):
    appeal = make_appeal(heading="Main heading", variants=["B: urgent", "C: short"])
    appeal.variants.filter(name="C: short").update(body="<p>Only the short body.</p>")
    page = editor_client.get(reverse("admin:articles_appeal_change", args=[appeal.pk])).text
    assert page.count('<iframe class="appeal-preview"') == 3
    assert "Main copy · 33% of readers" in page and "Variant “B: urgent” · 33% of readers" in page
    previews = page.split('class="appeal-preview-copy"')[1:]
    assert "Main heading" in previews[0] and "Heading B: urgent" in previews[1]
    # A variant's blank fields fall back to the main copy, as for readers.
    assert "Please support independent journalism." in previews[1]
    assert "Only the short body." in previews[2] and 'data-prefix="variants-1"' in previews[2]


def test_the_priority_help_says_the_rule_selection_follows():
    help_text = Appeal._meta.get_field("priority").help_text
    assert "one appeal per placement" in help_text and "highest priority shows" in help_text
    high = make_appeal(name="High", priority=5)
    make_appeal(name="Low", priority=1)
    inline = make_appeal(name="Inline", placement=Appeal.Placement.INLINE, inline_after=1)
    chosen = select_for_page(None, [])
    assert (chosen.end, chosen.inline, chosen.banner) == (high, inline, None)


def test_the_admin_checks_variant_copy_too(editor_client):
    variant = {
        "variants-TOTAL_FORMS": "1",
        "variants-0-name": "B: urgent",
        "variants-0-weight": "1",
        "variants-0-heading": "Only TK days left",
    }
    response = editor_client.post(reverse("admin:articles_appeal_add"), form_data(**variant))
    assert "Replace the placeholder “TK”" in response.text
    assert not Appeal.objects.exists()

    variant["variants-0-heading"] = "Only three days left"
    editor_client.post(reverse("admin:articles_appeal_add"), form_data(**variant))
    assert Appeal.objects.get().variants.get().heading == "Only three days left"


def test_the_admin_saves_a_good_appeal_and_warns_when_it_overlaps_a_live_one(editor_client):
    section = make_section()
    other = make_appeal(name="Existing drive")
    other.include_sections.add(section)
    response = editor_client.post(
        reverse("admin:articles_appeal_add"), form_data(include_sections=[section.pk]), follow=True
    )
    assert Appeal.objects.filter(name="Autumn drive").exists()
    assert "overlaps the live appeal “Existing drive”" in response.text

    elsewhere = make_section()
    editor_client.post(
        reverse("admin:articles_appeal_add"),
        form_data(name="Elsewhere", include_sections=[elsewhere.pk]),
    )
    response = editor_client.get(
        reverse("admin:articles_appeal_change", args=[Appeal.objects.get(name="Elsewhere").pk])
    )
    assert "overlaps" not in response.text
