"""ModelForm from a peewee model: types, lengths, null, choices, foreign keys,
unique constraints (single and composite) as clear errors."""

import decimal

import pytest
from testproject.shop.forms import BookForm
from testproject.shop.models import Author, Book, Shelf

from rustforge.forms import (
    BooleanField,
    CharField,
    ChoiceField,
    DecimalField,
    IntegerField,
    ModelChoiceField,
    ModelForm,
    ValidationFailed,
)


@pytest.fixture
def author(db):
    return Author.create(name="Ada", email="ada@example.com")


def valid(who, **extra):
    return {"title": "Engines", "isbn": "9780000000001", "price": "12.50",
            "author": who.id, **extra}


def test_fields_come_from_the_model():
    fields = BookForm.base_fields
    assert isinstance(fields["title"], CharField) and fields["title"].max_length == 200
    assert isinstance(fields["price"], DecimalField) and fields["price"].decimal_places == 2
    assert isinstance(fields["pages"], IntegerField)
    assert fields["pages"].required is False and fields["pages"].allow_null is True
    assert fields["pages"].max_value == 2**31 - 1
    assert isinstance(fields["author"], ModelChoiceField)
    assert isinstance(fields["status"], ChoiceField) and fields["status"].required is False
    assert isinstance(fields["in_stock"], BooleanField)
    assert fields["title"].required is True
    assert "created" not in fields and "id" not in fields


def test_create_and_update(author):
    form = BookForm(valid(author))
    assert form.is_valid(), form.errors
    book = form.save()
    assert book.id and book.author_id == author.id and book.price == decimal.Decimal("12.50")
    form = BookForm({"pages": 300}, instance=book, partial=True)
    assert form.is_valid(), form.errors
    form.save()
    assert Book.get_by_id(book.id).pages == 300
    assert Book.get_by_id(book.id).title == "Engines"


def test_type_length_choice_and_null_errors(author):
    form = BookForm(valid(author, title="x" * 201, price="abc", status="lost", pages=2**40,
                          in_stock="perhaps"))
    assert form.errors == {
        "title": ["Ensure this value has at most 200 characters (it has 201)."],
        "price": ["Enter a number."],
        "pages": [f"Ensure this value is at most {2**31 - 1}."],
        "status": ["Select a valid choice; 'lost' is not one of the available choices."],
        "in_stock": ["Enter true or false."],
    }
    form = BookForm(valid(author, title=None))
    assert form.errors == {"title": ["This field may not be null."]}


def test_foreign_key_must_exist(author):
    form = BookForm(valid(author, author=999))
    assert form.errors == {"author": ["Select a valid choice; author 999 does not exist."]}
    form = BookForm(valid(author, author="abc"))
    assert form.errors == {"author": ["Enter a whole number."]}
    form = BookForm(valid(author, author=2**80))
    assert "author" in form.errors


def test_unique_field_is_a_clear_error_not_integrity_error(author):
    BookForm(valid(author)).save()
    form = BookForm(valid(author, title="Other"))
    assert form.errors == {"isbn": ["A Book with this isbn already exists."]}
    assert form.conflicts == form.errors
    with pytest.raises(ValidationFailed):
        form.save()
    assert Book.select().count() == 1


def test_composite_unique_index(author):
    BookForm(valid(author)).save()
    form = BookForm(valid(author, isbn="9780000000002"))
    assert form.errors == {"__all__": ["A Book with this author and title already exists."]}


def test_editing_a_row_does_not_conflict_with_itself(author):
    book = BookForm(valid(author)).save()
    form = BookForm(valid(author, pages=10), instance=book)
    assert form.is_valid(), form.errors


def test_race_past_the_check_is_reported_the_same_way(author):
    form = BookForm(valid(author))
    assert form.is_valid()
    Book.create(title="Sneaky", isbn="9780000000001", price=1, author=author)
    with pytest.raises(ValidationFailed) as info:
        form.save()
    assert info.value.errors == {"isbn": ["A Book with this isbn already exists."]}
    # The savepoint kept the surrounding transaction usable.
    assert Book.select().count() == 1


def test_soft_deleted_rows_do_not_block_unique_values(db):
    class ShelfForm(ModelForm):
        class Meta:
            model = Shelf

    assert "deleted_at" not in ShelfForm.base_fields
    ShelfForm({"name": "A"}).save().delete_instance()
    form = ShelfForm({"name": "A"})
    assert form.is_valid(), form.errors
    form.save()
    taken = "A Shelf with this name already exists."
    assert ShelfForm({"name": "A"}).errors == {"name": [taken]}
