"""The development backends, EMAIL_URL parsing and the ``mailer`` service."""

from __future__ import annotations

import email
import email.policy
import os
import threading

import pytest

from rustforge.mail import (
    EmailMessage,
    MailConfigurationError,
    get_connection,
    get_mailer,
    mail_admins,
    send_mail,
)
from rustforge.mail.backends import parse_email_url
from rustforge.mail.backends.console import ConsoleBackend
from rustforge.mail.backends.dummy import DummyBackend
from rustforge.mail.backends.file import FileBackend
from rustforge.mail.backends.memory import MemoryBackend
from rustforge.mail.backends.smtp import SMTPBackend
from rustforge.services import services


def test_console_is_the_default_and_prints_the_whole_message(settings, capsys):
    assert type(get_mailer()) is ConsoleBackend
    send_mail("Grüße", "Hello console", "f@example.com", ["a@example.com"],
              html_message="<p>Hi</p>")
    out = capsys.readouterr().out
    assert "Subject: =?utf-8?" in out and "To: a@example.com" in out
    assert "Hello console" in out and "text/html" in out
    assert out.rstrip().endswith("-" * 79)


def test_file_backend_writes_one_eml_per_message(settings, tmp_path):
    settings.EMAIL_URL = f"file://{tmp_path}/outbox"
    for i in range(3):
        send_mail(f"m{i}", "body", "f@example.com", ["a@example.com"])
    files = sorted((tmp_path / "outbox").iterdir())
    assert [f.suffix for f in files] == [".eml"] * 3
    subjects = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default)["Subject"]
                for f in files]
    assert subjects == ["m0", "m1", "m2"]  # names sort by time
    assert [p.name for p in get_mailer().message_files()] == [f.name for f in reversed(files)]


def test_file_backend_relative_path_is_under_base_dir(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    settings.EMAIL_URL = "file://var/outbox"
    assert get_mailer().directory == tmp_path / "var" / "outbox"
    assert not (tmp_path / "var").exists()  # nothing made before the first send


def test_file_backend_is_safe_across_threads(settings, tmp_path):
    settings.EMAIL_URL = f"file://{tmp_path}"
    threads = [threading.Thread(target=send_mail, args=(f"t{i}", "b", None, ["a@example.com"]))
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(list(tmp_path.glob("*.eml"))) == 8
    assert not list(tmp_path.glob(".*.part"))


def test_mailoutbox_fixture(mailoutbox):
    assert mailoutbox == []
    send_mail("Hi", "Body", None, ["Ada <ada@example.com>"])
    (msg,) = mailoutbox
    assert msg.subject == "Hi" and msg.to == ["Ada <ada@example.com>"]
    assert msg.mime["To"] == "Ada <ada@example.com>"


def test_memory_outbox_keeps_a_copy(mailoutbox):
    msg = EmailMessage("before", "b", None, ["a@example.com"])
    msg.send()
    msg.subject = "after"
    msg.to.append("b@example.com")
    assert mailoutbox[0].subject == "before"
    assert mailoutbox[0].to == ["a@example.com"]


def test_dummy_backend_discards_but_still_validates(settings):
    settings.EMAIL_URL = "dummy://"
    assert send_mail("s", "b", None, ["a@example.com"]) == 1
    msg = EmailMessage("s", "b", None, ["a@example.com"])
    msg.subject = "x\ny"
    from rustforge.mail import BadHeaderError

    with pytest.raises(BadHeaderError):
        get_mailer().send_messages([msg])


def test_no_recipients_sends_nothing(mailoutbox):
    assert send_mail("s", "b", None, []) == 0
    assert mailoutbox == []


def test_mail_admins(settings, mailoutbox):
    assert mail_admins("nobody", "b") == 0
    settings.ADMINS = [("Ada", "ada@example.com"), ("Bob", "bob@example.com")]
    settings.SERVER_EMAIL = "server@example.com"
    settings.EMAIL_SUBJECT_PREFIX = "[site] "
    assert mail_admins("Disk full", "90%") == 1
    (msg,) = mailoutbox
    assert msg.subject == "[site] Disk full"
    assert msg.mime["From"] == "server@example.com"
    assert msg.recipients() == ["ada@example.com", "bob@example.com"]


def test_mailer_service_follows_settings(settings):
    settings.EMAIL_URL = "memory://"
    first = get_mailer()
    assert type(first) is MemoryBackend and get_mailer() is first
    settings.EMAIL_URL = "dummy://"
    assert type(get_mailer()) is DummyBackend


def test_mailer_service_can_be_overridden():
    fake = DummyBackend()
    with services.override("mailer", fake):
        assert get_mailer() is fake


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_mailer_is_reset_in_a_forked_child(settings):
    settings.EMAIL_URL = "memory://"
    parent = get_mailer()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.write(write, b"1" if get_mailer() is not parent else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    os.close(read)
    os.close(write)


# EMAIL_URL -------------------------------------------------------------------------------
@pytest.mark.parametrize("url, cls, options", [
    ("smtp://mail.example.com", SMTPBackend, {"host": "mail.example.com", "port": 25}),
    ("smtp://u:p%40ss@mail.example.com:587?starttls=1&timeout=3", SMTPBackend,
     {"username": "u", "password": "p@ss", "port": 587, "starttls": True, "timeout": 3.0}),
    ("smtps://mail.example.com", SMTPBackend, {"port": 465, "use_ssl": True}),
    ("console://?stream=stderr", ConsoleBackend, {}),
    ("memory://", MemoryBackend, {}),
    ("locmem://", MemoryBackend, {}),
    ("dummy://", DummyBackend, {}),
    ("file:///var/mail/out", FileBackend, {}),
])
def test_email_urls(settings, url, cls, options):
    backend = get_connection(url)
    assert type(backend) is cls
    for name, value in options.items():
        assert getattr(backend, name) == value


@pytest.mark.parametrize("url, message", [
    ("gmail", "not a URL"),
    ("smtpx://host", "unknown scheme 'smtpx'"),
    ("smtp://host?startls=1", "unknown option 'startls'"),
    ("smtp://host?starttls=maybe", "not 1/0"),
    ("smtp://host?timeout=0", "not a positive number"),
    ("smtp://host:99999", "invalid port"),
    ("smtp://", "names no host"),
    ("smtps://host?starttls=1", "already TLS"),
    ("file://", "needs a folder"),
])
def test_bad_email_urls_are_clear(url, message):
    with pytest.raises(MailConfigurationError, match=message):
        parse_email_url(url)


def test_default_timeout_comes_from_settings(settings):
    settings.EMAIL_TIMEOUT = 4
    assert get_connection("smtp://localhost").timeout == 4.0
