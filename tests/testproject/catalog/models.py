from peewee import (
    BlobField,
    CharField,
    DecimalField,
    ForeignKeyField,
    TimeField,
    UUIDField,
)

from rustforge.db import Model


class Node(Model):
    name = CharField(max_length=40)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    payload = BlobField(null=True)
    token = UUIDField(null=True)
    weight = DecimalField(max_digits=8, decimal_places=3, null=True)
    opens = TimeField(null=True)
