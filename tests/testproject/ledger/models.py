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

from rustforge.db import Model


def utcnow():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)


class Account(Model):
    name = CharField(max_length=100)
    owner_id = IntegerField(null=True, index=True)


class Entry(Model):
    account = ForeignKeyField(Account, backref="entries", on_delete="CASCADE", null=True)
    description = CharField(max_length=200)
    memo = TextField(default="")
    amount = DecimalField(max_digits=12, decimal_places=2)
    quantity = IntegerField(default=1)
    booked_on = DateField()
    created = DateTimeField(default=utcnow)
    cleared = BooleanField(default=False)
