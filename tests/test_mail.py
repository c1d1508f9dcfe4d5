"""Mail: message structure, settings, and delivery against a real SMTP server on loopback.

The server is aiosmtpd's ``Controller`` on 127.0.0.1 at a port picked free
beforehand (it does not support ``port=0``). ``SmtpServer`` and the
``smtp_server`` fixture are shared with ``test_schedule.py``.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import json
import logging
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from click.testing import CliRunner

from briefing import mail
from briefing.cli import cli
from briefing.errors import ConfigError, DeliveryError
from briefing.model import Changes, KeyFigure, KeyFigureEntry

try:
    from test_editions import make_briefing, make_company, make_document, make_figure, write_pdf
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.test_editions import make_briefing, make_company, make_document, make_figure, write_pdf

PASSWORD = "s3cr3t-PW-x9"
SMTP_ENV = (
    "BRIEFING_SMTP_HOST",
    "BRIEFING_SMTP_PORT",
    "BRIEFING_SMTP_SECURITY",
    "BRIEFING_SMTP_USER",
    "BRIEFING_SMTP_PASSWORD",
    "BRIEFING_SMTP_FROM",
    "BRIEFING_SMTP_TIMEOUT",
)

# ------------------------------------------------------------------ SMTP server


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    """aiosmtpd handler: keeps every accepted message; can refuse on demand."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self.data_reply: str | None = None
        """When set, the reply to DATA instead of accepting (e.g. ``451 …``)."""
        self.refuse: set[str] = set()
        """Recipients refused at RCPT with 550."""

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.data_reply:
            return self.data_reply
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append(envelope)
        return "250 OK: queued"


