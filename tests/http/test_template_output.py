"""RustForge's Jinja environment writes the same pages as a plain ``jinja2.Environment``
with the same options, while escaping ``str`` and ``int`` values without ``Markup``
and merging the globals without walking a ``ChainMap``."""

import collections
import enum

import jinja2
import markupsafe
import pytest

from rustforge.http.templates import Environment, escape_output

TEMPLATES = {
    "base.html": "<title>{% block title %}{{ title }}{% endblock %}</title>"
                 "{% block body %}{% endblock %}",
    "page.html": """{% extends "base.html" %}
{% from "macros.html" import cell %}
{% block title %}{{ super() }} & {{ title|upper }}{% endblock %}
{% block body %}
<table>{% for row in rows %}<tr>{{ cell(row.id) }}{{ cell(row.message) }}</tr>
{% else %}<tr><td>none</td></tr>{% endfor %}</table>
{% set caption %}<b>{{ title }}</b>{% endset %}{{ caption }}
{% filter upper %}{{ title }} {{ count }}{% endfilter %}
{% call cell("x") %}{{ title }}{% endcall %}
{{ values|join(", ") }} {{ "%s <%d>"|format(title, count) }} {{ title ~ count }}
{{ trusted }} {{ trusted ~ title }} {{ nothing }} {{ missing_name }} {{ flag }} {{ ratio }}
{{ color }} {{ html_object }} {{ text_subclass }} {{ -5 }} {{ 0 }} {{ url("x") }} {{ extra }}
{% autoescape false %}{{ title }}{% endautoescape %}{% autoescape true %}{{ title }}{% endautoescape %}
{% include "part.html" %}
{% endblock %}""",
    "macros.html": "{% macro cell(value) %}<td>{{ value }}{% if caller %}{{ caller() }}"
                   "{% endif %}</td>{% endmacro %}",
    "part.html": "<p>{{ title }} {{ rows|length }}</p>",
    "plain.txt": "{{ title }} & {{ count }} {{ trusted }}",
}


class Color(enum.IntEnum):
    RED = 1


class Html:
    def __html__(self):
        return "<i>trusted</i>"


class Text(str):
    pass


Row = collections.namedtuple("Row", "id message")

CONTEXT = {
    "title": "Tom & \"Jerry\" <'s>",
    "count": 42,
    "rows": [Row(1, "<script>alert(1)</script>"), Row(-7, "caf\u00e9 \u65e5\u672c"), Row(3, "")],
    "values": ["a<", 2, None],
    "trusted": markupsafe.Markup("<em>ok</em>"),
    "nothing": None,
    "flag": True,
    "ratio": 1.5,
    "color": Color.RED,
    "html_object": Html(),
    "text_subclass": Text("<sub>"),
}


def _url(name):
    return f"/{name}?a=1&b=<2>"


def _environments():
    options = {"loader": jinja2.DictLoader(TEMPLATES),
               "autoescape": jinja2.select_autoescape(("html",), default_for_string=True),
               "trim_blocks": True, "lstrip_blocks": True}
    envs = jinja2.Environment(**options), Environment(**options)  # noqa: S701 (autoescape is in options)
    for env in envs:
        env.globals.update(url=_url, extra="<global>")
    return envs


@pytest.mark.parametrize("name", ["page.html", "plain.txt", "part.html"])
def test_pages_are_what_plain_jinja_writes(name):
    plain, ours = _environments()
    expected = plain.get_template(name).render(CONTEXT)
    assert ours.get_template(name).render(CONTEXT) == expected
    assert "".join(ours.get_template(name).generate(CONTEXT)) == expected
    assert "&lt;script&gt;" in plain.get_template("page.html").render(CONTEXT)


def test_strict_undefined_still_raises():
    plain, ours = _environments()
    for env in (plain, ours):
        env.undefined = jinja2.StrictUndefined
        with pytest.raises(jinja2.UndefinedError):
            env.get_template("page.html").render(CONTEXT)


def test_template_globals_and_context_as_plain_jinja():
    plain, ours = _environments()
    contexts = []
    for env in (plain, ours):
        template = env.get_template("part.html", globals={"extra": "own", "mine": 1})
        context = template.new_context({"title": "t", "extra": "vars"})
        contexts.append((list(context.get_all().items()), context.globals_keys,
                         template.render(title="<t>", rows=[1])))
        assert env.from_string("{{ extra }}").render() == "&lt;global&gt;"
    assert contexts[0] == contexts[1]
    assert dict(contexts[1][0])["extra"] == "vars"
    with pytest.raises(TypeError):
        ours.get_template("part.html").new_context({1: "not a name"})


@pytest.mark.parametrize("value", [
    "", "plain", "<a href='x'>&\"</a>", "caf\u00e9 \U0001f600 <", 0, 7, -12, 10**30, True,
    None, 1.5, Color.RED, Text("<t>"), markupsafe.Markup("<b>"), Html(), jinja2.Undefined(),
    [1, "<"], b"<bytes>",
])
def test_escape_output_writes_what_markupsafe_escape_writes(value):
    assert str(escape_output(value)) == str(markupsafe.escape(value))


def test_str_and_int_values_skip_markup(monkeypatch):
    made = []
    real_new = markupsafe.Markup.__new__

    def counting_new(cls, *args, **kwargs):
        made.append(args)
        return real_new(cls, *args, **kwargs)

    env = Environment(autoescape=True)
    template = env.from_string("{% for v in values %}{{ v }}{% endfor %}")
    monkeypatch.setattr(markupsafe.Markup, "__new__", counting_new)
    assert template.render(values=["<a>", 3]) == "&lt;a&gt;3"
    assert made == []


def test_globals_are_merged_without_walking_the_chain(monkeypatch):
    looked_up = []
    real_getitem = collections.ChainMap.__getitem__

    def counting_getitem(self, key):
        looked_up.append(key)
        return real_getitem(self, key)

    env = Environment()
    env.globals["site"] = "RF"
    template = env.from_string("{{ site }} {{ page }}")
    monkeypatch.setattr(collections.ChainMap, "__getitem__", counting_getitem)
    assert template.render(page=1) == "RF 1"
    assert looked_up == []
