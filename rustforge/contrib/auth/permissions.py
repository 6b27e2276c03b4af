"""Permissions: the view/add/change/delete set of every model, and lookups.

``create_permissions()`` runs after ``migrate`` (a ``migrations_applied``
receiver) and may be called again at any time; it only adds what is missing.
"""

from __future__ import annotations

from typing import Any

ACTIONS = ("view", "add", "change", "delete")


def model_permissions(model: type[Any]) -> list[tuple[str, str, str]]:
    """``(app_label, codename, name)`` of the default permissions of ``model``."""
    label = model._meta.app_label if hasattr(model._meta, "app_label") else ""
    name = model.__name__.lower()
    return [(label, f"{action}_{name}", f"Can {action} {name}") for action in ACTIONS]


def create_permissions(sender: Any = None, **kwargs: Any) -> int:
    """Create missing default permissions for every installed model; the count added."""
    from rustforge.apps import apps
    from rustforge.contrib.auth.models import Permission
    from rustforge.db import atomic, get_database

    if Permission._meta.table_name not in get_database().get_tables():
        return 0  # auth not migrated yet; a later migrate calls again
    existing = {(p.app_label, p.codename) for p in Permission.select(
        Permission.app_label, Permission.codename)}
    wanted = []
    for model in apps.get_models():
        for label, codename, name in model_permissions(model):
            if label and (label, codename) not in existing:
                existing.add((label, codename))
                wanted.append({"app_label": label, "codename": codename, "name": name})
    if wanted:
        with atomic():
            Permission.insert_many(wanted).execute()
    return len(wanted)


def get_permission(perm: str):
    """The Permission row for ``"app_label.codename"`` (LookupError if absent)."""
    from rustforge.contrib.auth.models import Permission

    label, _, codename = perm.partition(".")
    found = Permission.get_or_none((Permission.app_label == label)
                                   & (Permission.codename == codename))
    if found is None:
        raise LookupError(f"no permission {perm!r}; has `migrate` run?")
    return found


def permissions_of(user: Any) -> set[str]:
    """Every ``app_label.codename`` the user holds directly or through a group."""
    from rustforge.contrib.auth.models import GroupPermission, Permission, UserGroup, UserPermission

    direct = (Permission.select(Permission.app_label, Permission.codename)
              .join(UserPermission).where(UserPermission.user == user._pk))
    via_groups = (Permission.select(Permission.app_label, Permission.codename)
                  .join(GroupPermission)
                  .join(UserGroup, on=(UserGroup.group == GroupPermission.group))
                  .where(UserGroup.user == user._pk))
    return {f"{p.app_label}.{p.codename}" for p in (direct | via_groups)}


def grant(user_or_group: Any, *perms: str) -> None:
    """Give a user or a group permissions by name: ``grant(ada, "blog.change_post")``."""
    from rustforge.contrib.auth.models import Group, GroupPermission, UserPermission

    for perm in perms:
        permission = get_permission(perm)
        if isinstance(user_or_group, Group):
            GroupPermission.insert(group=user_or_group, permission=permission) \
                .on_conflict_ignore().execute()
        else:
            UserPermission.insert(user=user_or_group._pk, permission=permission) \
                .on_conflict_ignore().execute()
            user_or_group.__dict__.pop("_perm_cache", None)
