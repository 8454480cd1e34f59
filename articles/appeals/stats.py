"""Bayesian comparison of appeal variants: what a view is worth, and how sure we are.

Pure Python, no Django: the results page and the bandit call it with counts.

Conversion. A variant's donation rate p has a Beta(1 + donations, 1 + views - donations)
posterior. Views may be *sampled* (counted 1 in N to spare the database at high traffic): then
the number of views is itself uncertain. With n views recorded 1 in N, the true number is
about N·n with a relative error of 1/√n, not exact, so each draw first draws the true view count
from its posterior (a Gamma(n + 1, N), the flat-prior posterior of a count seen through 1-in-N
thinning) and then the rate given it. Treating N·n as exact makes intervals too narrow by
about √N (Wikimedia found naive intervals on 1-in-100 sampled impressions covered the true lift
78 % of the time); this way they widen as the sampling thins. If the conversions are sampled
with the views (clicks recorded by the same beacons), the rate is estimated from the recorded
counts alone, which is exact for the rate and wider for the same reason.

Revenue per view. p times the mean (annualised) gift. Gift sizes are skewed, so their logarithms
are modelled as Normal with unknown mean and variance (the conjugate Normal-Inverse-Gamma
posterior, weakly centred on the pooled gifts of all variants, so a variant with one or two
gifts borrows strength instead of swinging); the mean gift of a draw is exp(mu + sigma^2 / 2).

Each comparison draws DRAWS samples per variant, seeded from the counts themselves, so the same
data always prints the same figures.
"""

import hashlib
import math
import random
from dataclasses import dataclass, field

DRAWS = 4000
# Below these, the page says there is not enough data rather than show a verdict.
MIN_VIEWS = 1000
MIN_DONATIONS = 5


@dataclass(frozen=True)
class Arm:
    """One variant's data: views (as recorded, 1 in `sample_rate`), donations and gifts."""

    name: str
    views: int
    donations: int
    gifts: tuple = ()  # annualised amounts of the donations, in one currency
    sample_rate: int = 1
    donations_sampled: bool = False  # True when conversions come from the sampled beacons

    @property
    def estimated_views(self):
        return self.views * self.sample_rate


@dataclass
class Result:
    name: str
    rate: float  # donations per view, point estimate
    revenue_per_view: float
    p_best: float  # probability of being the best on the chosen metric
    lift: tuple | None  # (low, median, high) of the lift over the control, 90 % interval
    enough_data: bool
    samples: list = field(default_factory=list, repr=False)


