from testproject.shop.resources import (
    AuthorResource,
    BookCursorResource,
    BookResource,
    ShelfResource,
)

routes = [
    *AuthorResource.routes("/authors", name="authors"),
    *BookResource.routes("/books", name="books"),
    *BookCursorResource.routes("/cursor-books", name="cursor-books"),
    *ShelfResource.routes("/shelves", name="shelves"),
]
