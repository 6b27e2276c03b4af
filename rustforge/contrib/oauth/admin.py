"""OAuth clients and tokens in the admin (discovered by ``rustforge.contrib.admin``).

Secrets never reach a page: the digest columns are ``sensitive_fields``. A
client's secret is shown once, on the page of the POST that made it ("New
client secret"), and stored only as its digest; the old secret stops working
at once. Tokens are listed for oversight and revoked with a bulk action;
they are never added or edited by hand.
"""

from __future__ import annotations

from typing import Any

import falcon

from rustforge.contrib import admin
from rustforge.contrib.admin.history import log_change
from rustforge.contrib.admin.pages import render_page
from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.oauth import digests
from rustforge.contrib.oauth.models import (
    AccessToken,
    Application,
    Consent,
    RefreshToken,
    split,
)
from rustforge.contrib.oauth.registration import validate_registration
from rustforge.contrib.oauth.tokens import revoke_family
from rustforge.forms.errors import ValidationError
from rustforge.forms.models import ModelForm


class ApplicationForm(ModelForm):
    def clean(self) -> None:
        data = self.cleaned_data
        try:
            validate_registration(
                name=data.get("name") or "", client_type=data.get("client_type") or "",
                redirect_uris=split(data.get("redirect_uris") or ""),
                grant_types=split(data.get("grant_types") or ""),
                scopes=split(data.get("scopes") or ""))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "client_id", "client_type", "skip_consent", "introspection",
                    "created_at"]
    search_fields = ["name", "client_id"]
    list_filter = ["skip_consent", "introspection", "created_at"]
    ordering = ["name"]
    sensitive_fields = ["client_secret_digest"]
    readonly_fields = ["client_id", "created_at"]
    form = ApplicationForm
    object_views = {"secret": "secret_view"}
    object_links = [("secret", "New client secret")]

    def save_model(self, req: Any, obj: Any, form: Any, change: bool) -> Any:
        if not change:
            # The id is made here; the secret on the "New client secret" page.
            form.instance = obj = obj or Application()
            obj.client_id = digests.new_secret(24)
        return form.save()

    def secret_view(self, req: Any, resp: Any, app: Application) -> None:
        """GET: a button; POST: a new secret, shown on this response only."""
        secret = None
        if app.is_public:
            raise falcon.HTTPBadRequest(title="Public client",
                                        description="A public client has no secret.")
        if req.method == "POST":
            secret = app.set_secret()
            Application.update(client_secret_digest=app.client_secret_digest).where(
                Application.id == app.id).execute()
            log_change(req, self, app, [{"field": "client secret", "old": "",
                                         "new": "(new secret issued)"}])
        render_page(req, resp, "oauth/application/secret.html", {
            "obj": app, "secret": secret, "title": f"Client secret: {app.name}"}, self)
        resp.set_header("Cache-Control", "no-store")


def revoke_tokens(model_admin: Any, req: Any, resp: Any, queryset: Any) -> str:
    count = 0
    for token in queryset:
        if isinstance(token, RefreshToken):
            count += revoke_family(token.family, reason="revoked in the admin")
        elif token.revoked_at is None:
            AccessToken.update(revoked_at=utcnow()).where(AccessToken.id == token.id).execute()
            count += 1
    return f"{count} token(s) revoked."


revoke_tokens.short_description = "Revoke the selected tokens"  # type: ignore[attr-defined]
revoke_tokens.allowed_permissions = ("change",)  # type: ignore[attr-defined]


class TokenAdmin(admin.ModelAdmin):
    list_display = ["application", "user", "scopes", "created_at", "expires_at", "revoked_at"]
    search_fields = ["application__name", "scopes"]
    list_filter = ["application", "created_at", "expires_at", "revoked_at"]
    ordering = ["-created_at"]
    sensitive_fields = ["token_digest"]
    readonly_fields = ["application", "user", "scopes", "family", "created_at", "expires_at",
                       "revoked_at"]
    actions = [revoke_tokens]

    def has_permission(self, user: Any, action: str) -> bool:
        # Tokens come from the token endpoint only; the admin looks and revokes.
        if action == "add":
            return False
        return super().has_permission(user, action)


admin.site.register(AccessToken, TokenAdmin)


@admin.register(RefreshToken)
class RefreshTokenAdmin(TokenAdmin):
    list_display = ["application", "user", "scopes", "created_at", "expires_at", "used_at",
                    "revoked_at"]
    readonly_fields = [*TokenAdmin.readonly_fields, "access_token", "used_at"]


admin.site.register(Consent, list_display=["user", "application", "scopes", "created_at"],
                    search_fields=["application__name", "scopes"], ordering=["-created_at"])
