"""The admin site: ``rustforge.contrib.admin``, mounted at ``/admin/``.

    # blog/admin.py
    from rustforge.contrib import admin
    from blog.models import Post, Tag

    admin.site.register(Tag)

    @admin.register(Post)
    class PostAdmin(admin.ModelAdmin):
        list_display = ["title", "author", "published"]
        search_fields = ["title"]
        list_filter = ["published", "author"]

See ``docs/admin.md``.
"""

from rustforge.contrib.admin.options import (
    InlineAdmin,
    ManyToMany,
    ModelAdmin,
    StackedInline,
    TabularInline,
    action,
    display,
)
from rustforge.contrib.admin.sites import (
           AdminSite,
           AlreadyRegistered,
           NotRegistered,
           register,
           site,
)

__all__ = ["AdminSite", "AlreadyRegistered", "InlineAdmin", "ManyToMany", "ModelAdmin",
           "NotRegistered", "StackedInline", "TabularInline", "action", "display", "register",
           "site"]
