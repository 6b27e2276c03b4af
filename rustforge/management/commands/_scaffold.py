"""Render a scaffold folder (``project_template/``): ``*-tpl`` files lose the
suffix and get ``{{ name }}`` placeholders filled in; a path part spelled
``project_name`` or ``app_name`` is renamed (so is a ``project_name-`` prefix
of a file name) and a ``dot-`` prefix becomes
``.`` (packaging tools skip dotfiles)."""

from __future__ import annotations

import importlib.util
import keyword
from importlib import resources
from pathlib import Path

from rustforge.management import CommandError


def validate_name(name: str, kind: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise CommandError(f"{name!r} is not a valid {kind} name; use a Python identifier "
                           "such as 'mysite' or 'blog'")
    # find_spec locates without importing: `startapp antigravity` must not run it.
    if importlib.util.find_spec(name) is not None:
        raise CommandError(
            f"{name!r} conflicts with an importable Python module; choose another name")


def render_tree(kind: str, target: Path, context: dict[str, str],
                folders: tuple[str, ...] = ()) -> list[Path]:
    source = resources.files("rustforge.project_template") / kind
    written: list[Path] = []

    def walk(node, rel: Path) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = child.name
            if name in ("__pycache__",) or name.endswith((".pyc", ".pyo")):
                continue
            name = context.get(name, name) if name in ("project_name", "app_name") else name
            if name.startswith("project_name-") and "project_name" in context:
                name = context["project_name"] + name[len("project_name"):]
            if name.startswith("dot-"):
                name = "." + name[4:]
            if child.is_dir():
                walk(child, rel / name)
                continue
            if name.endswith("-tpl"):
                name = name[:-4]
                text = child.read_text(encoding="utf-8")
                for key, value in context.items():
                    text = text.replace("{{ " + key + " }}", value)
                data = text.encode("utf-8")
            else:
                data = child.read_bytes()
            dest = target / rel / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            written.append(dest)

    walk(source, Path())
    for folder in folders:
        (target / folder).mkdir(parents=True, exist_ok=True)
    return written
