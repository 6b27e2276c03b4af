from peewee import CharField

from rustforge.db import Model


class Secret(Model):
    text = CharField(max_length=100)
