"""``redirect()``: send the client elsewhere, by route name or by URL.

    from rustforge.http import redirect

    class PostCreate:
        def on_post(self, req, resp):
            post = Post.create(**req.get_media())
            redirect("blog:post-detail", id=post.id)      # 303 after a POST

falcon responders return nothing, so ``redirect()`` raises the matching
falcon redirect (it never returns); middleware still runs on the way out.
"""

from __future__ import annotations

from typing import Any, NoReturn

import falcon

from rustforge.http.routing import reverse


def resolve_url(to: str, **params: Any) -> str:
    """A route name becomes its path; a path or URL is returned unchanged.

    Route names never contain "/" (``"blog:detail"`` is a name), URLs do.
    """
    if "/" in to or to.startswith(("?", "#")):
        if params:
            raise TypeError("parameters are only accepted with a route name")
        return to
    return reverse(to, **params)


def redirect(to: str, *, permanent: bool = False, preserve_method: bool = False,
             see_other: bool | None = None, **params: Any) -> NoReturn:
    """Redirect to the route named ``to`` (with ``params``) or to the path/URL ``to``.

    * default: ``302 Found`` (``303 See Other`` for a POST/PUT/PATCH/DELETE
      is what browsers need after a form; pass ``see_other=True``);
    * ``permanent=True``: ``301`` (or ``308`` with ``preserve_method=True``);
    * ``preserve_method=True``: ``307``, the client repeats the same method.
    """
    location = resolve_url(to, **params)
    if permanent:
        raise (falcon.HTTPPermanentRedirect(location) if preserve_method
               else falcon.HTTPMovedPermanently(location))
    if preserve_method:
        raise falcon.HTTPTemporaryRedirect(location)
    if see_other:
        raise falcon.HTTPSeeOther(location)
    raise falcon.HTTPFound(location)
