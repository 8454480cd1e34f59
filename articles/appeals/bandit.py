"""The optional bandit: an appeal's shares set by Thompson sampling instead of fixed weights.

Every BANDIT_SECONDS at most (per appeal, in the shared cache), the shares are recomputed from
the counters and donations (two queries): each copy gets its chance of being the best
(stats.thompson_weights), with a floor so that none starves. They reach readers in the page's
HTML as the copies' weights, so pages stay the same for everyone and the reader's own choice
(a stable bucket) stays in the browser. Turning the bandit off brings the fixed weights back
at the next selection.
"""

import copy

from django.db.models import Sum

from ..caching.surfaces import cached
from ..models import AppealCounter, Donation
from . import stats
from .blocks import reweighted

BANDIT_SECONDS = 300
BANDIT_DRAWS = 2000
SCALE = 1000  # weights are whole numbers: shares of SCALE


def shares(appeal_id, variant_ids, metric, floor_percent):
    """{variant id or None (the main copy): weight out of SCALE}, as the bandit sets them."""
    copies = [None, *variant_ids]
    seen = {copy: [0, 0] for copy in copies}  # recorded, estimated
    for row in (
        AppealCounter.objects.filter(appeal_id=appeal_id)
        .values("variant", "sample_rate")
        .annotate(seen=Sum("seen"))
        .order_by()
    ):
        if row["variant"] in seen:
            seen[row["variant"]][0] += row["seen"]
            seen[row["variant"]][1] += row["seen"] * row["sample_rate"]
    gifts = {copy: [] for copy in copies}
    for variant, value in Donation.objects.filter(appeal_id=appeal_id, holdback=False).values_list(
        "variant_id", "annualised"
    ):
        if variant in gifts:
            gifts[variant].append(float(value))
    arms = [
        stats.Arm(
            str(copy),
            seen[copy][0],
            len(gifts[copy]),
            tuple(gifts[copy]),
            max(1, round(seen[copy][1] / seen[copy][0])) if seen[copy][0] else 1,
        )
        for copy in copies
    ]
    weights = stats.thompson_weights(arms, metric, floor=floor_percent / 100, draws=BANDIT_DRAWS)
    return {
        copy: max(1, round(weight * SCALE)) for copy, weight in zip(copies, weights, strict=True)
    }


def with_bandit_weights(appeal):
    """`appeal` as shown: a copy with the bandit's weights if it has one turned on (and
    variants to choose between); the appeal itself otherwise."""
    variants = getattr(appeal, "display_variants", [])
    if not appeal.bandit or not variants:
        return appeal
    ids = tuple(variant.pk for variant in variants)
    key = f"appeals:bandit:{appeal.pk}:{appeal.bandit_metric}:{appeal.bandit_floor_percent}:{ids}"
    weights = cached(
        key,
        [],
        lambda: shares(appeal.pk, ids, appeal.bandit_metric, appeal.bandit_floor_percent),
        BANDIT_SECONDS,
    )
    shown = copy.copy(appeal)
    shown.control_weight = weights[None]
    shown.display_variants = []
    for variant in variants:
        variant = copy.copy(variant)
        variant.weight = weights[variant.pk]
        shown.display_variants.append(variant)
    return reweighted(appeal, shown, weights)
