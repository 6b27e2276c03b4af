from rustforge.http import route
from testproject.shop.resources import (
    AuthorResource,
    BookCursorResource,
    BookResource,
    ShelfResource,
    VersionedShelfResource,
)
from testproject.shop.views import Documents, OrderPage, Orders, Search, Uploads

routes = [
    route("/orders", Orders, name="orders"),
    route("/search", Search, name="search"),
    route("/uploads", Uploads, name="uploads"),
    route("/documents", Documents, name="documents"),
    route("/order", OrderPage, name="order-page"),
    *AuthorResource.routes("/authors", name="authors"),
    *BookResource.routes("/books", name="books"),
    *BookCursorResource.routes("/cursor-books", name="cursor-books"),
    *ShelfResource.routes("/shelves", name="shelves"),
    *VersionedShelfResource.routes("/versioned-shelves", name="versioned-shelves"),
]
