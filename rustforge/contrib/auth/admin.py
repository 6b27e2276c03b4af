"""Users and groups in the admin (discovered by ``rustforge.contrib.admin``).

Permissions and groups are edited as checkboxes; a password is never shown
or edited as a field: the "Change password" page of a user sets a new one
(validated, hashed) and ends that user's other sessions.

This module is imported while the apps load, in every process (``manage.py
--help`` included): the web layer and the hasher are imported in the page's
method, when it serves.
"""

from __future__ import annotations

from typing import Any

from rustforge.contrib import admin
from rustforge.contrib.auth.authentication import get_user_model
from rustforge.contrib.auth.models import (
    Group,
    GroupPermission,
    Permission,
    UserGroup,
    UserPermission,
)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    ordering = ["name"]
    many_to_many = {"permissions": admin.ManyToMany(GroupPermission, "group", "permission")}


class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "email", "is_active", "is_staff", "is_superuser", "last_login"]
    search_fields = ["username", "email"]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined"]
    ordering = ["username"]
    sensitive_fields = ["password"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "email"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                               "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    many_to_many = {
        "groups": admin.ManyToMany(UserGroup, "user", "group"),
        "user_permissions": admin.ManyToMany(UserPermission, "user", "permission",
                                             label="Permissions"),
    }
    object_views = {"password": "password_view"}
    object_links = [("password", "Change password")]

    def password_view(self, req: Any, resp: Any, user: Any) -> None:
        import falcon

        from rustforge.contrib.admin.history import log_change
        from rustforge.contrib.admin.pages import admin_url, redirect, render_page
        from rustforge.contrib.admin.resources import post_data
        from rustforge.contrib.auth import messages
        from rustforge.contrib.auth.authentication import set_password_and_logout_others
        from rustforge.contrib.auth.passwords import (
            PasswordValidationError,
            password_help_texts,
            validate_password,
        )

        errors: list[str] = []
        if req.method == "POST":
            data = post_data(req)
            new1, new2 = data.get("password1", ""), data.get("password2", "")
            if not (isinstance(new1, str) and isinstance(new2, str)):
                errors.append("Send each password once.")
            elif new1 != new2:
                errors.append("The two passwords do not match.")
            else:
                try:
                    validate_password(new1, user)
                except PasswordValidationError as exc:
                    errors.extend(exc.messages)
            if not errors:
                set_password_and_logout_others(req, user, new1)
                log_change(req, self, user, [{"field": "password", "old": "",
                                              "new": "(changed)"}])
                messages.success(req, f"The password of {user} was changed.")
                redirect(admin_url("object", self, pk=user._pk, view="change"))
        render_page(req, resp, "auth/user/password.html", {
            "obj": user, "errors": errors, "help_texts": password_help_texts(),
            "title": f"Change password: {user}"}, self,
            status=falcon.HTTP_400 if errors else None)


admin.site.register(get_user_model(), UserAdmin)
admin.site.register(Permission, list_display=["__str__", "name"],
                    search_fields=["app_label", "codename", "name"],
                    ordering=["app_label", "codename"])
