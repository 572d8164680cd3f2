"""Safe rendering of question and feedback text.

Everything is escaped; a tiny whitelist of formatting tags survives without any attribute
(`<b> <strong> <i> <em> <u> <sub> <sup> <br> <p> <ul> <ol> <li> <code> <pre>`). The content of
`<script>` and `<style>` is dropped. Plain and Moodle-format text keep their line breaks.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

ALLOWED = {"b", "strong", "i", "em", "u", "sub", "sup", "br", "p", "ul", "ol", "li", "code", "pre"}
VOID = {"br"}
DROP_CONTENT = {"script", "style", "iframe", "object", "template", "textarea"}


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROP_CONTENT:
            self.dropping += 1
        elif not self.dropping and tag in ALLOWED:
            self.out.append(f"<{tag}>")
            if tag not in VOID:
                self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        if not self.dropping and tag in VOID:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
        elif not self.dropping and tag in self.open:
            # Close whatever was left open inside it, keeping the output well formed.
            while self.open:
                inner = self.open.pop()
                self.out.append(f"</{inner}>")
                if inner == tag:
                    break

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def sanitize_html(text: str) -> str:
    parser = _Sanitizer()
    parser.feed(text or "")
    return parser.result()


def render_text(text: str, text_format: str = "moodle") -> SafeString:
    """HTML for `text`: whitelisted formatting for html/markdown, escaped text otherwise."""
    if text_format in ("html", "markdown"):
        return mark_safe(sanitize_html(text))  # noqa: S308 - output built by the sanitizer
    # Moodle's own format allows simple HTML too; plain text is escaped as it is.
    html = sanitize_html(text) if text_format == "moodle" else escape(text or "", quote=False)
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 - escaped above
