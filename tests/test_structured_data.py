"""Story pages describe themselves to search engines and social networks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Byline
from tests.factories import make_author, make_story, make_tag
from tests.markup import json_ld, meta

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    published = timezone.now() - timedelta(days=1)
    story = make_story(
        headline="Ruble <b>Slips</b> & “Falls”",
        standfirst="The currency lost 1.5% in a week.",
        published_at=published,
        updated_at=published + timedelta(hours=3),
        tags=[make_tag(name="Economy")],
    )
    for position, name in enumerate(["Anna Petrova", "Olga Smirnova"]):
        author = make_author(name=name, slug=name.lower().replace(" ", "-"))
        Byline.objects.create(story=story, author=author, position=position)
    return story


def test_news_article_json_ld_carries_what_search_engines_need(client, story):
    data = json_ld(client.get(story.get_absolute_url()).text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == story.headline
    assert data["datePublished"].startswith(f"{story.published_at:%Y-%m-%dT%H:%M}")
    assert data["dateModified"].startswith(f"{story.updated_at:%Y-%m-%dT%H:%M}")
    assert [a["name"] for a in data["author"]] == ["Anna Petrova", "Olga Smirnova"]
    assert all(a["@type"] == "Person" for a in data["author"])
    assert data["author"][0]["url"] == "http://testserver/authors/anna-petrova/"
    assert data["publisher"]["@type"] == "NewsMediaOrganization" and data["publisher"]["name"]
    assert data["url"].endswith(story.get_absolute_url())


def test_json_ld_cannot_break_out_of_its_script_element(client):
    story = make_story(headline="</script><script>alert(1)</script>")
    html = client.get(story.get_absolute_url()).text
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["headline"] == story.headline


def test_open_graph_twitter_and_canonical(client, story):
    html = client.get(story.get_absolute_url()).text
    url = f"http://testserver{story.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:url") == url
    assert meta(html, "og:title") == "Ruble &lt;b&gt;Slips&lt;/b&gt; &amp; “Falls”"
    assert meta(html, "og:description") == story.standfirst
    assert meta(html, "article:section") == story.section.name
    assert meta(html, "article:tag") == "Economy"
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "article:published_time").startswith(f"{story.published_at:%Y-%m-%d}")


def test_staff_preview_has_no_canonical_or_structured_data(editor_client, story):
    from django.urls import reverse

    html = editor_client.get(reverse("articles:story-preview", args=[story.pk])).text
    assert 'rel="canonical"' not in html and "application/ld+json" not in html


def test_trust_project_policies_set_in_the_admin_are_in_the_json_ld(editor_client, client, story):
    data = json_ld(client.get(story.get_absolute_url()).text)
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": data["publisher"]["name"],
        "url": "http://testserver/",
        "logo": {
            "@type": "ImageObject",
            "url": "http://testserver/static/articles/logo.png",
            "width": 600,
            "height": 60,
        },
    }
    assert "publishingPrinciples" not in data  # none set yet: nothing empty is published
    response = editor_client.post(
        "/admin/articles/publisherpolicies/add/",
        {
            "publishing_principles": "https://news.example/standards/",
            "corrections_policy": "https://news.example/corrections-policy/",
            "unnamed_sources_policy": "https://news.example/unnamed-sources/",
            "diversity_policy": "https://news.example/diversity/",
            "ethics_policy": "https://news.example/ethics/",
        },
    )
    assert response.status_code == 302
    data = json_ld(client.get(story.get_absolute_url()).text)
    publisher = data["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization"
    assert publisher["publishingPrinciples"] == "https://news.example/standards/"
    assert publisher["correctionsPolicy"] == "https://news.example/corrections-policy/"
    assert publisher["unnamedSourcesPolicy"] == "https://news.example/unnamed-sources/"
    assert publisher["diversityPolicy"] == "https://news.example/diversity/"
    assert publisher["ethicsPolicy"] == "https://news.example/ethics/"
    assert data["publishingPrinciples"] == "https://news.example/standards/"
    assert editor_client.get("/admin/articles/publisherpolicies/add/").status_code == 403


def test_a_policy_link_must_be_a_url(editor_client):
    response = editor_client.post(
        "/admin/articles/publisherpolicies/add/", {"ethics_policy": "javascript:alert(1)"}
    )
    assert response.status_code == 200 and "Enter a valid URL." in response.text
