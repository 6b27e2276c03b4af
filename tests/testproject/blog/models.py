"""Models of the admin tests: authors, categories, posts (soft-deletable) and comments."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from rustforge.db import Model, SoftDeleteModel

STATUSES = [("draft", "Draft"), ("review", "In review"), ("published", "Published")]


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class Author(Model):
    name = CharField(max_length=80)
    email = CharField(max_length=120, default="")

    def __str__(self):
        return self.name


class Category(Model):
    name = CharField(max_length=60, unique=True)

    def __str__(self):
        return self.name


class Post(SoftDeleteModel):
    title = CharField(max_length=120, unique=True)
    body = TextField(default="")
    author = ForeignKeyField(Author, backref="posts", on_delete="CASCADE")
    category = ForeignKeyField(Category, backref="posts", null=True, on_delete="SET NULL")
    status = CharField(max_length=20, choices=STATUSES, default="draft")
    published = BooleanField(default=False)
    publish_date = DateField(null=True)
    views = IntegerField(default=0)
    created = DateTimeField(default=_now, index=True)  # the admin's default ordering

    class Meta:
        soft_cascade = ["comments"]

    def __str__(self):
        return self.title


class Comment(SoftDeleteModel):
    post = ForeignKeyField(Post, backref="comments", on_delete="CASCADE")
    name = CharField(max_length=80)
    body = TextField()
    created = DateTimeField(default=_now)

    def __str__(self):
        return f"{self.name}: {self.body[:30]}"


class Tag(Model):
    """A model registered with the defaults only."""

    label = CharField(max_length=40)

    def __str__(self):
        return self.label


class Pin(Model):
    """Protects its author: a foreign key without on_delete (deleting the author is refused)."""

    author = ForeignKeyField(Author, backref="pins")
    note = CharField(max_length=40, default="")
