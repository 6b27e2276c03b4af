"""Posts with an author (tables created and filled by graphql_bench.py)."""

from peewee import CharField, ForeignKeyField, TextField

from rustforge.db import Model


class Author(Model):
    name = CharField(max_length=80)

    class Meta:
        table_name = "gqlbench_author"


class Post(Model):
    title = CharField(max_length=120)
    body = TextField()
    author = ForeignKeyField(Author, backref="posts")

    class Meta:
        table_name = "gqlbench_post"
