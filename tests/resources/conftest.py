import pytest
from testproject.shop.models import Author, Book


@pytest.fixture
def catalogue(db):
    """3 authors with 4 books each (12 books, prices 1..12)."""
    authors = [Author.create(name=f"Author {i}", email=f"a{i}@example.com") for i in range(3)]
    books = []
    for n in range(12):
        books.append(Book.create(title=f"Book {n:02d}", isbn=f"97800000000{n:02d}",
                                 price=n + 1, author=authors[n % 3],
                                 status="published" if n % 2 else "draft",
                                 internal_note=f"note {n}"))
    return authors, books
