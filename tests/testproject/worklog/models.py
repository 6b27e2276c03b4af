import datetime

from peewee import CharField, DateTimeField, IntegerField

from rustforge.db import Model


class Entry(Model):
    """A row written by background jobs in the queue tests."""

    text = CharField(max_length=200)
    pid = IntegerField(default=0)
    created = DateTimeField(default=datetime.datetime.now)
