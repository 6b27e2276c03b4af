"""Every ```python example of docs/mail.md runs, in order, against the memory backend."""

from __future__ import annotations

from tests_helpers import doc_blocks


def test_doc_examples_run(settings, mailoutbox, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    settings.TEMPLATE_DIRS = [str(tmp_path / "templates")]
    settings.ADMINS = [("Ada", "ada@example.com")]
    blocks = doc_blocks("mail.md")
    assert len(blocks) >= 10
    for number, source in enumerate(blocks, 1):
        namespace: dict = {}
        exec(compile(source, f"docs/mail.md example {number}", "exec"), namespace)
    subjects = [m.subject for m in mailoutbox]
    assert subjects[:5] == ["Welcome", "Your report", "Your report",
                            "[RustForge] Disk almost full", "Rechnung für November"]
    assert "Welcome to Example, Ada!" in subjects
    assert subjects[-2:] == ["Your export is ready", "Weekly digest"]
