"""The appeal results' statistics (articles/appeals/stats.py), checked against cases whose answer
is known: equal data, a clear winner, and how often the 90 % intervals hold the true lift."""

import random

import pytest

from articles.appeals.stats import Arm, compare, thompson_weights, verdict


def test_equal_data_gives_every_variant_the_same_chance_of_being_best():
    arms = [Arm(name, views=20_000, donations=200) for name in "ABC"]
    for result in compare(arms):
        assert result.p_best == pytest.approx(1 / 3, abs=0.05)


def test_a_clear_winner_is_almost_surely_best_and_its_lift_interval_holds_the_truth():
    control, better = Arm("A", 50_000, 400), Arm("B", 50_000, 600)  # +50 %
    results = compare([control, better])
    assert results[1].p_best > 0.999 and results[0].lift is None
    low, middle, high = results[1].lift
    assert low < 0.5 < high and middle == pytest.approx(0.5, abs=0.06)


def test_sampled_views_widen_the_interval_rather_than_narrow_it():
    exact = compare([Arm("A", 2_000, 200), Arm("B", 2_000, 240)])[1].lift
    sampled = compare([Arm("A", 200, 200, sample_rate=10), Arm("B", 200, 240, sample_rate=10)])[
        1
    ].lift  # the same estimated views, seen through 1-in-10 sampling
    assert (sampled[2] - sampled[0]) > (exact[2] - exact[0]) * 1.1


@pytest.mark.parametrize("rate", [10, 100])
def test_ninety_percent_intervals_cover_the_true_lift_about_ninety_percent_of_the_time(rate):
    """Simulated experiments with views recorded 1 in 10 and 1 in 100: the interval holds the
    true lift about as often as it says. (Measured: 91 % and 92 %; a naive interval that takes
    100 x the recorded views as exact holds it 74 % of the time at 1 in 100.)"""
    rng = random.Random(7)
    true_rates, views = (0.010, 0.012), 20_000
    true_lift = true_rates[1] / true_rates[0] - 1
    covered = 0
    runs = 120
    for _ in range(runs):
        arms = []
        for name, p in zip("AB", true_rates, strict=True):
            recorded = sum(rng.random() < 1 / rate for _ in range(views))
            donations = sum(rng.random() < p for _ in range(views))
            arms.append(Arm(name, recorded, donations, sample_rate=rate))
        low, _, high = compare(arms, draws=1500)[1].lift
        covered += low <= true_lift <= high
    assert 0.83 <= covered / runs <= 0.97


def test_revenue_per_view_weighs_gift_sizes_as_well_as_conversion():
    small = tuple([10.0] * 60)
    large = tuple([40.0] * 60)
    arms = [Arm("A", 30_000, 60, gifts=small), Arm("B", 30_000, 60, gifts=large)]
    conversion, revenue = compare(arms), compare(arms, metric="revenue")
    assert conversion[1].p_best == pytest.approx(0.5, abs=0.07)
    assert revenue[1].p_best > 0.99
    assert revenue[1].revenue_per_view == pytest.approx(60 * 40 / 30_000)


def test_results_say_in_plain_words_when_there_is_not_enough_data():
    message = verdict(compare([Arm("A", 300, 2), Arm("B", 310, 3)]))
    assert message.startswith("Not enough data yet") and "A, B have fewer" in message
    assert "very probably the best" in verdict(compare([Arm("A", 50_000, 400),
                                                        Arm("B", 50_000, 600)]))  # fmt: skip


def test_the_bandit_keeps_a_floor_for_every_variant():
    weights = thompson_weights([Arm("A", 50_000, 100), Arm("B", 50_000, 900)], floor=0.1)
    assert sum(weights) == pytest.approx(1)
    assert weights[0] == pytest.approx(0.1, abs=0.001) and weights[1] > 0.89


def test_the_bandit_converges_on_a_clear_winner():
    rng = random.Random(3)
    true_rates = (0.010, 0.010, 0.016)
    seen = [[0, 0] for _ in true_rates]
    weights = [1 / 3] * 3
    for _ in range(25):  # 25 recomputations of the weights, 3,000 views between each
        for _ in range(3_000):
            arm = rng.choices(range(3), weights)[0]
            seen[arm][0] += 1
            seen[arm][1] += rng.random() < true_rates[arm]
        arms = [Arm(str(i), views, donations) for i, (views, donations) in enumerate(seen)]
        weights = thompson_weights(arms, draws=1000)
    assert weights[2] > 0.8 and min(weights) >= 0.05
