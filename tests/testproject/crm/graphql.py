"""The tenancy tests' GraphQL types (found by discovery)."""

from rustforge.contrib.graphql import ModelType, schema

from .models import Company, Contact


@schema.register
class CompanyType(ModelType):
    model = Company
    relations = ["contacts"]


@schema.register
class ContactType(ModelType):
    model = Contact


schema.list("companies", CompanyType)
schema.item("company", CompanyType)


def anyone(info, obj=None):
    return True


# Open to anyone: the tests are about tenants, not users.
schema.model_mutations(CompanyType, permissions={"create": anyone, "update": anyone,
                                                 "delete": anyone})
