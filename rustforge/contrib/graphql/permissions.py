"""Who may read a type or a field, and who may run a mutation.

A permission is one of:

* ``None``: everyone;
* a permission name (``"blog.view_post"``) checked with ``user.has_perm``;
* a callable ``fn(info, obj) -> bool`` (``obj`` is None for type and
  mutation checks), e.g. ``authenticated``, ``staff`` or your own.

Scopes come from ``req.context.scopes`` (set by whatever authenticated the
request with a token; ``None`` for cookie and anonymous requests): a token
must carry every scope a type or mutation requires, a cookie-authenticated
request is never limited by scopes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graphql import GraphQLError, GraphQLResolveInfo

# NOTE(memory): nothing here imports graphql-core at module level: apps'
# ``graphql.py`` modules use these while they are discovered at start-up, and
# graphql-core is loaded only when the schema is first built.
Permission = str | Callable[["GraphQLResolveInfo", Any], bool] | None


def authenticated(info: GraphQLResolveInfo, obj: Any = None) -> bool:
    """Any logged-in user (or a token bound to a user)."""
    return bool(getattr(info.context.user, "is_authenticated", False))


def staff(info: GraphQLResolveInfo, obj: Any = None) -> bool:
    """Users with ``is_staff``."""
    user = info.context.user
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def allowed(permission: Permission, info: GraphQLResolveInfo, obj: Any = None) -> bool:
    if permission is None:
        return True
    if isinstance(permission, str):
        user = info.context.user
        has_perm = getattr(user, "has_perm", None)
        return bool(has_perm is not None and has_perm(permission))
    return bool(permission(info, obj))


def denied(info: GraphQLResolveInfo, what: str) -> GraphQLError:
    """The error for a failed check: UNAUTHENTICATED for anonymous users."""
    from graphql import GraphQLError

    user = info.context.user
    if not getattr(user, "is_authenticated", False):
        return GraphQLError(f"Log in to {what}.", extensions={"code": "UNAUTHENTICATED"})
    return GraphQLError(f"You may not {what}.", extensions={"code": "FORBIDDEN"})


def check_scopes(info: GraphQLResolveInfo, needed: Iterable[str]) -> None:
    """Raise FORBIDDEN when a token-authenticated request lacks a scope."""
    granted = info.context.scopes
    if granted is None or not needed:
        return
    missing = [scope for scope in needed if scope not in granted]
    if missing:
        from graphql import GraphQLError

        raise GraphQLError(f"The token lacks the scope(s): {' '.join(missing)}.",
                           extensions={"code": "FORBIDDEN", "missingScopes": missing})


def require(info: GraphQLResolveInfo, permission: Permission, scopes: Iterable[str],
            what: str, obj: Any = None) -> None:
    """Scopes first (a token's limits), then the permission."""
    check_scopes(info, scopes)
    if not allowed(permission, info, obj):
        raise denied(info, what)


def authorize_type(info: Any, type_: Any) -> None:
    """The type-level check, once per request and type."""
    seen = info.context.authorized
    if type_ in seen:
        return
    require(info, type_.permission, type_.scopes, f"see {type_.type_name()} objects")
    seen.add(type_)
