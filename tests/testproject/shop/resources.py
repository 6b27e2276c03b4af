from rustforge.resources import ModelResource, Nested, computed
from rustforge.resources.model import ACTIONS
from testproject.shop.models import Author, Book, Shelf, Slot


def is_staff(req, obj):
    return req is not None and req.get_header("X-Staff") == "yes"


class AuthorResource(ModelResource):
    model = Author
    fields = ("id", "name", "email")
    filter_fields = {"name": ["exact", "icontains"]}
    ordering_fields = ("id", "name")
    books = Nested("BookResource", many=True)


class BookResource(ModelResource):
    model = Book
    fields = ("id", "title", "isbn", "price", "pages", "author", "status", "published_on",
              "created", "in_stock", "summary")
    read_only_fields = ("created",)
    filter_fields = {"author": ["exact", "in"], "status": ["exact"], "price": ["gte", "lte"],
                     "title": ["icontains"], "published_on": ["isnull"]}
    ordering_fields = ("id", "title", "price", "created")
    default_order = ("id",)
    max_page_size = 50
    max_bulk_size = 20
    actions = (*ACTIONS, "bulk_create", "bulk_update", "bulk_destroy")
    author = Nested(AuthorResource)

    @computed({"type": "integer"})
    def title_length(self, obj):
        return len(obj.title)

    @computed({"type": "string"}, when=is_staff)
    def note(self, obj):
        return obj.internal_note


class BookCursorResource(BookResource):
    pagination = "cursor"
    ordering_fields = ("id", "title", "price")


class SlotResource(ModelResource):
    model = Slot


class ShelfResource(ModelResource):
    model = Shelf
    ordering_fields = ("id", "name")
    slots = Nested(SlotResource, many=True)
    actions = (*ACTIONS, "trash", "restore", "force_delete", "bulk_destroy")
    permissions = {"destroy": "shop.delete_shelf", "trash": "shop.view_deleted_shelf",
                   "restore": "shop.restore_shelf", "force_delete": "shop.purge_shelf"}


class VersionedShelfResource(ShelfResource):
    """Writes must name the version they change (If-Match)."""

    require_if_match = True
    permissions = {}
