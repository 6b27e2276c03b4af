"""The SMTP backend against real aiosmtpd servers in this process."""

from __future__ import annotations

import time

import pytest
from mailtest_servers import accept_ada

from rustforge.mail import (
    BadHeaderError,
    EmailMessage,
    MailDeliveryError,
    get_connection,
    send_mail,
    send_mass_mail,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


@pytest.fixture
def use_server(settings):
    def use(url: str) -> None:
        settings.EMAIL_URL = url
        settings.EMAIL_QUEUE = False
    return use


def full_message() -> EmailMessage:
    msg = EmailMessage(
        subject="Rechnung für Zoë – November ✓",
        body="Guten Tag,\nanbei die Rechnung.\n",
        from_email="Bücherei Köln <rechnung@bücher.example>",
        to=["Zoë Ünïcode <zoe@example.com>", "bob@example.org"],
        cc=[("Åsa", "asa@example.net")],
        bcc=["audit@example.com"],
        reply_to=["help@example.com"],
        headers={"X-Campaign": "invoices-2026-11"},
    )
    logo = msg.embed(PNG, "logo.png")
    msg.html = f'<p>Guten Tag,</p><img src="{logo}" alt="Logo"><p>anbei die Rechnung.</p>'
    msg.attach("Rechnung Nr. 7 – Prüfung.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    msg.attach("positions.csv", "pos,amount\n1,9.99\n", "text/csv")
    return msg


def test_full_message_arrives_intact(smtp_server, use_server):
    use_server(smtp_server.url())
    assert full_message().send() == 1

    (envelope,) = smtp_server.recorder.received
    assert envelope.mail_from == "rechnung@xn--bcher-kva.example"
    assert sorted(envelope.rcpt_tos) == sorted(
        ["zoe@example.com", "bob@example.org", "asa@example.net", "audit@example.com"])
    (received,) = smtp_server.recorder.messages()

    assert received["Subject"] == "Rechnung für Zoë – November ✓"
    assert "=?utf-8?" in envelope.original_content.decode("ascii").split("\r\n\r\n")[0]
    sender = received["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == (
        "Bücherei Köln", "rechnung@xn--bcher-kva.example")
    assert [a.display_name for a in received["To"].addresses] == ["Zoë Ünïcode", ""]
    assert received["Cc"].addresses[0].display_name == "Åsa"
    assert received["Bcc"] is None
    assert received["Reply-To"] == "help@example.com"
    assert received["X-Campaign"] == "invoices-2026-11"

    text = received.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == "Guten Tag,\nanbei die Rechnung.\n"
    html = received.get_body(("html",)).get_content()
    assert "anbei die Rechnung" in html

    attachments = [(p.get_content_type(), p.get_filename(), p.get_content())
                   for p in received.iter_attachments()]
    assert attachments[0] == ("application/pdf", "Rechnung Nr. 7 – Prüfung.pdf",
                              b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    assert attachments[1][:2] == ("text/csv", "positions.csv")
    assert attachments[1][2].replace("\r\n", "\n") == "pos,amount\n1,9.99\n"

    (image,) = [p for p in received.walk() if p.get_content_type() == "image/png"]
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == PNG
    content_id = image["Content-ID"]
    assert content_id.startswith("<") and content_id.endswith(">")
    assert f'src="cid:{content_id[1:-1]}"' in html
    related = [p for p in received.walk() if p.get_content_type() == "multipart/related"]
    assert len(related) == 1 and image in related[0].get_payload()


def test_header_injection_sends_nothing(smtp_server, use_server):
    use_server(smtp_server.url())
    with pytest.raises(BadHeaderError):
        send_mail("Hi\nBcc: victim@example.com", "b", "f@example.com", ["a@example.com"])
    with pytest.raises(BadHeaderError):
        send_mail("Hi", "b", "f@example.com", ["a@example.com\r\nBcc: victim@example.com"])
    ok = EmailMessage("fine", "b", "f@example.com", ["a@example.com"])
    bad = EmailMessage("fine", "b", "f@example.com", ["a@example.com"])
    bad.extra_headers["X-Evil"] = "1\r\nBcc: victim@example.com"
    with pytest.raises(BadHeaderError), get_connection() as connection:
        connection.send_messages([ok, bad])  # the good one first: still nothing sent
    assert smtp_server.recorder.data_attempts == 0
    assert smtp_server.recorder.received == []


def test_mass_mail_uses_one_connection(smtp_server, use_server):
    use_server(smtp_server.url())
    sent = send_mass_mail([(f"n{i}", "b", None, [f"u{i}@example.com"]) for i in range(5)])
    assert sent == 5
    assert [m["Subject"] for m in smtp_server.recorder.messages()] == \
        ["n0", "n1", "n2", "n3", "n4"]
    assert len(smtp_server.recorder.sessions) == 1


def test_permanent_rejection_is_a_clear_permanent_error(smtp_server, use_server):
    use_server(smtp_server.url())
    smtp_server.recorder.replies.append("550 5.1.1 mailbox unavailable")
    with pytest.raises(MailDeliveryError) as info:
        send_mail("s", "b", None, ["a@example.com"])
    assert info.value.temporary is False and info.value.code == 550
    assert "550" in str(info.value) and "mailbox unavailable" in str(info.value)


def test_temporary_rejection_is_marked_temporary(smtp_server, use_server):
    use_server(smtp_server.url())
    smtp_server.recorder.replies.append("451 4.3.0 try again later")
    with pytest.raises(MailDeliveryError) as info:
        send_mail("s", "b", None, ["a@example.com"])
    assert info.value.temporary is True and info.value.code == 451


def test_fail_silently_hides_delivery_errors_only(smtp_server, use_server):
    use_server(smtp_server.url())
    smtp_server.recorder.replies.append("554 5.7.1 rejected")
    assert send_mail("s", "b", None, ["a@example.com"], fail_silently=True) == 0
    with pytest.raises(BadHeaderError):
        send_mail("s\n", "b", None, ["a@example.com"], fail_silently=True)


def test_server_that_never_answers_hits_the_timeout(silent_server, use_server):
    use_server(f"smtp://127.0.0.1:{silent_server}?timeout=0.5")
    started = time.monotonic()
    with pytest.raises(MailDeliveryError) as info:
        send_mail("s", "b", None, ["a@example.com"])
    assert time.monotonic() - started < 3
    assert "did not answer within 0.5s" in str(info.value)
    assert info.value.temporary is True


def test_server_that_is_down_gives_a_clear_error(refused_port, use_server):
    use_server(f"smtp://127.0.0.1:{refused_port}?timeout=2")
    with pytest.raises(MailDeliveryError, match="refused the connection") as info:
        send_mail("s", "b", None, ["a@example.com"])
    assert info.value.temporary is True


# TLS and authentication -------------------------------------------------------------
def test_starttls_with_private_ca_and_login(smtp_factory, server_tls_context, test_ca,
                                            use_server):
    server = smtp_factory(tls_context=server_tls_context, require_starttls=True,
                          authenticator=accept_ada, auth_require_tls=True)
    use_server(server.url(query=f"starttls=1&cafile={test_ca['ca']}",
                          userinfo="ada:p%40ss%3Aw%2Frd@"))
    assert send_mail("over TLS", "b", None, ["a@example.com"]) == 1
    (envelope,) = server.recorder.received
    assert envelope.mail_from == "webmaster@localhost"


def test_starttls_rejects_an_untrusted_certificate(smtp_factory, server_tls_context,
                                                   use_server):
    server = smtp_factory(tls_context=server_tls_context, require_starttls=True)
    use_server(server.url(query="starttls=1"))
    with pytest.raises(MailDeliveryError, match="certificate not trusted") as info:
        send_mail("s", "b", None, ["a@example.com"])
    assert info.value.temporary is False
    assert server.recorder.received == []


def test_wrong_password_is_permanent(smtp_factory, server_tls_context, test_ca, use_server):
    server = smtp_factory(tls_context=server_tls_context, require_starttls=True,
                          authenticator=accept_ada, auth_require_tls=True)
    use_server(server.url(query=f"starttls=1&cafile={test_ca['ca']}", userinfo="ada:wrong@"))
    with pytest.raises(MailDeliveryError, match="authentication failed: 535") as info:
        send_mail("s", "b", None, ["a@example.com"])
    assert info.value.temporary is False


def test_server_requiring_starttls_refuses_plain_mail(smtp_factory, server_tls_context,
                                                      use_server):
    server = smtp_factory(tls_context=server_tls_context, require_starttls=True)
    use_server(server.url())
    with pytest.raises(MailDeliveryError, match="530"):
        send_mail("s", "b", None, ["a@example.com"])


def test_smtps_implicit_tls(smtp_factory, server_tls_context, test_ca, use_server):
    server = smtp_factory(ssl_context=server_tls_context)
    use_server(server.url("smtps", query=f"cafile={test_ca['ca']}"))
    assert send_mail("implicit", "b", None, ["a@example.com"]) == 1
    assert server.recorder.messages()[0]["Subject"] == "implicit"


def test_explicit_connection_is_reused_across_calls(smtp_server):
    with get_connection(smtp_server.url()) as connection:
        for i in range(3):
            connection.send_messages([EmailMessage(f"m{i}", "b", None, ["a@example.com"])])
    assert len(smtp_server.recorder.received) == 3
    assert len(smtp_server.recorder.sessions) == 1


def test_partly_refused_recipients_are_logged(smtp_factory, use_server, caplog):
    class RefuseGhosts:
        async def handle_RCPT(self, server, session, envelope, address, options):
            if address.startswith("ghost"):
                return "550 5.1.1 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    server = smtp_factory()
    recorder = server.recorder
    recorder.handle_RCPT = RefuseGhosts().handle_RCPT
    use_server(server.url())
    assert send_mail("s", "b", None, ["ada@example.com", "ghost@example.com"]) == 1
    assert recorder.received[0].rcpt_tos == ["ada@example.com"]
    assert "ghost@example.com: 550 5.1.1 no such user" in caplog.text


def test_server_that_hangs_after_greeting_hits_the_timeout(use_server):
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    done = threading.Event()

    def greet_then_hang():
        conn, _ = listener.accept()
        conn.sendall(b"220 hello, then silence\r\n")
        done.wait(10)
        conn.close()

    thread = threading.Thread(target=greet_then_hang, daemon=True)
    thread.start()
    try:
        use_server(f"smtp://127.0.0.1:{listener.getsockname()[1]}?timeout=0.5")
        started = time.monotonic()
        with pytest.raises(MailDeliveryError, match="did not answer within 0.5s"):
            send_mail("s", "b", None, ["a@example.com"])
        assert time.monotonic() - started < 3
    finally:
        done.set()
        thread.join()
        listener.close()
