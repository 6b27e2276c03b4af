"""The development preview pages of rustforge.contrib.mail."""

from __future__ import annotations

import base64
import email
import email.policy
import html as htmlmod
import re

import pytest

from rustforge.mail import EmailMessage

PNG = base64.b64decode(  # a 1x1 red pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


@pytest.fixture
def outbox(settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_URL = f"file://{tmp_path}/outbox"
    return tmp_path / "outbox"


def send_sample(subject="Monatsbericht für Zoë") -> None:
    msg = EmailMessage(subject, "Text version", "Zoë <zoe@example.com>", ["ada@example.com"])
    logo = msg.embed(PNG, "logo.png")
    msg.html = (f'<h1 id="greeting">Hallo Ada</h1><img id="logo" src="{logo}" alt="Logo">'
                '<script>document.title = "pwned"</script>')
    msg.attach("Bericht – Prüfung.pdf", b"%PDF-1.4 data")
    msg.send()


def test_list_shows_newest_first(client, outbox):
    send_sample("first")
    send_sample("second <b>bold</b>")
    page = client.get("/_mail/")
    assert page.status_code == 200
    assert page.text.index(">second ") < page.text.index(">first<")
    assert "second &lt;b&gt;bold&lt;/b&gt;" in page.text  # escaped, not markup
    assert "script-src" not in page.headers["content-security-policy"]


def test_detail_renders_html_with_inline_images_text_and_attachments(client, outbox):
    send_sample()
    (name,) = [p.name for p in outbox.glob("*.eml")]
    page = client.get(f"/_mail/{name}")
    assert page.status_code == 200
    assert "Monatsbericht für Zoë" in page.text
    srcdoc = htmlmod.unescape(re.search(r'srcdoc="([^"]*)"', page.text).group(1))
    assert '<h1 id="greeting">Hallo Ada</h1>' in srcdoc
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in srcdoc
    assert "cid:" not in srcdoc
    assert re.search(r"<iframe[^>]*\bsandbox\b", page.text)  # the mail's script cannot run
    assert "Text version" in page.text
    assert "Bericht – Prüfung.pdf" in page.text

    attachment = client.get(f"/_mail/{name}/attachments/0")
    assert attachment.status_code == 200
    assert attachment.content == b"%PDF-1.4 data"
    assert attachment.headers["content-type"] == "application/pdf"
    assert attachment.headers["content-disposition"].startswith("attachment")

    raw = client.get(f"/_mail/{name}/raw")
    parsed = email.message_from_bytes(raw.content, policy=email.policy.default)
    assert parsed["Subject"] == "Monatsbericht für Zoë"


@pytest.mark.parametrize("path", [
    "/_mail/nope.eml", "/_mail/..%2F..%2Fsettings.py", "/_mail/.hidden.eml",
    "/_mail/x.eml/attachments/0", "/_mail/%00.eml",
])
def test_unknown_or_hostile_names_are_404(client, outbox, path):
    send_sample()
    assert client.get(path).status_code == 404


def test_missing_attachment_index_is_404(client, outbox):
    send_sample()
    (name,) = [p.name for p in outbox.glob("*.eml")]
    assert client.get(f"/_mail/{name}/attachments/7").status_code == 404


def test_pages_do_not_exist_without_debug(client, outbox, settings):
    send_sample()
    (name,) = [p.name for p in outbox.glob("*.eml")]
    settings.DEBUG = False
    assert client.get("/_mail/").status_code == 404
    assert client.get(f"/_mail/{name}").status_code == 404
    assert client.get(f"/_mail/{name}/raw").status_code == 404


def test_other_backend_explains_how_to_get_a_preview(client, settings):
    settings.DEBUG = True
    settings.EMAIL_URL = "console://"
    page = client.get("/_mail/")
    assert page.status_code == 200
    assert "file://" in page.text and "console://" in page.text


def test_empty_outbox(client, outbox):
    page = client.get("/_mail/")
    assert page.status_code == 200 and "No messages yet" in page.text
