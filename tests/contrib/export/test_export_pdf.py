"""PDF reports parsed back with pypdf: pages, repeated header, page numbers, fonts, markup."""

import io
import re

import pypdf
import pytest

HEADER = "Id Account Description"


def parse(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def add_entries(count, **fields):
    import datetime
    import decimal

    from testproject.ledger.models import Account, Entry

    account = Account.create(name="Bulk", owner_id=None)
    Entry.insert_many([{"account": account.id, "description": f"Row {n:05d}",
                        "amount": decimal.Decimal(n), "booked_on": datetime.date(2026, 3, 1),
                        **fields} for n in range(count)]).execute()


@pytest.fixture
def boss_client(client, ledger, login, make_user):
    login(client, make_user("boss", is_staff=True, is_superuser=True))
    return client


def test_many_pages_header_on_each_and_every_row(boss_client):
    add_entries(400)
    response = boss_client.get("/export/entries.pdf?account.name=Bulk")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="entries-' in response.headers["content-disposition"]
    assert '.pdf"' in response.headers["content-disposition"]
    _, pages = parse(response.content)
    total = len(pages)
    assert total > 3
    for number, text in enumerate(pages, 1):
        assert HEADER in " ".join(text.split()), f"no header on page {number}"
        assert f"Page {number} of {total}" in text
    found = re.findall(r"Row (\d{5})", "\n".join(pages))
    assert sorted(map(int, found)) == list(range(400))
    assert "Ledger entries" in pages[0] and "400 rows" in pages[0]
    assert "account.name = Bulk" in pages[0]


def test_non_latin_text_uses_an_embedded_unicode_font(ada_client):
    reader, pages = parse(ada_client.get("/export/entries.pdf").content)
    text = "\n".join(pages)
    assert "Привет, мир" in text and "Ünïcödé — ok" in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("DejaVuSans" in name for name in fonts), fonts


def test_markup_in_rows_is_printed_not_interpreted(ada_client):
    response = ada_client.get("/export/entries.pdf")
    reader, pages = parse(response.content)
    squeezed = "".join("".join(pages).split())  # long cells wrap: compare without spaces
    assert "<b>bold</b>&<imgsrc=\"/etc/passwd\"/>" in squeezed
    for page in reader.pages:  # no image was pulled in by the payload
        assert "/XObject" not in page["/Resources"]


def test_hostile_cells_do_not_break_the_report(ada_client, ledger):
    from testproject.ledger.models import Account, Entry

    account = Account.get(Account.owner_id == ledger["ada"].id)
    nasty = ["<para>", "</para><font name=x>", "&#0;&bogus;", "<link href='javascript:x'>a",
             "\x07\x1b\x7f", "x" * 5000, "<" * 300, "line\nbreak\r\nmore"]
    for text in nasty:
        Entry.create(account=account, description=text[:200], memo=text, amount=1,
                     booked_on="2026-01-01")
    response = ada_client.get("/export/entries.pdf")
    assert response.status_code == 200
    _, pages = parse(response.content)
    joined = "".join("".join(pages).split())
    assert "<linkhref='javascript:x'>a" in joined
    assert "5,000characters,cut" in joined


def test_wide_exports_turn_landscape_and_narrow_ones_do_not(ada_client, boss_client):
    reader, _ = parse(ada_client.get("/export/entries.pdf").content)
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # eight columns with long text
    reader, _ = parse(boss_client.get("/export/accounts.csv").content and
                      _narrow_pdf())
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)


def _narrow_pdf():
    from testproject.ledger.models import Account

    from rustforge.contrib.export import Exporter
    from rustforge.contrib.export.render import write

    class Narrow(Exporter):
        name = "narrow"
        model = Account
        columns = ["id", "name"]

    out = io.BytesIO()
    write(out, Narrow(), "pdf", Narrow().select({}))
    return out.getvalue()


def test_long_text_wraps_inside_its_cell(ada_client, ledger):
    from testproject.ledger.models import Account, Entry

    account = Account.get(Account.owner_id == ledger["ada"].id)
    words = " ".join(f"word{n}" for n in range(120))
    Entry.create(account=account, description="Long", memo=words, amount=1,
                 booked_on="2026-01-01")
    _, pages = parse(ada_client.get("/export/entries.pdf").content)
    text = "\n".join(pages)
    assert all(f"word{n}" in text for n in range(120))
    line = next(line for line in text.splitlines() if "word0" in line)
    assert "word119" not in line  # wrapped onto further lines


def test_rows_above_the_pdf_bound_become_a_job(transactional_db, boss_client, settings, jobs):
    settings.EXPORT_PDF_MAX_ROWS = 5
    response = boss_client.get("/export/entries.pdf")
    assert response.status_code == 202
    assert jobs.names() == ["rustforge.contrib.export.jobs.run_export"]


def test_pages_above_the_bound_are_413(boss_client, settings):
    add_entries(300)
    settings.EXPORT_PDF_MAX_PAGES = 2
    response = boss_client.get("/export/entries.pdf?account.name=Bulk")
    assert response.status_code == 413
    assert "more than 2 pages" in response.json["description"]


def test_font_check(settings, tmp_path):
    from rustforge.contrib.export.checks import check_font

    assert check_font() == []
    settings.EXPORT_PDF_FONT = str(tmp_path / "missing.ttf")
    assert [m.id for m in check_font()] == ["export.E002"]