def check_login(
    server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    """Accepts user/PASSWORD only."""
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"user",
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """A real SMTP server on loopback that records what it receives."""

    def __init__(self, port: int | None = None, **options: Any) -> None:
        self.handler = Recorder()
        self.port = port or free_port()
        self.options = options
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def hostname(self) -> str:
        return self.controller.hostname if self.controller else "127.0.0.1"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def settings(self, **changes: Any) -> mail.SmtpSettings:
        values: dict[str, Any] = {
            "host": self.hostname,
            "port": self.port,
            "security": "none",
            "sender": "briefing@example.com",
            "timeout": 5.0,
        }
        values.update(changes)
        return mail.SmtpSettings(**values)

    def env(self, monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
        """Point ``BRIEFING_SMTP_*`` at this server."""
        for name in SMTP_ENV:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("BRIEFING_SMTP_HOST", self.hostname)
        monkeypatch.setenv("BRIEFING_SMTP_PORT", str(self.port))
        monkeypatch.setenv("BRIEFING_SMTP_SECURITY", "none")
        monkeypatch.setenv("BRIEFING_SMTP_FROM", "briefing@example.com")
        for key, value in extra.items():
            monkeypatch.setenv(f"BRIEFING_SMTP_{key}", value)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A started loopback SMTP server, stopped after the test."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    """A small real PDF with a model JSON beside it."""
    path = tmp_path / "简报 2026-11-23 é.pdf"
    write_pdf(path, ["Weekly briefing", "2026-11-23"])
    doc = make_document("a.md", "x", "2026-11-20")
    model = make_briefing(documents=[doc], takeaways=["云计算份额升至45.5%", "R&D <spend> rose"])
    path.with_suffix(".json").write_text(json.dumps(model.to_dict(), ensure_ascii=False), "utf-8")
    return path


def _parts(message: EmailMessage) -> tuple[str, str, list[EmailMessage]]:
    plain = message.get_body(preferencelist=("plain",))
    markup = message.get_body(preferencelist=("html",))
    assert plain is not None and markup is not None
    return plain.get_content(), markup.get_content(), list(message.iter_attachments())


# --------------------------------------------------------------------- message


def test_message_structure(pdf: Path) -> None:
    when = dt.datetime(2026, 11, 23, 0, 0, tzinfo=dt.UTC)
    message = mail.build_message(
        pdf,
        ["ceo@example.com", "cfo@example.com"],
        "Weekly — 2026-W48",
        ["云计算份额升至45.5%", "R&D <spend> rose"],
        sender="briefing@example.com",
        date=when,
        changes=Changes(period="2026-W48", previous_period=None),
    )
    assert message.get_content_type() == "multipart/mixed"
    assert email.utils.parsedate_to_datetime(str(message["Date"])) == when
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@example.com>")
    assert message["To"] == "ceo@example.com, cfo@example.com"
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == "Weekly — 2026-W48"
    plain, markup, attachments = _parts(parsed)
    # the model beside the PDF has an English title: English labels
    assert "Key takeaways\n1. 云计算份额升至45.5%\n2. R&D <spend> rose" in plain
    assert "<li>云计算份额升至45.5%</li>" in markup
    assert "<li>R&amp;D &lt;spend&gt; rose</li>" in markup
    assert "first edition" in plain and "no previous one" in plain
    (attachment,) = attachments
    assert attachment.get_filename() == "Weekly briefing-2026-11-23.pdf"
    assert attachment.get_param("name") == "2026-11-23-e.pdf"  # the ASCII fallback
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf.read_bytes()


@pytest.fixture
def chinese_pdf(tmp_path: Path) -> Path:
    """A PDF whose model is a Chinese briefing with takeaways, figures and changes."""
    path = tmp_path / "briefing-2026-11-23.pdf"
    write_pdf(path, ["briefing", "2026-11-23"])
    doc = make_document("a.md", "x", "2026-11-20")
    cloud = make_company("阿里云", [make_figure(45.5, "市场份额", 2017, "a.md")])
    cloud.figures[0].source = "IDC"
    plain = make_company("某协会", [make_figure(3, "会员增长", None, "a.md")])
    plain.type = "association"  # not a business case: no key figure
    model = make_briefing(
        documents=[doc], companies=[cloud, plain], takeaways=["产业互联网的体量可能是消费互联网的100倍。"]
    )
    model.title = "产业互联网简报"
    model.key_figures = [
        KeyFigure(
            measure="市场份额",
            unit="%",
            year=2017,
            source="IDC",
            entries=[
                KeyFigureEntry(company="阿里云", value=45.5, raw="45.5%", document="a.md", paragraph=0),
                KeyFigureEntry(company="腾讯", value=10.3, raw="10.3%", document="a.md", paragraph=0),
            ],
        )
    ]
    model.changes = Changes(period="2026-W48", previous_period="2026-W47", new_documents=["a.md"])
    path.with_suffix(".json").write_text(json.dumps(model.to_dict(), ensure_ascii=False), "utf-8")
    return path


def test_a_chinese_briefing_gets_a_chinese_mail(chinese_pdf: Path, smtp_server: SmtpServer) -> None:
    result = mail.send_pdf(chinese_pdf, ["ceo@example.com"], settings=smtp_server.settings())
    (received,) = smtp_server.messages
    assert received["Subject"] == "产业互联网简报（2026-11-23）"
    assert received["Message-ID"] == result.message_id and received["Date"]
    assert email.utils.parsedate_to_datetime(str(received["Date"])).tzinfo is not None
    assert received["Content-Language"] == "zh-CN"
    plain, markup, (attachment,) = _parts(received)
    assert plain.splitlines() == [
        "产业互联网简报（2026-11-23）",
        "",
        "关键结论",
        "1. 产业互联网的体量可能是消费互联网的100倍。",
        "",
        "关键数据",
        "- 市场份额：阿里云 45.5% · 腾讯 10.3%（2017年，IDC）",
        "",
        "与上一期（2026-W47）相比：",
        "新增来源 1 份。",
        "",
        "附件：产业互联网简报-2026-11-23.pdf",
    ]
    assert (
        "<h2>关键数据</h2>" in markup
        and "<li>市场份额：阿里云 45.5% · 腾讯 10.3%（2017年，IDC）</li>" in markup
    )
    assert '<html lang="zh-CN">' in markup
    # the name is RFC 2231-encoded; clients that cannot read that show the ASCII fallback
    assert attachment.get_filename() == "产业互联网简报-2026-11-23.pdf"
    raw = chinese_pdf.read_bytes()
    assert attachment.get_content() == raw
    header = str(attachment.as_bytes(policy=email.policy.SMTP), "ascii")
    assert "filename*" in header and "utf-8''%E4%BA%A7%E4%B8%9A" in header
    assert 'name="briefing-2026-11-23.pdf"' in header


@pytest.mark.parametrize(
    ("title", "date", "expected"),
    [
        ("产业互联网简报", "2026-11-23", "产业互联网简报-2026-11-23.pdf"),
        ("周报: A/B?", "2026-11-23", "周报- A-B-2026-11-23.pdf"),
        ("  ", "", "briefing.pdf"),
    ],
)
def test_attachment_name(title: str, date: str, expected: str) -> None:
    assert mail.attachment_name(title, date) == expected


def test_no_sender_is_a_clear_error_not_an_invented_address(
    pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in SMTP_ENV:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="BRIEFING_SMTP_FROM is not set: set it to the address"):
        mail.sender_from_env()
    monkeypatch.setenv("BRIEFING_HOME", str(tmp_path / "state"))
    result = CliRunner().invoke(cli, ["send", str(pdf), "--to", "ceo@example.com", "--dry-run"])
    assert result.exit_code == 8, result.output
    assert "BRIEFING_SMTP_FROM" in result.output and "localhost" not in result.output
    assert not (tmp_path / "state" / "outbox").exists()


def test_message_ids_are_unique_and_reusable(pdf: Path) -> None:
    one = mail.build_message(pdf, ["a@example.com"], "s", [], sender="b@example.com")
    two = mail.build_message(pdf, ["a@example.com"], "s", [], sender="b@example.com")
    assert one["Message-ID"] != two["Message-ID"]
    again = mail.build_message(
        pdf, ["a@example.com"], "s", [], sender="b@example.com", message_id=one["Message-ID"]
    )
    assert again["Message-ID"] == one["Message-ID"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("briefing-2026-11-23.pdf", "briefing-2026-11-23.pdf"),
        ("Café Résumé.pdf", "Cafe-Resume.pdf"),
        ("简报.pdf", "briefing.pdf"),
        ("简报-2026-W48.pdf", "2026-W48.pdf"),
        ("简报-2026.pdf", "briefing-2026.pdf"),
        ("weekly 周报 W48.PDF", "weekly-W48.pdf"),
    ],
)
def test_ascii_filename(name: str, expected: str) -> None:
    assert mail.ascii_filename(name) == expected


# -------------------------------------------------------------------- settings


def test_settings_from_env_defaults_and_errors() -> None:
    base = {"BRIEFING_SMTP_HOST": "smtp.example.com", "BRIEFING_SMTP_FROM": "b@example.com"}
    settings = mail.settings_from_env(base)
    assert (settings.port, settings.security, settings.user) == (587, "starttls", None)
    assert mail.settings_from_env({**base, "BRIEFING_SMTP_SECURITY": "ssl"}).port == 465
    assert mail.settings_from_env({**base, "BRIEFING_SMTP_SECURITY": "NONE"}).port == 25
    cases = {
        "BRIEFING_SMTP_HOST is not set": {"BRIEFING_SMTP_FROM": "b@example.com"},
        "BRIEFING_SMTP_SECURITY must be": {**base, "BRIEFING_SMTP_SECURITY": "tls"},
        "BRIEFING_SMTP_PORT is not a number": {**base, "BRIEFING_SMTP_PORT": "x"},
        "BRIEFING_SMTP_PORT is out of range": {**base, "BRIEFING_SMTP_PORT": "70000"},
        "BRIEFING_SMTP_PASSWORD is not": {**base, "BRIEFING_SMTP_USER": "u"},
        "BRIEFING_SMTP_USER is not": {**base, "BRIEFING_SMTP_PASSWORD": PASSWORD},
        "BRIEFING_SMTP_FROM is not set: set it to": {"BRIEFING_SMTP_HOST": "h"},
        "BRIEFING_SMTP_FROM: not a mail address": {**base, "BRIEFING_SMTP_FROM": "nobody"},
    }
    for expected, env in cases.items():
        with pytest.raises(ConfigError, match=expected) as caught:
            mail.settings_from_env(env)
        assert PASSWORD not in str(caught.value)
        assert "\n" not in str(caught.value)
    # the user doubles as sender when it is an address
    settings = mail.settings_from_env(
        {"BRIEFING_SMTP_HOST": "h", "BRIEFING_SMTP_USER": "me@x.org", "BRIEFING_SMTP_PASSWORD": "p"}
    )
    assert settings.sender == "me@x.org"
    assert "password" not in repr(settings)


def test_password_is_not_in_repr_and_is_scrubbed() -> None:
    settings = mail.SmtpSettings("h", 25, "none", "b@example.com", "user", PASSWORD)
    assert PASSWORD not in repr(settings)
    for secret in settings.secrets():
        assert "***" in settings.scrub(f"server said {secret}!")
        assert secret not in settings.scrub(f"server said {secret}!")


# -------------------------------------------------------------------- delivery


def test_send_pdf_delivers_one_message_with_takeaways(smtp_server: SmtpServer, pdf: Path) -> None:
    result = mail.send_pdf(pdf, ["ceo@example.com", "cfo@example.com"], settings=smtp_server.settings())
    assert result.attempts == 2 and result.eml is None  # each recipient gets a copy of their own
    received, _ = smtp_server.messages
    assert received["Message-ID"] == result.message_id
    assert received["Subject"] == "Weekly briefing — 2026-11-23"
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["ceo@example.com"], ["cfo@example.com"]]
    plain, markup, attachments = _parts(received)
    assert "云计算份额升至45.5%" in plain and "云计算份额升至45.5%" in markup
    assert attachments[0].get_content() == pdf.read_bytes()


def test_on_sent_runs_after_the_server_accepted(smtp_server: SmtpServer, pdf: Path) -> None:
    seen: list[int] = []
    message = mail.build_message(pdf, ["a@example.com"], "s", [], sender="b@example.com")
    mail.send(message, smtp_server.settings(), on_sent=lambda: seen.append(len(smtp_server.messages)))
    assert seen == [1]


def test_transient_and_permanent_replies(smtp_server: SmtpServer, pdf: Path) -> None:
    message = mail.build_message(pdf, ["a@example.com"], "s", [], sender="b@example.com")
    smtp_server.handler.data_reply = "451 4.3.0 mailbox busy, try later"
    with pytest.raises(mail.TransientDeliveryError, match=r"451 4\.3\.0 mailbox busy"):
        mail.send(message, smtp_server.settings())
    sleeps: list[float] = []
    with pytest.raises(mail.TransientDeliveryError):
        mail.send_with_retry(message, smtp_server.settings(), sleep=sleeps.append, backoff=2)
    assert sleeps == [2, 4]  # three attempts, exponential backoff, no real waiting

    smtp_server.handler.data_reply = "550 5.7.1 message rejected"
    sleeps.clear()
    with pytest.raises(mail.PermanentDeliveryError, match=r"550 5\.7\.1") as caught:
        mail.send_with_retry(message, smtp_server.settings(), sleep=sleeps.append)
    assert sleeps == []  # never retried
    assert isinstance(caught.value, DeliveryError) and caught.value.exit_code == 7
    assert smtp_server.messages == []


def test_partly_refused_recipients_are_reported_not_retried(smtp_server: SmtpServer, pdf: Path) -> None:
    smtp_server.handler.refuse = {"gone@example.com"}
    message = mail.build_message(pdf, ["ok@example.com", "gone@example.com"], "s", [], sender="b@example.com")
    with pytest.raises(mail.PermanentDeliveryError, match=r"gone@example\.com: 550"):
        mail.send_with_retry(message, smtp_server.settings(), sleep=lambda _s: None)
    assert len(smtp_server.messages) == 1  # ok@ has it, exactly once


def test_server_down_is_transient(pdf: Path) -> None:
    down = SmtpServer()  # never started: the port is closed
    message = mail.build_message(pdf, ["a@example.com"], "s", [], sender="b@example.com")
    with pytest.raises(mail.TransientDeliveryError, match="connection refused") as caught:
        mail.send(message, down.settings())
    assert isinstance(caught.value, DeliveryError)


def test_a_silent_server_times_out(pdf: Path) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the TCP connection, never says hello
    try:
        message = mail.build_message(pdf, ["a@example.com"], "s", [], sender="b@example.com")
        settings = mail.SmtpSettings("127.0.0.1", listener.getsockname()[1], "none", "b@example.com")
        with pytest.raises(mail.TransientDeliveryError, match="timed out"):
            mail.send(message, settings, timeout=0.3)
    finally:
        listener.close()


def test_authentication_and_the_password_never_leaks(pdf: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = SmtpServer(authenticator=check_login, auth_require_tls=False).start()
    try:
        good = server.settings(user="user", password=PASSWORD)
        message = mail.build_message(pdf, ["a@example.com"], "s", [], sender="b@example.com")
        mail.send(message, good)
        assert len(server.messages) == 1

        bad = server.settings(user="user", password=PASSWORD + "-wrong")
        with pytest.raises(mail.PermanentDeliveryError, match="authentication failed") as caught:
            mail.send_with_retry(message, bad, sleep=lambda _s: None)
        assert len(server.messages) == 1
    finally:
        server.stop()
    text = str(caught.value) + repr(caught.value) + repr(bad)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("briefing"))
    for secret in good.secrets() + bad.secrets():
        assert secret not in text
        assert secret not in ours


# ------------------------------------------------------------------------- CLI


def test_send_dry_run_writes_an_eml_and_sends_nothing(
    smtp_server: SmtpServer, pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "state"
    monkeypatch.setenv("BRIEFING_HOME", str(home))
    smtp_server.env(monkeypatch)
    result = CliRunner().invoke(
        cli, ["send", str(pdf), "--to", "ceo@example.com", "--subject", "W48", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    (eml,) = (home / "outbox").glob("*.eml")
    assert str(eml) in result.output
    assert smtp_server.messages == []
    parsed = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == "W48" and parsed["To"] == "ceo@example.com"
    assert parsed["From"] == "briefing@example.com"
    assert parsed["Date"] and parsed["Message-ID"]
    plain, _, attachments = _parts(parsed)
    assert "云计算份额升至45.5%" in plain
    assert attachments[0].get_filename().isascii()


def test_send_cli_delivers_and_reports_errors_in_one_line(
    smtp_server: SmtpServer, pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_HOME", str(tmp_path / "state"))
    smtp_server.env(monkeypatch)
    result = CliRunner().invoke(cli, ["send", str(pdf), "--to", "ceo@example.com"])
    assert result.exit_code == 0, result.output
    assert smtp_server.messages[0]["Message-ID"] in result.output

    monkeypatch.delenv("BRIEFING_SMTP_HOST")
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("BRIEFING_SMTP_USER", "user")
    result = CliRunner().invoke(cli, ["send", str(pdf), "--to", "ceo@example.com"])
    assert result.exit_code == ConfigError.exit_code
    assert result.output.strip().count("\n") == 0 and "BRIEFING_SMTP_HOST" in result.output
    assert PASSWORD not in result.output

    result = CliRunner().invoke(cli, ["send", str(pdf), "--to", "not-an-address", "--dry-run"])
    assert result.exit_code == ConfigError.exit_code and "not a mail address" in result.output
