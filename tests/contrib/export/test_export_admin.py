"""The admin's export actions: the admin's selection, the exporter's rules, no secrets."""

import csv
import io
import json

import pypdf
import pytest


@pytest.fixture
def admin_post(client, ledger, login, make_user):
    """``admin_post(path, action, selected=(), **fields)`` as a logged-in superuser."""
    boss = make_user("boss", is_staff=True, is_superuser=True)
    login(client, boss)

    def post(path, action, selected=(), **fields):
        data = {"action": action, "_selected": [str(pk) for pk in selected], **fields}
        return client.post(path, data=data, headers={"X-CSRFToken": client.cookies.get(
            "csrftoken", ""), "Origin": "http://testserver"})

    post.client = client
    return post


def csv_rows(response):
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text)))


def test_actions_are_offered_on_every_list(admin_post):
    page = admin_post.client.get("/admin/ledger/account").text
    assert "Export selected rows as CSV" in page and "Export selected rows as PDF" in page


def test_selected_rows_through_the_models_exporter(admin_post):
    from testproject.ledger.models import Entry

    chosen = [e.id for e in Entry.select().where(Entry.description.in_(["Coffee", "+1+2"]))]
    response = admin_post("/admin/ledger/entry", "export_csv", chosen)
    assert response.headers["content-disposition"].startswith('attachment; filename="entry-')
    rows = csv_rows(response)
    assert rows[0][:3] == ["Id", "Account", "Description"]  # the exporter's columns
    assert sorted(row[2] for row in rows[1:]) == ["'+1+2", "Coffee"]  # neutralised too


def test_select_across_follows_the_list_filters(admin_post):
    response = admin_post("/admin/ledger/entry?cleared=1", "export_jsonl", select_across="1")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines and all(line["cleared"] is True for line in lines)
    assert len(lines) == 5  # ada's cleared entries (bob's three are not cleared)


def test_generic_export_leaves_sensitive_fields_out(admin_post):
    response = admin_post("/admin/auth/user", "export_csv", select_across="1")
    rows = csv_rows(response)
    assert "Password" not in rows[0] and "password" not in response.text.lower()
    assert {"ada", "bob", "boss"} <= {row[1] for row in rows[1:]}
    assert not any(cell.startswith("$argon2") for row in rows for cell in row)


def test_pdf_action(admin_post):
    from testproject.ledger.models import Account, Entry

    chosen = [e.id for e in Entry.select().where(Entry.description.startswith("Bob"))]
    response = admin_post("/admin/ledger/entry", "export_pdf", chosen)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Bob 0" in text and "Bob 2" in text and "Coffee" not in text
    assert "Page 1 of 1" in text and "3 rows" in text
    # The accounts exporter offers CSV and JSON Lines only: a message, not a file.
    refused = admin_post("/admin/ledger/account", "export_pdf", [a.id for a in Account.select()])
    assert refused.status_code == 303
    assert "offers only csv, jsonl" in admin_post.client.get(refused.headers["location"]).text


def test_too_many_rows_for_a_pdf_is_a_message(admin_post, settings):
    settings.EXPORT_PDF_MAX_ROWS = 2
    response = admin_post("/admin/ledger/entry", "export_pdf", select_across="1")
    assert response.status_code == 303
    page = admin_post.client.get(response.headers["location"]).text
    assert "too many for a PDF" in page


def test_exporter_permission_still_applies(client, ledger, login, make_user):
    from rustforge.contrib.auth.permissions import grant

    clerk = make_user("clerk", is_staff=True)
    grant(clerk, "ledger.view_entry")
    login(client, clerk)
    response = client.post("/admin/ledger/entry", data={"action": "export_csv",
                                                         "select_across": "1"},
                           headers={"X-CSRFToken": client.cookies.get("csrftoken", ""),
                                    "Origin": "http://testserver"})
    # The exporter's get_query: a clerk owns no account, so no entry comes out.
    assert csv_rows(response)[1:] == []


def test_hostile_selection_is_refused(admin_post):
    response = admin_post("/admin/ledger/entry", "export_csv", ["1 OR 1=1"])
    assert response.status_code == 400
