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
def test_the_database_folds_accents_as_search_needs():
    """SQLite: every connection has articles_fold(). PostgreSQL: the search configuration of
    migration 0014 unaccents before stemming."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT articles_fold(%s)", ["Tromsø"])
            assert cursor.fetchone() == ("tromso",)
        else:
            cursor.execute("SELECT to_tsvector('articles_english', %s)::text", ["Tromsø Łódź"])
            assert cursor.fetchone() == ("'lodz':2 'tromso':1",)
