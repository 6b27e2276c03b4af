"""Models of the test shop: plain ones for forms and resources, soft-deletable
ones for soft deletes."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from rustforge.db import Model, SoftDeleteModel


def utcnow():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)


class Author(Model):
    name = CharField(max_length=100)
    email = CharField(max_length=254, unique=True)


class Book(Model):
    title = CharField(max_length=200)
    isbn = CharField(max_length=13, unique=True)
    price = DecimalField(max_digits=8, decimal_places=2)
    pages = IntegerField(null=True)
    author = ForeignKeyField(Author, backref="books", on_delete="CASCADE")
    status = CharField(max_length=10, choices=[("draft", "Draft"), ("published", "Published")],
                       default="draft")
    published_on = DateField(null=True)
    created = DateTimeField(default=utcnow)
    in_stock = BooleanField(default=True)
    summary = TextField(default="")
    internal_note = CharField(max_length=100, default="")

    class Meta:
        indexes = ((("author", "title"), True),)


class Shelf(SoftDeleteModel):
    name = CharField(max_length=50, unique=True)
    room = CharField(max_length=50, default="")

    class Meta:
        soft_cascade = ["slots"]


class Slot(SoftDeleteModel):
    shelf = ForeignKeyField(Shelf, backref="slots", on_delete="CASCADE")
    label = CharField(max_length=20)

    class Meta:
        live_unique = [("shelf", "label")]
