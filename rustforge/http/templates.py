"""Jinja2 templates: project folders first, then each app's ``templates/``.

    from rustforge.http import render

    class PostList:
        def on_get(self, req, resp):
            render(req, resp, "blog/post_list.html", {"posts": Post.select()})

Apps keep their templates under ``templates/<label>/`` so that a project
template of the same path overrides them. Globals available everywhere:
``url(name, **params)``, ``static(path)``, ``settings``, and whatever the
``TEMPLATE_CONTEXT_PROCESSORS`` return for the request.
"""

from __future__ import annotations

from collections import ChainMap
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
import markupsafe

from rustforge.conf import settings
from rustforge.importing import import_string
from rustforge.services import services

_BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates"

try:  # markupsafe 3: the C escaping behind markupsafe.escape
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover - another markupsafe: its own escape() throughout
    _escape_inner = None  # type: ignore[assignment]


def escape_output(value: Any) -> Any:
    """What an autoescaped ``{{ value }}`` writes into the page.

    PERF: ``markupsafe.escape`` wraps every result in ``Markup``, whose
    ``__new__`` (two ``hasattr`` checks that each raise and drop an
    ``AttributeError``, and a copy of the text) costs about 4,000
    instructions per value, more than the escaping itself. A value written
    into the page is only ever joined with the rest of it, so for an exact
    ``str`` or ``int`` (neither can have ``__html__``) the same text is
    returned as a plain ``str``; everything else (``Markup``, objects with
    ``__html__``, None, ``Undefined``...) goes through ``markupsafe.escape``.
    """
    if type(value) is str:  # type(), as markupsafe: a proxy may lie in __class__
        return _escape_inner(value)
    if type(value) is int:  # digits and "-": nothing to escape
        return f"{value}"
    return markupsafe.escape(value)


class CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator; the compiled module's ``escape``, which only
    the output of ``{{ ... }}`` uses, is :func:`escape_output`."""

    def visit_Template(self, node: Any, frame: Any = None) -> None:
        super().visit_Template(node, frame)
        if _escape_inner is not None:
            self.writeline("from rustforge.http.templates import escape_output as escape")


class Template(jinja2.Template):
    def new_context(self, vars: dict | None = None, shared: bool = False,
                    locals: Any = None) -> Any:
        """jinja's context with the template's globals merged in C.

        PERF: a template's globals are a ``ChainMap`` (its own, then the
        environment's); ``dict(globals, **vars)`` and the context's
        ``set(globals)`` walk it through ``ChainMap.__getitem__``, which
        raises and drops a ``KeyError`` in the first map for every global
        of the environment: about 1,500 instructions per global per render.
        The same keys and values, merged in the same order, as plain dicts.
        """
        merged = self.globals
        if (shared or locals or type(merged) is not ChainMap or len(merged.maps) != 2
                or type(merged.maps[0]) is not dict or type(merged.maps[1]) is not dict):
            return super().new_context(vars, shared, locals)
        own, common = merged.maps
        flat = {**common, **own} if own else common
        parent = dict(flat, **vars) if vars else dict(flat)
        environment = self.environment
        return environment.context_class(environment, parent, self.name, self.blocks,
                                         globals=flat)


class Environment(jinja2.Environment):
    code_generator_class = CodeGenerator
    template_class = Template


class Templates:
    """The per-process template environment and the context processors."""

    def __init__(self) -> None:
        from rustforge.apps import apps
        from rustforge.http.routing import reverse

        apps.populate()
        base = Path(settings.BASE_DIR) if settings.BASE_DIR else Path.cwd()
        dirs = [str(base / d) for d in settings.TEMPLATE_DIRS]
        dirs += [str(c.templates_dir) for c in apps.get_app_configs() if c.templates_dir]
        dirs.append(str(_BUILTIN_DIR))
        self.env = Environment(
            loader=jinja2.FileSystemLoader(dirs),
            autoescape=jinja2.select_autoescape(("html", "htm", "xml", "svg"),
                                                default_for_string=True),
            auto_reload=bool(settings.DEBUG),
            undefined=jinja2.StrictUndefined if settings.DEBUG else jinja2.Undefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        static_url = settings.STATIC_URL
        self.env.globals.update(
            url=reverse,
            static=lambda path: static_url + path.lstrip("/"),
            settings=settings,
        )
        self.processors = [import_string(path) for path in settings.TEMPLATE_CONTEXT_PROCESSORS]
        # PERF: without auto-reload a loaded template never changes, and jinja's
        # get_template (a locked LRU lookup, a weak reference, the globals merge)
        # costs more than rendering a small page's cells; DEBUG reloads.
        self._loaded: dict[str, jinja2.Template] | None = None if settings.DEBUG else {}

    def get_template(self, name: str) -> jinja2.Template:
        loaded = self._loaded
        if loaded is None:
            return self.env.get_template(name)
        template = loaded.get(name)
        if template is None:
            template = loaded[name] = self.env.get_template(name)
        return template

    def render(self, name: str, context: dict | None = None, req: Any = None) -> str:
        ctx: dict[str, Any] = {}
        if req is not None:
            ctx["request"] = req
            for processor in self.processors:
                ctx.update(processor(req))
        if context:
            ctx.update(context)
        return self.get_template(name).render(ctx)


services.register("templates", Templates,
                  settings={"TEMPLATE_DIRS", "TEMPLATE_CONTEXT_PROCESSORS", "INSTALLED_APPS",
                            "DEBUG", "STATIC_URL"})


def render_to_string(name: str, context: dict | None = None, req: Any = None) -> str:
    return services.get("templates").render(name, context, req)


def render(req: Any, resp: Any, name: str, context: dict | None = None,
           status: str | int | None = None) -> None:
    """Render ``name`` into ``resp`` as HTML."""
    resp.content_type = "text/html; charset=utf-8"
    resp.text = services.get("templates").render(name, context, req)
    if status is not None:
        resp.status = status
