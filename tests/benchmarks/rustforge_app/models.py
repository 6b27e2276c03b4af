"""The TechEmpower tables (created and filled by the benchmark runner)."""

from peewee import CharField, IntegerField

from rustforge.db import Model


class World(Model):
    randomnumber = IntegerField()

    class Meta:
        table_name = "world"


class Fortune(Model):
    message = CharField(max_length=2048)

    class Meta:
        table_name = "fortune"
