from rustforge.contrib.export import Column, Exporter, exports
from testproject.ledger.models import Account, Entry


@exports.register
class EntryExport(Exporter):
    """Entries; a user sees the entries of their own accounts (superusers: all)."""

    name = "entries"
    model = Entry
    title = "Ledger entries"
    columns = ["id", Column("account.name", label="Account"), "description", "memo",
               "amount", "quantity", "booked_on", "cleared"]
    filters = ["account.name", "description", "amount", "booked_on", "cleared", "quantity"]

    def get_query(self, query, user):
        if user is None or user.is_superuser:
            return query
        return query.where(Entry.account.in_(
            Account.select(Account.id).where(Account.owner_id == user._pk)))


@exports.register
class AccountExport(Exporter):
    """Accounts, with an upper-cased name; staff only, and no PDF."""

    name = "accounts"
    model = Account
    columns = ["id", Column("name", format=str.upper, label="Name")]
    formats = ("csv", "jsonl")
    permission = staticmethod(lambda user: user.is_staff)
