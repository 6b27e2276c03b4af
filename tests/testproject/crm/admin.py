"""The crm models in the admin (tenant-scoped: each tenant's admin shows its own rows)."""

from rustforge.contrib import admin
from testproject.crm.models import Company, Contact


class ContactInline(admin.InlineAdmin):
    model = Contact


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "employees"]
    search_fields = ["name"]
    inlines = [ContactInline]
    actions = ["grow"]

    @admin.action(description="Add one employee", permissions=["change"])
    def grow(self, req, resp, queryset):
        count = 0
        for company in queryset:
            company.employees += 1
            company.save()
            count += 1
        return f"{count} companies grew."


admin.site.register(Contact, list_display=["email", "company"], search_fields=["email"],
                    autocomplete_fields=["company"])
