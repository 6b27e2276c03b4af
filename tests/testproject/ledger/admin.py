from rustforge.contrib import admin
from testproject.ledger.models import Account, Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["description", "account", "amount", "booked_on", "cleared"]
    list_filter = ["cleared"]
    search_fields = ["description"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name"]
