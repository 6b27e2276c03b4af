from rustforge.forms import (
    BooleanField,
    CharField,
    ChoiceField,
    DateField,
    EmailField,
    FileField,
    Form,
    FormField,
    IntegerField,
    ListField,
    ModelForm,
    MultipleChoiceField,
    ValidationError,
)
from testproject.shop.models import Book


class AddressForm(Form):
    city = CharField(max_length=50)
    postcode = CharField(max_length=10, pattern=r"[0-9A-Z ]+")


class LineForm(Form):
    sku = CharField(max_length=20)
    quantity = IntegerField(min_value=1, max_value=99)


class OrderForm(Form):
    email = EmailField()
    address = FormField(AddressForm)
    items = ListField(LineForm, min_items=1, max_items=20)
    gift = BooleanField()
    ship_on = DateField(required=False)
    speed = ChoiceField(["standard", "express"], default="standard")

    def clean_email(self, value):
        return value.lower()

    def clean(self):
        items = self.cleaned_data.get("items") or []
        if self.cleaned_data.get("gift") and len(items) > 3:
            raise ValidationError("Gift orders hold at most three lines.")


class UploadForm(Form):
    title = CharField(max_length=50)
    document = FileField(max_size=1024, content_types=["text/plain", "image/*"],
                         extensions=["txt", "png"])


class DocumentForm(Form):
    """An upload between falcon's old 1 MiB part cap and MAX_BODY_SIZE."""

    document = FileField(max_size=2_000_000)


class SearchForm(Form):
    q = CharField(max_length=100)
    page = IntegerField(min_value=1, default=1)
    tags = MultipleChoiceField(["new", "sale"], required=False)


class BookForm(ModelForm):
    class Meta:
        model = Book
        fields = ["title", "isbn", "price", "pages", "author", "status", "published_on",
                  "in_stock"]
