"""An appeal's results in money (articles/appeals/results.py and its admin page), the bandit's
weights reaching the page, and the holdback's lift."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from articles.appeals import bandit
from articles.appeals.results import appeal_results
from articles.appeals.selection import select_for_page
from articles.models import AppealCounter, AppealVariant, Donation
from tests.factories import make_appeal, make_story

pytestmark = pytest.mark.django_db


def count(appeal, variant=None, day=None, **events):
    AppealCounter.objects.create(
        appeal=appeal, variant=variant, day=day or timezone.localdate(), **events
    )


def give(appeal, variant=None, amount="10", frequency="once", holdback=False, n=1, days_ago=0):
    for _ in range(n):
        Donation.objects.create(
            provider="webhook",
            event_id=f"evt-{Donation.objects.count()}",
            appeal=appeal,
            variant=variant,
            holdback=holdback,
            amount=Decimal(amount),
            currency="USD",
            frequency=frequency,
            received_at=timezone.now() - timedelta(days=days_ago),
        )


def test_results_per_copy_give_donations_and_revenue_per_thousand_seen():
    appeal = make_appeal(variants=["B"])
    b = appeal.variants.get()
    count(appeal, rendered=5000, seen=4000, clicked=80)
    count(appeal, b, rendered=5000, seen=4000, clicked=120)
    give(appeal, n=8)
    give(appeal, b, amount="5", frequency="monthly", n=12)  # 60 a year each
    main, variant = appeal_results(appeal).copies
    assert (main.seen, main.donations, main.revenue) == (4000, 8, 80.0)
    assert main.per_1000_seen == 2.0 and main.revenue_per_1000_seen == 20.0
    assert (variant.donations, variant.revenue) == (12, 720.0)
    assert variant.revenue_per_1000_seen == 180.0
    assert variant.money.p_best > 0.95 and variant.money.lift[0] > 0


def test_sampled_counters_are_scaled_and_the_interval_is_wider():
    exact = make_appeal(name="exact", variants=["B"])
    sampled = make_appeal(name="sampled", variants=["B"], sample_rate=10)
    for appeal, rate in ((exact, 1), (sampled, 10)):
        for variant in (None, appeal.variants.get()):
            AppealCounter.objects.create(
                appeal=appeal, variant=variant, day=timezone.localdate(), sample_rate=rate,
                seen=2_000 // rate,
            )  # fmt: skip
            give(appeal, variant, n=240 if variant else 200)
    lift_exact = appeal_results(exact).copies[1].conversion.lift
    lift_sampled = appeal_results(sampled).copies[1].conversion.lift
    assert appeal_results(sampled).copies[1].seen == 2_000
    assert lift_sampled[2] - lift_sampled[0] > (lift_exact[2] - lift_exact[0]) * 1.1


def test_the_results_say_when_there_is_not_enough_data():
    appeal = make_appeal(variants=["B"])
    count(appeal, seen=50)
    results = appeal_results(appeal)
    assert results.verdict.startswith("Not enough data yet")


def test_holdback_lift_compares_readers_shown_the_appeal_with_readers_held_back():
    appeal = make_appeal(holdback_percent=10)
    count(appeal, rendered=90_000, seen=70_000, held=10_000)
    give(appeal, n=180)  # 2 per 1,000 page views shown
    give(appeal, holdback=True, n=10)  # 1 per 1,000 held back
    holdback = appeal_results(appeal).holdback
    assert (holdback.views, holdback.donations, holdback.shown_donations) == (10_000, 10, 180)
    low, median, high = holdback.conversion_lift
    assert low > 0 and median == pytest.approx(1.0, abs=0.4)
    assert holdback.message.startswith("Showing the appeal very probably brings more donations")


def test_an_appeal_without_holdback_has_no_holdback_result():
    assert appeal_results(make_appeal()).holdback is None


def test_daily_series_count_donations_and_revenue_on_their_day():
    appeal = make_appeal()
    count(appeal, seen=100, day=timezone.localdate() - timedelta(days=2))
    give(appeal, amount="7", days_ago=2)
    days = dict(appeal_results(appeal).days)
    two_days_ago = timezone.localdate() - timedelta(days=2)
    assert days[two_days_ago] == {"seen": 100, "clicked": 0, "donations": 1, "revenue": 7}


@pytest.mark.parametrize("variants", [3, 30, 300])
def test_the_results_page_costs_the_same_queries_however_many_days_and_gifts(
    editor_client, django_assert_max_num_queries, variants
):
    appeal = make_appeal(variants=[f"V{i}" for i in range(min(variants, 5))])
    today = timezone.localdate()
    AppealCounter.objects.bulk_create(
        AppealCounter(appeal=appeal, day=today - timedelta(days=i), seen=100, rendered=120)
        for i in range(variants)
    )
    give(appeal, n=variants)
    with django_assert_max_num_queries(12):
        response = editor_client.get(f"/admin/articles/appeal/{appeal.pk}/results/")
    assert response.status_code == 200
    assert "Donations per 1,000 seen" in response.text and "Lift over holdback" in response.text


def test_appeals_staff_see_results_and_others_do_not(client):
    from articles.editorial.roles import APPEALS, REPORTER
    from tests.factories import make_staff

    appeal = make_appeal()
    client.force_login(make_staff("rosa", APPEALS))
    assert client.get(f"/admin/articles/appeal/{appeal.pk}/results/").status_code == 200
    client.force_login(make_staff("rita", REPORTER))
    assert client.get(f"/admin/articles/appeal/{appeal.pk}/results/").status_code == 403


# --- The bandit ---------------------------------------------------------------------------


def test_the_bandits_weights_reach_the_page_and_favour_the_winner():
    appeal = make_appeal(variants=["B"], bandit=True, bandit_floor_percent=10)
    b = appeal.variants.get()
    count(appeal, seen=50_000)
    count(appeal, b, seen=50_000)
    give(appeal, n=50)
    give(appeal, b, n=150)
    shown = select_for_page(None, []).end
    assert shown.control_weight == 100  # the floor: 10 % of 1,000
    assert shown.display_variants[0].weight == 900
    story = make_story()
    from django.test import Client

    html = Client().get(story.get_absolute_url()).text
    assert 'data-weight="100"' in html and 'data-weight="900"' in html


def test_the_bandit_recomputes_at_most_every_few_minutes():
    from django.core.cache import cache

    appeal = make_appeal(variants=["B"], bandit=True)
    b = appeal.variants.get()
    before = select_for_page(None, []).end.control_weight
    count(appeal, seen=50_000)
    count(appeal, b, seen=50_000)
    give(appeal, b, n=100)
    appeal.save()  # the selection is rebuilt, the weights are not (yet)
    assert select_for_page(None, []).end.control_weight == before
    cache.clear()  # as when BANDIT_SECONDS have passed
    assert select_for_page(None, []).end.control_weight == 50  # the floor: 5 %
    assert 60 <= bandit.BANDIT_SECONDS <= 600


def test_turning_the_bandit_off_brings_the_fixed_weights_back():
    appeal = make_appeal(variants=["B"], bandit=True, control_weight=3)
    AppealVariant.objects.filter(appeal=appeal).update(weight=1)
    assert select_for_page(None, []).end.control_weight != 3
    appeal.bandit = False
    appeal.save()
    shown = select_for_page(None, []).end
    assert shown.control_weight == 3 and shown.display_variants[0].weight == 1


def test_the_demo_holds_a_finished_test_with_a_winner_and_a_holdback(editor_client):
    from articles.demo.ab_test import load_demo_ab_test

    appeal = load_demo_ab_test()
    assert load_demo_ab_test() == appeal  # rebuilt, not doubled
    results = appeal_results(appeal, today=appeal.ends_at.date())
    main, b = results.copies

    assert b.conversion.p_best > 0.9 and b.per_1000_seen > main.per_1000_seen
    assert results.holdback.donations > 0 and results.holdback.conversion_lift[0] > 0
    page = editor_client.get(f"/admin/articles/appeal/{appeal.pk}/results/").text
    assert "Readers like you" in page and "<svg" in page


def test_a_bandit_appeal_adds_no_query_to_a_story_page_once_its_weights_are_known(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story = make_story()
    url = story.get_absolute_url()
    appeal = make_appeal(variants=["B"])
    client.get(url)
    with CaptureQueriesContext(connection) as fixed:
        client.get(url)
    appeal.bandit = True
    appeal.save()
    client.get(url)  # the selection and the weights are computed once
    with CaptureQueriesContext(connection) as with_bandit:
        html = client.get(url).text
    assert len(with_bandit) == len(fixed)
    import re

    weights = [int(w) for w in re.findall(r'data-weight="(\d+)"', html)]
    assert len(weights) == 2 and all(400 < w < 600 for w in weights)  # no data: about even
