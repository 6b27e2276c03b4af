"""The auth app's part of the GraphQL schema (loaded only by the GraphQL app's discovery).

``me`` answers the requesting user (null when anonymous); ``users`` lists
accounts for staff only. A user's e-mail and log-in times are visible to that
user and to staff; the password hash is never a field.
"""

from __future__ import annotations

from typing import Any

from rustforge.contrib.auth.authentication import get_user_model
from rustforge.contrib.graphql import ModelType, schema, staff

_PUBLIC = ["id", "username", "is_active", "is_staff", "date_joined"]
_PRIVATE = ["email", "last_login"]
User = get_user_model()


def self_or_staff(info: Any, obj: Any = None) -> bool:
    user = info.context.user
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or (obj is not None and obj._pk == user._pk))


@schema.register
class UserType(ModelType):
    model = User
    name = "User"
    # A custom user model may lack some of these.
    fields = [n for n in (*_PUBLIC, *_PRIVATE) if n in User._meta.fields]
    field_permissions = dict.fromkeys(_PRIVATE, self_or_staff)


@schema.query("User", description="The user making the request; null when anonymous.")
def me(root: Any, info: Any) -> Any:
    user = info.context.user
    return user if getattr(user, "is_authenticated", False) else None


schema.list("users", UserType, permission=staff, description="Every account (staff only).")
