"""Templated messages: Jinja2 templates for the subject, text and HTML parts.

For ``EmailMessage.from_template("accounts/email/welcome", ctx)`` the project's
template folders (then each app's ``templates/``) are searched for::

    accounts/email/welcome.subject.txt   one line; whitespace is collapsed
    accounts/email/welcome.txt           the text body
    accounts/email/welcome.html          the HTML body (autoescaped)

Each is optional, but at least one body must exist. The context has the
globals of every template (``url``, ``static``, ``settings``) and, given
``req``, what the ``TEMPLATE_CONTEXT_PROCESSORS`` return.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import jinja2

from rustforge.exceptions import ImproperlyConfigured

_SPACES = re.compile(r"\s+")


def render_templates(base: str, context: dict[str, Any],
                     req: Any = None) -> tuple[str | None, str | None, str | None]:
    """Return (subject, text, html); ``None`` for a template that does not exist."""
    from rustforge.http.templates import render_to_string

    def render(suffix: str) -> str | None:
        try:
            return render_to_string(base + suffix, context, req)
        except jinja2.TemplateNotFound as exc:
            if exc.name != base + suffix:  # an {% include %} inside it is missing
                raise
            return None

    subject = render(".subject.txt")
    text = render(".txt")
    html_body = render(".html")
    if text is None and html_body is None:
        raise ImproperlyConfigured(
            f"mail template {base!r}: neither {base}.txt nor {base}.html exists")
    if subject is not None:
        # A subject template ends with a newline; a header may hold none.
        subject = " ".join(subject.split())
    return subject, text, html_body


class _TextExtractor(HTMLParser):
    _BLOCK = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
              "table", "ul", "ol", "blockquote", "hr", "pre", "section", "article"})
    _SKIP = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.chunks.append("\n")
        if tag == "li":
            self.chunks.append("- ")
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCK:
            self.chunks.append("\n")
        if tag == "a" and self.links:
            href = self.links.pop()
            if href and not href.startswith(("#", "cid:", "mailto:")):
                self.chunks.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(_SPACES.sub(" ", data))


def html_to_text(markup: str) -> str:
    """A readable plain-text version of an HTML body (links kept in brackets).

        >>> html_to_text('<p>Hello <b>Ada</b></p><p><a href="https://x.example/">Open</a></p>')
        'Hello Ada\\n\\nOpen (https://x.example/)\\n'
    """
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.chunks).splitlines()]
    text, blank = [], True
    for line in lines:
        if line:
            text.append(line)
            blank = False
        elif not blank:
            text.append("")
            blank = True
    return ("\n".join(text).strip()) + "\n"
