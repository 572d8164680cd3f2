from quizzes.rendering import render_text


def test_html_keeps_only_whitelisted_tags_without_attributes():
    html = render_text(
        '<b onclick="x()">tebal</b><script>alert(1)</script><a href="javascript:x">l</a>', "html"
    )
    assert html == "<b>tebal</b>l"


def test_plain_text_is_escaped_and_keeps_line_breaks():
    assert render_text("<i>a</i>\nb", "plain") == "&lt;i&gt;a&lt;/i&gt;<br>b"


def test_unclosed_tags_are_closed():
    assert render_text("<b>x", "html") == "<b>x</b>"


def test_moodle_format_allows_simple_formatting_and_escapes_the_rest():
    assert render_text("1 < 2 & <em>ok</em><img src=x onerror=alert(1)>", "moodle") == (
        "1 &lt; 2 &amp; <em>ok</em>"
    )
