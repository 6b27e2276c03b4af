"""Who may export, and hostile query strings: always a 4xx with a reason, never a 500."""

import pytest


def test_anonymous_is_refused(client, db):
    assert client.get("/export/entries.csv").status_code == 401
    assert client.get("/export/").status_code == 401


def test_permission_is_needed(client, make_user, login, db):
    login(client, make_user("eve"))
    response = client.get("/export/entries.csv")
    assert response.status_code == 403
    assert client.get("/export/accounts.csv").status_code == 403  # staff only


def test_unknown_export_or_format(ada_client):
    assert ada_client.get("/export/nope.csv").status_code == 404
    assert ada_client.get("/export/entries.exe").status_code == 404
    assert ada_client.get("/export/accounts.pdf").status_code == 404


@pytest.mark.parametrize("query, fragment", [
    ("password=x", "unknown filter"),
    ("memo=x", "unknown filter"),  # a column, but not a declared filter
    ("amount=abc", "not a valid decimal"),
    ("amount=NaN", "not a valid decimal"),
    ("amount=1e999999", "not a valid decimal"),
    ("quantity=99999999999999999999999", "not a valid integer"),
    ("quantity=1;DROP TABLE ledger_entry", "not a valid integer"),
    ("booked_on=2026-13-45", "not a valid date"),
    ("cleared=maybe", "not a valid boolean"),
    ("amount__regex=.*", "unknown lookup"),
    ("amount__contains=1", "text columns only"),
    ("description=%00", "NUL"),
    ("description=" + "x" * 1001, "longer than"),
    ("description=a&description=b", "more than once"),
    ("quantity__in=" + ",".join(["1"] * 201), "at most 200"),
    ("ordering=password", "unknown column"),
    ("ordering=-id,;select", "unknown column"),
    ("bom=maybe", "use 1 or 0"),
    ("filename=" + "x" * 400, "at most 300"),
    ("&".join(f"description__ne={i}" for i in range(21)), "more than once"),
])
def test_hostile_query_strings_are_400(ada_client, query, fragment):
    response = ada_client.get(f"/export/entries.csv?{query}")
    assert response.status_code == 400, response.text
    assert fragment in response.json["description"]


def test_too_many_filters(ada_client):
    query = "&".join(f"x{i}=1" for i in range(21))
    response = ada_client.get(f"/export/entries.csv?{query}")
    assert response.status_code == 400
    assert "at most 20 filters" in response.json["description"]


@pytest.mark.parametrize("wanted, expected", [
    ("../../etc/passwd", 'filename="passwd.csv"'),
    ('a"; filename=evil.exe', 'filename="a_filename_evil.csv"'),
    ("report\r\nSet-Cookie: x=1", 'filename="report_Set-Cookie_x_1.csv"'),
    ("Отчёт 2026", "filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82_2026.csv"),
    ("....", 'filename="entries-'),
])
def test_filename_injection_is_harmless(ada_client, wanted, expected):
    from urllib.parse import quote

    response = ada_client.get(f"/export/entries.csv?filename={quote(wanted)}")
    assert response.status_code == 200
    header = response.headers["content-disposition"]
    assert expected in header
    assert "\r" not in header and "\n" not in header and "/" not in header
    assert "set-cookie" not in {k.lower() for k in response.headers}


@pytest.mark.parametrize("path", [
    "/export/..%2F..%2Fetc%2Fpasswd.csv", "/export/entries%0d%0aSet-Cookie:%20x=1.csv",
    "/export/ENTRIES.csv", "/export/entries.CSV", "/export/entries.csv.exe",
    "/export/" + "e" * 5000 + ".csv", "/export/entries", "/export/.csv",
])
def test_export_names_in_the_url_are_looked_up_never_used(ada_client, path):
    response = ada_client.get(path)
    assert response.status_code == 404
    assert "x=1" not in response.headers.get("set-cookie", "")


def test_post_is_not_allowed(ada_client):
    assert ada_client.post("/export/entries.csv").status_code in (403, 405)
