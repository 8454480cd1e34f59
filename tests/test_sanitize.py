"""Story bodies are sanitised on save: pasted HTML can never run in a reader's browser."""

import pytest

from articles.html import html_to_text, sanitize_html
from tests.conftest import make_story

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


def test_empty_editor_output_is_an_empty_body():
    assert sanitize_html("<p></p>") == ""
    assert sanitize_html("<p><br></p>") == ""


def test_body_text_has_one_paragraph_per_line():
    assert html_to_text("<p>One &amp; two</p><h2>Three</h2><ul><li>Four</li></ul>") == (
        "One & two\nThree\nFour"
    )