def _rng(arms, metrics):
    digest = hashlib.sha256(repr((metrics, arms)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def rate_draws(arm, rng, draws=DRAWS):
    """Samples of the variant's donation rate per view."""
    out = []
    for _ in range(draws):
        if arm.donations_sampled or arm.sample_rate == 1:
            trials = arm.views
        else:
            trials = max(arm.donations, rng.gammavariate(arm.views + 1, arm.sample_rate))
        failures = max(trials - arm.donations, 0)
        out.append(rng.betavariate(1 + arm.donations, 1 + failures))
    return out


def mean_gift_draws(gifts, prior_gifts, rng, draws=DRAWS):
    """Samples of the mean gift under a log-normal model (see the module's docstring)."""
    logs = [math.log(g) for g in gifts if g > 0]
    pool = [math.log(g) for g in prior_gifts if g > 0] or logs or [0.0]
    mu0 = sum(pool) / len(pool)
    spread = sum((x - mu0) ** 2 for x in pool) / max(len(pool) - 1, 1) or 1.0
    # Prior: worth one gift at the pooled centre, and three at its spread: with fewer, the
    # scaled inverse chi-square of the variance has no finite mean and a draw for a copy with
    # no gifts yet can be astronomically large.
    kappa0, nu0, sigma0 = 1.0, 3.0, spread
    n = len(logs)
    mean = sum(logs) / n if n else mu0
    ss = sum((x - mean) ** 2 for x in logs)
    kappa = kappa0 + n
    mu = (kappa0 * mu0 + n * mean) / kappa
    nu = nu0 + n
    scale = (nu0 * sigma0 + ss + kappa0 * n * (mean - mu0) ** 2 / kappa) / nu
    out = []
    for _ in range(draws):
        variance = nu * scale / rng.gammavariate(nu / 2, 2)  # scaled inverse chi-square
        centre = rng.gauss(mu, math.sqrt(variance / kappa))
        # A mean gift beyond e^12 (~160,000) times the typical one is no gift size at all.
        out.append(math.exp(min(centre + variance / 2, mu0 + 12)))
    return out


def compare(arms, metric="conversion", control=0, draws=DRAWS):
    """One Result per arm: P(best) and the 90 % interval of the lift over `control`.

    `metric` is "conversion" (donations per view) or "revenue" (annualised revenue per view).
    """
    return compare_metrics(arms, (metric,), control, draws)[metric]


def compare_metrics(arms, metrics=("conversion", "revenue"), control=0, draws=DRAWS):
    """{metric: [Result per arm]} for several metrics from one set of rate draws (the
    revenue per view of a draw is its rate times a mean gift drawn beside it), which halves
    the cost of showing both."""
    rng = _rng(arms, metrics)
    pooled = [gift for arm in arms for gift in arm.gifts]
    rates = [rate_draws(arm, rng, draws) for arm in arms]
    out = {}
    for metric in metrics:
        samples = rates
        if metric == "revenue":
            samples = [
                [r * g for r, g in zip(arm_rates, mean_gift_draws(arm.gifts, pooled, rng, draws),
                                        strict=True)]
                for arm, arm_rates in zip(arms, rates, strict=True)
            ]  # fmt: skip
        out[metric] = _results(arms, samples, control, draws)
    return out


def _results(arms, samples, control, draws):
    wins = [0] * len(arms)
    for draw in zip(*samples, strict=True):
        wins[max(range(len(draw)), key=draw.__getitem__)] += 1
    results = []
    for i, arm in enumerate(arms):
        lift = None
        if i != control:
            ratios = sorted(
                (v - c) / c for v, c in zip(samples[i], samples[control], strict=True) if c > 0
            )
            if ratios:
                lift = (quantile(ratios, 0.05), quantile(ratios, 0.5), quantile(ratios, 0.95))
        views = arm.estimated_views
        gifts = sum(arm.gifts)
        results.append(
            Result(
                name=arm.name,
                rate=arm.donations / views if views else 0.0,
                revenue_per_view=gifts / views if views else 0.0,
                p_best=wins[i] / draws,
                lift=lift,
                enough_data=views >= MIN_VIEWS and arm.donations >= MIN_DONATIONS,
                samples=samples[i],
            )
        )
    return results


def quantile(ordered, q):
    """The q-quantile of an already sorted list (linear interpolation)."""
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def verdict(results):
    """What the numbers say, in plain words, for the results page."""
    if not all(result.enough_data for result in results):
        short = [r.name for r in results if not r.enough_data]
        return (
            f"Not enough data yet: each copy needs at least {MIN_VIEWS:,} views and "
            f"{MIN_DONATIONS} donations before the comparison means much "
            f"({', '.join(short)} {'has' if len(short) == 1 else 'have'} fewer)."
        )
    best = max(results, key=lambda r: r.p_best)
    if best.p_best >= 0.95:
        return f"“{best.name}” is very probably the best ({best.p_best:.0%} chance)."
    if best.p_best >= 0.8:
        return f"“{best.name}” is leading ({best.p_best:.0%} chance of being the best): keep going."
    return "No copy is clearly ahead yet: the differences are within what chance would give."


def thompson_weights(arms, metric="conversion", floor=0.05, draws=DRAWS):
    """Shares of readers per arm for a bandit: P(best) from Thompson sampling, with every arm
    kept at `floor` at least so that none starves (and a loser can still recover)."""
    if not arms:
        return []
    floor = min(floor, 1 / len(arms))
    p_best = [result.p_best for result in compare(arms, metric, draws=draws)]
    free = 1 - floor * len(arms)
    return [floor + free * share for share in p_best]
