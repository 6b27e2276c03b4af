"""Formsets: rows of one form, their row counts, blank and deleted rows, limits,
and model formsets that edit only their own rows."""

import pytest
from testproject.shop.models import Author, Book, Shelf, Slot

from rustforge.forms import (
    CharField,
    Form,
    FormSet,
    InlineFormSet,
    IntegerField,
    ModelForm,
    ModelFormSet,
    ValidationError,
    ValidationFailed,
)


class LineForm(Form):
    sku = CharField(max_length=20)
    quantity = IntegerField(min_value=1, default=1)


def lines(data=None, **kwargs):
    kwargs.setdefault("initial", [{"sku": "A1", "quantity": 2}])
    return FormSet(LineForm, data, prefix="lines", extra=2, can_delete=True, **kwargs)


def post(total, initial=1, **rows):
    data = {"lines-TOTAL_FORMS": str(total), "lines-INITIAL_FORMS": str(initial)}
    data.update({k.replace("__", "-"): v for k, v in rows.items()})
    return data


def test_unbound_formset_renders_rows_and_counts():
    html = str(lines().render())
    assert 'name="lines-TOTAL_FORMS" id="id_lines-TOTAL_FORMS" value="3"' in html
    assert 'name="lines-INITIAL_FORMS" id="id_lines-INITIAL_FORMS" value="1"' in html
    assert 'id="id_lines-0-sku" name="lines-0-sku" type="text" required value="A1"' in html
    # Blank rows may stay blank: their inputs are not required.
    assert 'id="id_lines-1-sku" name="lines-1-sku" type="text" value=""' in html
    assert 'name="lines-0-DELETE"' in html and 'name="lines-1-DELETE"' not in html
    assert 'name="lines-__prefix__-sku"' in str(lines().empty_form.render())


def test_rows_validate_blank_rows_are_ignored_and_deleted_rows_skipped():
    formset = lines(post(3, lines__0__sku="A1", lines__0__quantity="3",
                         lines__1__sku="B2", lines__1__quantity="0",
                         lines__2__sku="", lines__2__quantity="1"))
    assert not formset.is_valid()
    assert formset.errors == [{}, {"quantity": ["Ensure this value is at least 1."]}, {}]
    formset = lines(post(3, lines__0__sku="", lines__0__DELETE="on",
                         lines__1__sku="B2", lines__1__quantity="4",
                         lines__2__sku="", lines__2__quantity="1"))
    assert formset.is_valid(), formset.errors
    assert formset.cleaned_data == [{"sku": "B2", "quantity": 4}]
    assert [row.index for row in formset.deleted_rows] == [0]


@pytest.mark.parametrize("total", ["-1", "abc", "", "1e3", "99999999999", "٣", None])
def test_tampered_counts_are_an_error_of_the_whole_formset(total):
    data = post(1, lines__0__sku="A1")
    data["lines-TOTAL_FORMS"] = total
    if total is None:
        del data["lines-TOTAL_FORMS"]
    formset = lines(data)
    assert not formset.is_valid()
    assert formset.non_form_errors == [
        "The form's row counts are missing or were tampered with; reload the page and try again."]
    assert len(formset.rows) == 1          # the existing rows, shown again as sent


def test_counts_above_absolute_max_are_refused_without_building_rows():
    formset = lines(post(10**6))
    assert formset.non_form_errors == ["Please submit at most 1000 rows."]
    assert len(formset.rows) == 1
    formset = FormSet(LineForm, post(5, 0), prefix="lines", absolute_max=4)
    assert formset.non_form_errors == ["Please submit at most 4 rows."]


def test_min_and_max_rows():
    data = post(3, lines__0__sku="A", lines__1__sku="B", lines__2__sku="C")
    assert FormSet(LineForm, data, prefix="lines", initial=[{}], max_num=2).non_form_errors \
        == ["Please submit at most 2 rows."]
    data = post(1, lines__0__sku="A", lines__0__DELETE="on")
    formset = FormSet(LineForm, data, prefix="lines", initial=[{}], min_num=1, can_delete=True)
    assert formset.non_form_errors == ["Please submit at least 1 row."]
    unbound = FormSet(LineForm, prefix="lines", initial=[{}] * 3, extra=3, max_num=4)
    assert len(unbound.rows) == 4          # never more blank rows than max_num allows
    assert len(FormSet(LineForm, prefix="lines", extra=0, min_num=2).rows) == 2


def test_can_add_false_refuses_new_rows():
    data = post(2, lines__0__sku="A", lines__1__sku="B")
    formset = FormSet(LineForm, data, prefix="lines", initial=[{}], can_add=False)
    assert formset.non_form_errors == ["New rows cannot be added here."]


def test_clean_checks_across_rows():
    class Lines(FormSet):
        def clean(self):
            skus = [row["sku"] for row in self.cleaned_data]
            if len(skus) != len(set(skus)):
                raise ValidationError("Each product once, please.")

    data = post(2, 0, lines__0__sku="A", lines__1__sku="A")
    assert Lines(LineForm, data, prefix="lines").non_form_errors == ["Each product once, please."]


