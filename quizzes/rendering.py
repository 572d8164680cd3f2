"""What a participant's page gets from text a trainer or an import wrote.

Two kinds of text, two functions; both return a `SafeString` that templates print as it is
(templates never mark stored text safe themselves):

- `render_text` — question text and feedback, where formatting is wanted: HTML, Markdown and
  Moodle format go through the `nh3` sanitiser (Ammonia) with an explicit allow-list, `ALLOWED`
  below. Links keep only http, https and mailto addresses (no relative ones, no `javascript:`)
  and get `rel="noopener noreferrer"`; every other attribute, `<script>`/`<style>` and their
  content, `<meta>`, `<img>`, forms and frames are removed. Plain text is escaped. Plain and
  Moodle format keep their line breaks.
- `render_plain` — answers (choice texts, short-answer and numerical answers, matching items
  and matches): plain text, escaped.
"""

from __future__ import annotations

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "sub", "sup", "br", "p", "ul", "ol", "li", "code", "pre", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_SCHEMES = {"http", "https", "mailto"}
# Removed together with what they hold (their text is code or a control, not prose).
DROP_CONTENT = {"script", "style", "iframe", "object", "template", "textarea", "noscript"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    clean_content_tags=DROP_CONTENT,
    url_schemes=LINK_SCHEMES,
    url_relative="deny",
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(text: str) -> str:
    """`text` with only the allowed tags and attributes left, everything else escaped."""
    return _cleaner.clean(text or "")


def render_text(text: str, text_format: str = "moodle") -> SafeString:
    """HTML for question text or feedback: sanitised for html/markdown/moodle, escaped for
    plain text."""
    if text_format in ("html", "markdown"):
        return mark_safe(sanitize_html(text))  # noqa: S308 - built by the sanitiser
    # Moodle's own format allows simple HTML too; plain text is escaped as it is.
    html = sanitize_html(text) if text_format == "moodle" else str(escape(text or ""))
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 - sanitised or escaped above


def render_plain(text: str) -> SafeString:
    """An answer as the text it is: escaped, never markup."""
    return escape(text or "")
