"""Building messages: MIME structure, encodings, validation, templates."""

from __future__ import annotations

import email
import email.policy

import pytest

from rustforge.mail import BadHeaderError, EmailMessage, InvalidAddress
from rustforge.mail.headers import parse_address
from rustforge.mail.rendering import html_to_text

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def parsed(msg: EmailMessage) -> email.message.EmailMessage:
    """What a receiving client sees: the bytes parsed back by the standard library."""
    return email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)


def text_of(part) -> str:
    """A text part's content with the wire's CRLF line endings made \\n."""
    return part.get_content().replace("\r\n", "\n")


def test_text_only_message_is_single_part():
    msg = EmailMessage("Hi", "Hello", "from@example.com", ["to@example.com"])
    out = parsed(msg)
    assert out.get_content_type() == "text/plain"
    assert text_of(out) == "Hello\n"
    assert out["Message-ID"].endswith("@example.com>")
    assert out["Date"]


def test_full_tree_alternative_related_and_attachments():
    msg = EmailMessage("Report", "Text body", "from@example.com", ["to@example.com"])
    cid = msg.embed(PNG, "logo.png")
    msg.html = f'<p>See <img src="{cid}"></p>'
    msg.attach("data.csv", "a,b\n1,2\n")
    msg.attach("bericht.pdf", b"%PDF-1.4 ...")
    out = parsed(msg)
    assert out.get_content_type() == "multipart/mixed"
    alternative, csv, pdf = out.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    text, related = alternative.get_payload()
    assert text_of(text) == "Text body\n"
    assert related.get_content_type() == "multipart/related"
    assert related.get_param("type") == "text/html"
    html, image = related.get_payload()
    assert image.get_content_disposition() == "inline"
    assert f"cid:{image['Content-ID'].strip('<>')}" == cid
    assert cid in html.get_content()
    assert image.get_content() == PNG
    assert (csv.get_content_type(), csv.get_filename()) == ("text/csv", "data.csv")
    assert (pdf.get_content_type(), pdf.get_content()) == ("application/pdf", b"%PDF-1.4 ...")
    # MIME-Version once, in the top-level header only.
    assert msg.as_bytes().count(b"MIME-Version") == 1


def test_non_ascii_subject_names_filenames_and_idn():
    msg = EmailMessage("Grüße – Prüfung ✓", "Hällo", "Zoë Ünïcode <zoe@bücher.example>",
                       [("Åsa Öberg", "asa@exämple.example")])
    msg.attach("Prüfbericht Nr. 1.pdf", b"%PDF")
    raw = msg.as_bytes()
    raw.decode("ascii")  # every byte on the wire is ASCII (7bit-clean)
    assert b"filename*=utf-8''Pr%C3%BCfbericht%20Nr.%201.pdf" in raw
    out = parsed(msg)
    assert out["Subject"] == "Grüße – Prüfung ✓"
    assert out["From"].addresses[0].display_name == "Zoë Ünïcode"
    assert out["From"].addresses[0].domain == "xn--bcher-kva.example"
    assert out["To"].addresses[0].display_name == "Åsa Öberg"
    assert out["To"].addresses[0].domain == "xn--exmple-cua.example"
    assert [p.get_filename() for p in out.iter_attachments()] == ["Prüfbericht Nr. 1.pdf"]


def test_bcc_is_a_recipient_but_no_header():
    msg = EmailMessage("s", "b", "f@example.com", ["a@example.com"], cc=["c@example.com"],
                       bcc=["hidden@example.com", "a@example.com"])
    assert msg.recipients() == ["a@example.com", "c@example.com", "hidden@example.com"]
    assert b"hidden@example.com" not in msg.as_bytes()


def test_reply_to_and_extra_headers():
    msg = EmailMessage("s", "b", "f@example.com", ["a@example.com"],
                       reply_to=["Help <help@example.com>"],
                       headers={"X-Campaign": "nov", "Message-ID": "<fixed@example.com>"})
    out = parsed(msg)
    assert out["Reply-To"] == "Help <help@example.com>"
    assert out["X-Campaign"] == "nov"
    assert out["Message-ID"] == "<fixed@example.com>"


@pytest.mark.parametrize("bad", [
    {"subject": "Hello\nBcc: victim@example.com"},
    {"subject": "Hello\r\nX-Evil: 1"},
    {"subject": "Null\x00byte"},
    {"subject": "line\u2028separator"},
    {"to": ["ada@example.com\nBcc: victim@example.com"]},
    {"to": [("Ada\r\nBcc: victim@example.com", "ada@example.com")]},
    {"cc": ["ok@example.com", "bad@example.com\r\n"]},
    {"reply_to": ["x@example.com\nX: y"]},
    {"from_email": "me@example.com\nBcc: victim@example.com"},
    {"headers": {"X-Tag": "a\nBcc: victim@example.com"}},
    {"headers": {"X-Bad\nName": "a"}},
    {"headers": {"Bcc": "victim@example.com"}},
])
def test_header_injection_is_refused_at_construction(bad):
    kwargs = {"subject": "s", "body": "b", "from_email": "f@example.com",
              "to": ["a@example.com"], **bad}
    with pytest.raises(BadHeaderError):
        EmailMessage(**kwargs)


