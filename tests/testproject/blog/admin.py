"""The blog in the admin: every option the admin tests exercise."""

from rustforge.contrib import admin
from testproject.blog.models import Author, Category, Comment, Pin, Post, Tag


class CommentInline(admin.TabularInline):
    model = Comment
    fields = ["name", "body"]
    readonly_fields = ["created"]
    extra = 2
    max_num = 6


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "category", "status", "published", "publish_date",
                    "word_count"]
    search_fields = ["title", "body", "author__name"]
    list_filter = ["status", "published", "author", "category", "created"]
    ordering = ["-created"]
    readonly_fields = ["created", "word_count"]
    fieldsets = [
        (None, {"fields": ["title", "body", "author", "category"]}),
        ("Publishing", {"fields": ["status", "published", "publish_date", "views", "created",
                                   "word_count"]}),
    ]
    list_per_page = 20
    actions = ["publish"]
    inlines = [CommentInline]

    @admin.display(description="Words")
    def word_count(self, post):
        return len(post.body.split())

    @admin.action(description="Publish the selected posts", permissions=["change"])
    def publish(self, req, resp, queryset):
        count = 0
        for post in queryset:
            post.published, post.status = True, "published"
            post.save()
            count += 1
        return f"{count} posts published."


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "initials"]
    search_fields = ["name", "email"]
    ordering = ["name"]

    @admin.display(description="Initials", ordering="name")
    def initials(self, author):
        return "".join(word[0] for word in author.name.split())


admin.site.register(Category, search_fields=["name"], list_display=["name"])
admin.site.register(Comment, list_display=["name", "post", "created"], search_fields=["body"],
                    autocomplete_fields=["post"])
admin.site.register([Tag, Pin])
