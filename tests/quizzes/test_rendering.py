from django.utils.safestring import SafeString

from quizzes.rendering import render_plain, render_text


def test_html_keeps_only_allowed_tags_and_drops_attributes_and_scripts():
    html = render_text('<b onclick="x()">tebal</b><script>alert(1)</script>', "html")
    assert html == "<b>tebal</b>"


def test_links_keep_only_web_and_mail_addresses_and_get_noopener():
    html = render_text(
        '<a href="javascript:alert(1)">j</a><a href="/accounts/logout/">r</a>'
        '<a href="https://polri.go.id/" target="_blank">w</a><a href="mailto:a@polri.go.id">m</a>',
        "html",
    )
    assert html == (
        '<a rel="noopener noreferrer">j</a><a rel="noopener noreferrer">r</a>'
        '<a href="https://polri.go.id/" rel="noopener noreferrer">w</a>'
        '<a href="mailto:a@polri.go.id" rel="noopener noreferrer">m</a>'
    )


def test_a_refresh_an_image_and_a_frame_are_removed():
    html = render_text(
        '<meta http-equiv="refresh" content="0;url=http://evil"><img src=x onerror=alert(1)>'
        '<iframe src="http://evil">isi</iframe>teks',
        "moodle",
    )
    assert html == "teks"


def test_plain_text_is_escaped_and_keeps_line_breaks():
    assert render_text("<i>a</i>\nb", "plain") == "&lt;i&gt;a&lt;/i&gt;<br>b"


def test_unclosed_tags_are_closed():
    assert render_text("<b>x", "html") == "<b>x</b>"


def test_moodle_format_allows_simple_formatting_and_escapes_the_rest():
    assert render_text("1 < 2 & <em>ok</em><img src=x onerror=alert(1)>", "moodle") == (
        "1 &lt; 2 &amp; <em>ok</em>"
    )


def test_answers_are_plain_text_escaped_and_safe_for_templates():
    html = render_plain('<b>BSSN</b> & "Lemsaneg"')
    assert html == "&lt;b&gt;BSSN&lt;/b&gt; &amp; &quot;Lemsaneg&quot;"
    assert isinstance(html, SafeString) and isinstance(render_text("x"), SafeString)
