"""What a browser would send from an admin page: every input, select and textarea
of its change form, read with the standard HTML parser."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = {}
        self._in_form = False
        self._template = 0
        self._select = None
        self._first_option = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "change" in (a.get("class") or "").split():
            self._in_form = True
        if tag == "template":
            self._template += 1
        if not self._in_form or self._template or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind == "checkbox" and "checked" not in a:
                return
            self.data[name] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a:
                self.data[self._select] = a.get("value", "")
            elif "disabled" not in a:  # a select without a choice sends its first option
                self._first_option.setdefault(self._select, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "template":
            self._template -= 1
        elif tag == "select":
            if self._select not in self.data and self._select in self._first_option:
                self.data[self._select] = self._first_option[self._select]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(page_text):
    """The change form's fields as the browser would post them (no button pressed): a
    select with no selected option sends its first enabled one, as a browser does."""
    reader = _FormReader()
    reader.feed(page_text)
    reader.data.pop("csrf_token", None)
    return reader.data
