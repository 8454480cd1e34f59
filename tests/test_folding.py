"""Accent folding for the SQLite search (articles/listing/folding.py); PostgreSQL has unaccent."""

import pytest
from django.db import connection

from articles.listing.folding import fold, fold_with_offsets


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Tromsø", "tromso"),
        ("München", "munchen"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("Ærøskøbing", "aeroskobing"),
        ("Đakovo", "dakovo"),
        ("Citroën Crème Brûlée", "citroen creme brulee"),
        ("plain ASCII", "plain ascii"),
        ("Москва", "москва"),  # other scripts are left as they are, lower-cased
    ],
)
def test_fold_takes_off_accents_and_case(text, folded):
    assert fold(text) == folded


def test_fold_with_offsets_points_back_at_the_original_letters():
    folded, offsets = fold_with_offsets("Ærø!")
    assert folded == "aero!"
    assert [offsets[i] for i in range(len(folded))] == [0, 0, 1, 2, 3]


@pytest.mark.django_db
def test_every_sqlite_connection_has_the_fold_function():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL folds with unaccent in its search configuration")
    with connection.cursor() as cursor:
        cursor.execute("SELECT articles_fold(%s)", ["Tromsø"])
        assert cursor.fetchone() == ("tromso",)
