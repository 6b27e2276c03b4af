import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from rustforge.db import Model


class Notebook(Model):
    title = CharField(max_length=100, unique=True)


class Note(Model):
    notebook = ForeignKeyField(Notebook, backref="notes", on_delete="CASCADE")
    text = TextField(default="")
    created = DateTimeField(default=datetime.datetime.now)
