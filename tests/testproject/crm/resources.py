from rustforge.resources import ModelResource, Nested

from .models import Company, Contact


class CompanyResource(ModelResource):
    model = Company
    filter_fields = ["name"]
    ordering_fields = ["name"]


class ContactResource(ModelResource):
    model = Contact
    company = Nested(CompanyResource)       # ?include=company
