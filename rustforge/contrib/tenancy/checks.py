"""System checks of the tenancy set-up."""

from __future__ import annotations

from rustforge.checks import Error, Warning, register

MIDDLEWARE = "rustforge.contrib.tenancy.middleware.TenantMiddleware"


@register("tenancy")
def check_settings(app_configs=None, **kwargs):
    from rustforge.apps import apps
    from rustforge.conf import settings

    messages = []
    if MIDDLEWARE not in settings.MIDDLEWARE:
        messages.append(Warning(f"{MIDDLEWARE} is not in MIDDLEWARE: no request has a tenant",
                                hint="Add it after SecurityMiddleware, before sessions and "
                                     "authentication.", id="tenancy.W001"))
    for label in settings.TENANCY_SCHEMA_APPS:
        if not apps.is_installed(label):
            messages.append(Error(f"TENANCY_SCHEMA_APPS names {label!r}, which is not an "
                                  "installed app label", id="tenancy.E001"))
    if settings.TENANCY_SCHEMAS:
        url = str(settings.DATABASE_URL or "")
        if not url.startswith(("postgres", "postgresql")):
            messages.append(Error("TENANCY_SCHEMAS needs PostgreSQL (DATABASE_URL is not a "
                                  "postgresql:// URL)", id="tenancy.E002"))
        if not settings.TENANCY_SCHEMA_APPS:
            messages.append(Error("TENANCY_SCHEMAS is on but TENANCY_SCHEMA_APPS is empty",
                                  id="tenancy.E003"))
    parallel = settings.TENANCY_MIGRATE_PARALLEL
    if isinstance(parallel, bool) or not isinstance(parallel, int) or parallel < 1:
        messages.append(Error(f"TENANCY_MIGRATE_PARALLEL must be a whole number of at least 1, "
                              f"not {parallel!r}", id="tenancy.E004"))
    return messages


@register("tenancy")
def check_models(app_configs=None, **kwargs):
    from rustforge.apps import apps
    from rustforge.contrib.tenancy.scoping import TenantModel
    from rustforge.db.softdelete import SoftDeleteModel

    messages = []
    for model in apps.get_models():
        if issubclass(model, TenantModel) and issubclass(model, SoftDeleteModel):
            mro = model.__mro__
            if mro.index(TenantModel) < mro.index(SoftDeleteModel):
                messages.append(Error(
                    f"{model.__module__}.{model.__name__} lists TenantModel before "
                    "SoftDeleteModel: with_deleted() and only_deleted() would see every "
                    "tenant's rows", hint=f"class {model.__name__}(SoftDeleteModel, "
                                          "TenantModel)", id="tenancy.E005"))
    return messages
