from .resources import CompanyResource, ContactResource

routes = [*CompanyResource.routes("/companies", name="companies"),
          *ContactResource.routes("/contacts", name="contacts")]
