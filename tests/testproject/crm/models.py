"""Tenant-scoped models of the tenancy tests: companies and their contacts."""

from peewee import CharField, ForeignKeyField, IntegerField

from rustforge.contrib.tenancy import TenantModel


class Company(TenantModel):
    name = CharField(max_length=100)
    employees = IntegerField(default=0)

    class Meta:
        indexes = ((("tenant", "name"), True),)   # unique per tenant


class Contact(TenantModel):
    company = ForeignKeyField(Company, backref="contacts", on_delete="CASCADE")
    email = CharField(max_length=120)
