from rustforge.http import route
from testproject.authdemo import resources as r

routes = [
    route("/", r.Home, name="home"),
    route("/private", r.Private, name="private"),
    route("/secret", r.SecretEditor, name="secret"),
    route("/staff", r.StaffOnly, name="staff"),
    route("/transfer", r.Transfer, name="transfer"),
    route("/webhook", r.Webhook, name="webhook"),
    route("/payments", r.Payments, name="payments"),
    route("/payments/refund", r.Payments, name="payments-refund", suffix="refund"),
    route("/upload", r.Upload, name="upload"),
    route("/cart", r.Cart, name="cart"),
    route("/notes", r.Notes, name="notes"),
]
