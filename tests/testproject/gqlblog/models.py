"""Models of the GraphQL tests: authors, posts and their comments."""

import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from rustforge.db import Model


class Author(Model):
    name = CharField(max_length=80)
    email = CharField(max_length=120, default="")


class Post(Model):
    title = CharField(max_length=120, unique=True)
    body = TextField(default="")
    author = ForeignKeyField(Author, backref="posts", on_delete="CASCADE")
    published = BooleanField(default=False)
    created = DateTimeField(default=datetime.datetime.now)


class Comment(Model):
    post = ForeignKeyField(Post, backref="comments", on_delete="CASCADE")
    author = ForeignKeyField(Author, backref="comments", on_delete="CASCADE")
    body = TextField()
