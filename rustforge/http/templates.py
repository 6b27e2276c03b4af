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

from pathlib import Path
from typing import Any

import jinja2

from rustforge.conf import settings
from rustforge.importing import import_string
from rustforge.services import services

_BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates"


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
        self.env = jinja2.Environment(
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
