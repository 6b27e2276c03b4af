"""Every model any installed app registers answers its pages (a superuser's view).

Tenant-scoped models answer only on a tenant's address (tenancy's own tests cover them);
here they must refuse cleanly, never fail.
"""

from rustforge.contrib.admin import site
from rustforge.db.scoping import scope_fields


def test_every_registered_model_lists_and_adds(admin_client, admin_user, blog):
    failures = []
    for model_admin in site.model_admins():
        base = f"/admin/{model_admin.app_label}/{model_admin.model_name}"
        paths = [base] + ([f"{base}/add"] if model_admin.has_permission(admin_user, "add")
                          else [])
        for path in paths:
            response = admin_client.get(path)
            if scope_fields(model_admin.model) and response.status_code == 404:
                continue
            # An admin may refuse adding to everyone (OAuth tokens come from the token
            # endpoint only): then its add page is a clean 403, even for a superuser.
            refused = path.endswith("/add") and not model_admin.has_permission(admin_user, "add")
            if refused and response.status_code == 403:
                continue
            if response.status_code != 200:
                failures.append(f"{path}: {response.status_code} {response.text[:200]}")
        scoped = scope_fields(model_admin.model)  # no rows outside a tenant's request
        row = model_admin.get_queryset(None).first() \
            if _plain(model_admin) and not scoped else None
        if row is not None:
            response = admin_client.get(f"{base}/{row._pk}/change")
            if response.status_code != 200:
                failures.append(f"{base}/{row._pk}/change: {response.status_code}")
    assert not failures, "\n".join(failures)


def _plain(model_admin):
    """get_queryset(None) works for admins that do not read the request."""
    from rustforge.contrib.admin import ModelAdmin

    return getattr(model_admin.get_queryset, "__func__", None) is ModelAdmin.get_queryset