def test_row_keys_are_read_from_what_was_sent_only():
    data = post(3, 0, lines__0__sku="A", lines__999999__sku="far",
                lines__12345678__sku="farther")
    formset = FormSet(LineForm, data, prefix="lines", extra=0)
    assert formset.is_valid(), formset.errors
    assert formset.cleaned_data == [{"sku": "A", "quantity": 1}]


# Model formsets --------------------------------------------------------------------------------
class SlotForm(ModelForm):
    class Meta:
        model = Slot
        fields = ["label"]


@pytest.fixture
def shelves(db):
    oak = Shelf.create(name="Oak")
    pine = Shelf.create(name="Pine")
    a1, a2 = Slot.create(shelf=oak, label="A1"), Slot.create(shelf=oak, label="A2")
    p1 = Slot.create(shelf=pine, label="P1")
    return {"oak": oak, "pine": pine, "a1": a1, "a2": a2, "p1": p1}


def slots(data, parent, **kwargs):
    return InlineFormSet(SlotForm, data, fk=Slot.shelf, parent=parent,
                         queryset=Slot.select().order_by(Slot.id), prefix="slots",
                         can_delete=True, **kwargs)


def slot_post(total, initial, **rows):
    data = {"slots-TOTAL_FORMS": str(total), "slots-INITIAL_FORMS": str(initial)}
    data.update({k.replace("__", "-"): v for k, v in rows.items()})
    return data


def test_inline_formset_changes_adds_and_deletes(shelves):
    oak, a1, a2 = shelves["oak"], shelves["a1"], shelves["a2"]
    unbound = slots(None, oak)
    assert [row.instance for row in unbound.rows] == [a1, a2, None]
    assert f'name="slots-0-id" id="id_slots-0-id" value="{a1.id}"' in str(unbound.render())
    formset = slots(slot_post(3, 2, slots__0__id=str(a1.id), slots__0__label="A1-new",
                              slots__1__id=str(a2.id), slots__1__label="A2",
                              slots__1__DELETE="on", slots__2__label="A3"), oak)
    assert formset.is_valid(), formset.errors
    formset.save()
    assert [(o.label, names) for o, names in formset.changed_objects] == [("A1-new", ["label"])]
    assert [o.label for o in formset.new_objects] == ["A3"]
    assert formset.deleted_objects == [a2]
    assert sorted(s.label for s in oak.slots) == ["A1-new", "A3"]   # A2 is in the trash
    assert Slot.only_deleted().where(Slot.id == a2.id).exists()


def test_another_parents_row_is_an_error_and_untouched(shelves):
    p1 = shelves["p1"]
    formset = slots(slot_post(1, 1, slots__0__id=str(p1.id), slots__0__label="Mine",
                              slots__0__DELETE="on"), shelves["oak"])
    assert not formset.is_valid()
    assert formset.errors[0]["__all__"][0].startswith("This row is not one of the rows")
    with pytest.raises(ValidationFailed):
        formset.save()
    assert Slot.get_by_id(p1.id).label == "P1" and Slot.get_by_id(p1.id).shelf_id == \
        shelves["pine"].id


def test_unique_values_checked_against_the_table_and_across_rows(shelves):
    oak = shelves["oak"]
    taken = slots(slot_post(3, 0, slots__0__label="A1"), oak, extra=0)
    assert not taken.is_valid()
    assert taken.errors[0] == {"__all__": ["A Slot with this shelf and label already exists."]}
    twice = slots(slot_post(2, 0, slots__0__label="B", slots__1__label="B"), oak)
    assert not twice.is_valid()
    assert twice.errors[1] == {"__all__": ["Another row has the same shelf and label."]}
    elsewhere = slots(slot_post(1, 0, slots__0__label="P1"), oak)   # Pine's label: fine here
    assert elsewhere.is_valid(), elsewhere.errors


def test_add_page_rows_get_their_parent_on_save(db):
    formset = slots(slot_post(2, 0, slots__0__label="X1", slots__1__label=""), None)
    assert formset.is_valid(), formset.errors
    shelf = Shelf.create(name="New")
    formset.save(shelf)
    assert [(s.label, s.shelf_id) for s in Slot.select()] == [("X1", shelf.id)]


def test_inline_form_may_not_hold_the_parents_key(db):
    class Wrong(ModelForm):
        class Meta:
            model = Slot
            fields = ["shelf", "label"]

    with pytest.raises(TypeError, match="must not be a field"):
        InlineFormSet(Wrong, fk=Slot.shelf, parent=None)


def test_model_formset_over_a_query(db):
    ada = Author.create(name="Ada", email="ada@example.com")

    class TitleForm(ModelForm):
        class Meta:
            model = Book
            fields = ["title"]

    book = Book.create(title="Engines", isbn="1", price=1, author=ada)
    data = {"book-TOTAL_FORMS": "1", "book-INITIAL_FORMS": "1", "book-0-id": str(book.id),
            "book-0-title": "Engines II"}
    formset = ModelFormSet(TitleForm, data, queryset=Book.select(), extra=0)
    assert formset.is_valid(), formset.errors
    formset.save()
    assert Book.get_by_id(book.id).title == "Engines II"