def test_header_injection_after_construction_is_refused_when_building():
    msg = EmailMessage("s", "b", "f@example.com", ["a@example.com"])
    msg.subject = "x\nBcc: victim@example.com"
    with pytest.raises(BadHeaderError, match="Subject.*control character"):
        msg.message()


def test_attachment_filename_injection_is_refused():
    msg = EmailMessage("s", "b", "f@example.com", ["a@example.com"])
    with pytest.raises(BadHeaderError):
        msg.attach("a.txt\r\nContent-Type: text/html", b"x")


@pytest.mark.parametrize("address", [
    "plainword", "ada@", "@example.com", "a@b@c.example", "Ada ada@example.com",
    "ada@exa mple.com", "ada@-bad-.example", "ädä@example.com", "ada@example..com",
    "two@example.com, three@example.com",
])
def test_invalid_addresses_are_refused(address):
    with pytest.raises(InvalidAddress):
        EmailMessage("s", "b", "f@example.com", [address])


@pytest.mark.parametrize("address, expected", [
    ("ada@example.com", "ada@example.com"),
    ("Ada Lovelace <ada@example.com>", "Ada Lovelace <ada@example.com>"),
    ('"Lovelace, Ada" <ada@example.com>', '"Lovelace, Ada" <ada@example.com>'),
    (("Ada", "ada@example.com"), "Ada <ada@example.com>"),
    ("webmaster@localhost", "webmaster@localhost"),
    ("a@[192.0.2.1]", "a@[192.0.2.1]"),
    ("Zoë <zoe@bücher.example>", "Zoë <zoe@xn--bcher-kva.example>"),
])
def test_valid_addresses(address, expected):
    assert str(parse_address(address)) == expected


def test_single_string_recipient_is_one_address():
    msg = EmailMessage("s", "b", "f@example.com", "ada@example.com")
    assert msg.recipients() == ["ada@example.com"]


@pytest.mark.parametrize("cid", ["with space", "a<b", 'q"uote', ""])
def test_bad_content_id_is_refused(cid):
    msg = EmailMessage("s", "b", "f@example.com", ["a@example.com"])
    with pytest.raises(BadHeaderError):
        msg.embed(PNG, "logo.png", cid=cid)


def test_chosen_content_id():
    msg = EmailMessage("s", "b", "f@example.com", ["a@example.com"])
    assert msg.embed(PNG, "logo.png", cid="<logo@example.com>") == "cid:logo@example.com"


def test_inline_image_needs_html():
    msg = EmailMessage("s", "b", "f@example.com", ["a@example.com"])
    msg.embed(PNG, "logo.png")
    with pytest.raises(ValueError, match="HTML"):
        msg.message()


def test_html_only_message_gets_a_text_alternative():
    msg = EmailMessage("s", "", "f@example.com", ["a@example.com"],
                       html="<h1>Hi</h1><p>Read <a href='https://x.example/a'>this</a></p>")
    text = parsed(msg).get_body(("plain",)).get_content()
    assert "Hi" in text and "this (https://x.example/a)" in text


def test_attach_file_guesses_type(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff")
    msg = EmailMessage("s", "b", "f@example.com", ["a@example.com"])
    msg.attach_file(path)
    (part,) = parsed(msg).iter_attachments()
    assert (part.get_content_type(), part.get_filename()) == ("image/jpeg", "photo.jpg")


def test_freeze_keeps_message_id_and_date_across_builds():
    msg = EmailMessage("s", "b", "f@example.com", ["a@example.com"])
    msg.freeze()
    assert parsed(msg)["Message-ID"] == parsed(msg)["Message-ID"]


def test_html_to_text():
    assert html_to_text("<style>p{}</style><p>Hello <b>Ada</b> &amp; co</p>") == \
        "Hello Ada & co\n"


# Templates ----------------------------------------------------------------------------
@pytest.fixture
def mail_templates(settings, tmp_path):
    folder = tmp_path / "emails"
    folder.mkdir()
    (folder / "welcome.subject.txt").write_text("Welcome,\n  {{ name }}!\n")
    (folder / "welcome.txt").write_text("Hello {{ name }}.\n")
    (folder / "welcome.html").write_text(
        '<p>Hello {{ name }}</p><img src="{{ images.logo }}">')
    (folder / "htmlonly.html").write_text("<p>Only {{ name }}</p>")
    settings.TEMPLATE_DIRS = [str(tmp_path)]
    return folder


def test_templated_message(mail_templates):
    msg = EmailMessage.from_template("emails/welcome", {"name": "<Ada>"},
                                     to=["ada@example.com"], from_email="f@example.com",
                                     images={"logo": (PNG, "logo.png")})
    assert msg.subject == "Welcome, <Ada>!"
    out = parsed(msg)
    assert text_of(out.get_body(("plain",))) == "Hello <Ada>.\n"
    html = out.get_body(("html",)).get_content()
    assert "Hello &lt;Ada&gt;" in html  # HTML templates are autoescaped
    (image,) = [p for p in out.walk() if p.get_content_type() == "image/png"]
    assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html


def test_templated_html_only(mail_templates):
    msg = EmailMessage.from_template("emails/htmlonly", {"name": "Ada"}, subject="S",
                                     to=["ada@example.com"], from_email="f@example.com")
    assert msg.body == "Only Ada\n"


def test_templated_missing(mail_templates):
    from rustforge.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="neither"):
        EmailMessage.from_template("emails/nope", {}, to=["a@example.com"])
