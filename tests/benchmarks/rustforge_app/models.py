"""The TechEmpower tables (created and filled by the benchmark runner)."""

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from rustforge.db import Model


class World(Model):
    randomnumber = IntegerField()

    class Meta:
        table_name = "world"


class Fortune(Model):
    message = CharField(max_length=2048)

    class Meta:
        table_name = "fortune"


class Author(Model):
    name = CharField(max_length=80)

    class Meta:
        table_name = "bench_author"


class Post(Model):
    title = CharField(max_length=120)
    body = TextField()
    author = ForeignKeyField(Author, backref="posts")

    class Meta:
        table_name = "bench_post"
