"""Plain falcon responders that use forms (the ModelResources are in resources.py)."""

import falcon

from rustforge.http import render
from testproject.shop.forms import DocumentForm, OrderForm, SearchForm, UploadForm


class Orders:
    def on_post(self, req, resp):
        data = OrderForm.from_request(req).validate()
        resp.status = falcon.HTTP_201
        resp.media = {"email": data["email"], "lines": len(data["items"]),
                      "quantities": [line["quantity"] for line in data["items"]],
                      "city": data["address"]["city"], "gift": data["gift"]}


class Uploads:
    def on_post(self, req, resp):
        data = UploadForm.from_request(req).validate()
        document = data["document"]
        resp.media = {"title": data["title"], "filename": document.filename,
                      "size": document.size, "content_type": document.content_type}


class Documents:
    def on_post(self, req, resp):
        document = DocumentForm.from_request(req).validate()["document"]
        resp.media = {"filename": document.filename, "size": document.size}


class Search:
    def on_get(self, req, resp):
        data = SearchForm.from_query(req).validate()
        resp.media = data


class OrderPage:
    """An HTML form: GET shows it, POST re-shows it with errors (200) or redirects."""

    def on_get(self, req, resp):
        render(req, resp, "shop/order.html", {"form": OrderForm(),
                                               "placed": req.get_param("placed")})

    def on_post(self, req, resp):
        form = OrderForm.from_request(req)
        if form.is_valid():
            lines = len(form.cleaned_data["items"])
            raise falcon.HTTPSeeOther(f"/shop/order?placed={lines}")
        render(req, resp, "shop/order.html", {"form": form}, status=falcon.HTTP_422)
