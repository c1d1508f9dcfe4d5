"""Mail delivery: a briefing PDF as an email, sent over SMTP.

Settings come from the environment (``BRIEFING_SMTP_*``). :func:`send` makes
one attempt with a timeout on the connection and every socket operation and
classifies what went wrong: connection refused, timeouts, a dropped link and
4xx replies are *transient* (worth retrying), 5xx replies, TLS and
authentication failures are *permanent*. :func:`send_with_retry` retries the
transient ones with exponential backoff; the sleep function is injectable.

The password never leaves :class:`SmtpSettings`: it is not in its ``repr``,
and every error text is scrubbed of it (and of its base64 forms, which is how
``AUTH PLAIN`` and ``AUTH LOGIN`` carry it) before it reaches a message, a
log record or the ledger.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.policy
import email.utils
import html
import json
import logging
import os
import re
import smtplib
import socket
import ssl
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from briefing.errors import ConfigError, DeliveryError, InputError
from briefing.labels import MAIL_LABELS, MailLabels, format_key_figure
from briefing.model import Briefing, Changes
from briefing.script import is_han

log = logging.getLogger(__name__)

SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_TIMEOUT = 30.0
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 5.0
NO_SENDER = (
    "BRIEFING_SMTP_FROM is not set: set it to the address the mail comes from, e.g. briefing@example.com"
)
KEY_FIGURES = 5
"""Figures in the mail's body at most (the first of each of the leading business cases)."""

Sleep = Callable[[float], None]


class TransientDeliveryError(DeliveryError):
    """Worth retrying later: refused or dropped connection, timeout, 4xx reply."""

    transient = True


class PermanentDeliveryError(DeliveryError):
    """Not worth retrying as is: 5xx reply, TLS or authentication failure."""

    transient = False


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to submit mail. The password is never shown by ``repr``."""

    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    attempts: int = DEFAULT_ATTEMPTS
    """Tries per mail and run when failures are transient."""
    backoff: float = DEFAULT_BACKOFF
    """Seconds before the first retry; doubled before each further one."""

    def secrets(self) -> list[str]:
        """Strings that must never appear in any output: the password and its encodings."""
        if not self.password:
            return []
        found = {self.password}
        for raw in (
            self.password.encode(),
            f"\0{self.user or ''}\0{self.password}".encode(),
            f"{self.user or ''}\0{self.user or ''}\0{self.password}".encode(),
        ):
            found.add(base64.b64encode(raw).decode("ascii"))
        return sorted(found, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text


def _address(value: str, name: str) -> str:
    """Validate one plain mail address (no display name, no line breaks)."""
    value = value.strip()
    _, addr = email.utils.parseaddr(value)
    if (
        not addr
        or addr != value
        or "@" not in addr
        or any(c in addr for c in "\r\n\t ,;<>")
        or addr.startswith("@")
        or addr.endswith("@")
    ):
        raise ConfigError(f"{name}: not a mail address: {value!r}")
    return addr


def check_address(value: str) -> str:
    """A recipient address, validated; :class:`ConfigError` otherwise."""
    return _address(value, "recipient")


def unique_addresses(values: Iterable[str]) -> list[str]:
    """Validated recipient addresses, each once: ``R1@X`` and ``r1@x`` are the
    same mailbox in practice, so only the first spelling is kept."""
    found: dict[str, str] = {}
    for value in values:
        address = check_address(value)
        found.setdefault(address.casefold(), address)
    return list(found.values())


def settings_from_env(env: dict[str, str] | None = None) -> SmtpSettings:
    """Read ``BRIEFING_SMTP_*`` from the environment; :class:`ConfigError` names
    the first missing or invalid one (and never echoes the password)."""
    env = dict(os.environ if env is None else env)

    def get(name: str) -> str | None:
        value = env.get(f"BRIEFING_SMTP_{name}", "").strip()
        return value or None

    host = get("HOST")
    if not host:
        raise ConfigError("BRIEFING_SMTP_HOST is not set (the SMTP server to send through)")
    security = (get("SECURITY") or "starttls").lower()
    if security not in SECURITY_MODES:
        raise ConfigError(
            f"BRIEFING_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {security!r}"
        )
    raw_port = get("PORT")
    if raw_port is None:
        port = DEFAULT_PORTS[security]
    else:
        try:
            port = int(raw_port)
        except ValueError:
            raise ConfigError(f"BRIEFING_SMTP_PORT is not a number: {raw_port!r}") from None
        if not 0 < port < 65536:
            raise ConfigError(f"BRIEFING_SMTP_PORT is out of range: {port}")
    user = get("USER")
    password = env.get("BRIEFING_SMTP_PASSWORD") or None
    if user and not password:
        raise ConfigError("BRIEFING_SMTP_USER is set but BRIEFING_SMTP_PASSWORD is not")
    if password and not user:
        raise ConfigError("BRIEFING_SMTP_PASSWORD is set but BRIEFING_SMTP_USER is not")
    sender = get("FROM") or (user if user and "@" in user else None)
    if not sender:
        raise ConfigError(NO_SENDER)
    sender = _address(sender, "BRIEFING_SMTP_FROM")
    timeout = _number(get("TIMEOUT"), "BRIEFING_SMTP_TIMEOUT", DEFAULT_TIMEOUT, 0.1, 3600)
    attempts = int(_number(get("ATTEMPTS"), "BRIEFING_SMTP_ATTEMPTS", DEFAULT_ATTEMPTS, 1, 10))
    backoff = _number(get("BACKOFF"), "BRIEFING_SMTP_BACKOFF", DEFAULT_BACKOFF, 0, 600)
    if password and security == "none":
        log.warning("BRIEFING_SMTP_SECURITY=none: the password travels unencrypted")
    return SmtpSettings(
        host, port, security, sender, user, password, timeout, attempts=attempts, backoff=backoff
    )


def _number(raw: str | None, name: str, default: float, low: float, high: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} is not a number: {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, not {raw}")
    return value


def sender_from_env(env: dict[str, str] | None = None) -> str:
    """The sender for a dry run: BRIEFING_SMTP_FROM, else the user when it is an address;
    :class:`ConfigError` when neither is set (a mail from an invented address would be
    rejected or land in spam, and a dry run is there to show the real mail)."""
    env = dict(os.environ if env is None else env)
    for name in ("BRIEFING_SMTP_FROM", "BRIEFING_SMTP_USER"):
        value = env.get(name, "").strip()
        if value and "@" in value:
            return _address(value, name)
    raise ConfigError(NO_SENDER)


# ------------------------------------------------------------------------- message


def ascii_filename(name: str, default: str = "briefing.pdf") -> str:
    """An attachment name every mail client shows: ASCII letters, digits, ``.-_``.

    Accents are folded (``é`` → ``e``); other characters (Chinese included) are
    dropped, and when nothing meaningful is left ``default`` is used.
    """
    path = Path(name)
    suffix = re.sub(r"[^A-Za-z0-9]", "", path.suffix)[:8].lower()
    folded = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", folded)
    stem = re.sub(r"-{2,}", "-", stem).strip("-._")
    if not re.search(r"[A-Za-z]", stem):
        stem = f"{Path(default).stem}-{stem}" if stem else Path(default).stem
    return f"{stem[:80]}.{suffix or Path(default).suffix.lstrip('.')}"


def _domain(sender: str) -> str:
    domain = sender.rpartition("@")[2].strip().lower()
    return domain if re.fullmatch(r"[a-z0-9.-]+", domain or "") else "briefing.invalid"


def new_message_id(sender: str) -> str:
    """A fresh Message-ID in the sender's domain (no local host name lookup)."""
    return email.utils.make_msgid(idstring="briefing", domain=_domain(sender))


def mail_language(title: str) -> str:
    """The briefing's language for its mail: "zh" when its title has a Chinese character, else "en"."""
    return "zh" if any(is_han(ch) for ch in title) else "en"


def attachment_name(title: str, date: str) -> str:
    """The attachment's name in the briefing's language: ``<title>-<date>.pdf``, without the
    characters file systems refuse."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "-", f"{title}-{date}" if date else title)
    stem = re.sub(r"-{2,}", "-", re.sub(r"\s+", " ", stem)).strip(" .-")
    return f"{stem[:120]}.pdf" if stem else "briefing.pdf"


def key_figures(model: Briefing, limit: int = KEY_FIGURES) -> list[str]:
    """The briefing's key figures, one line each: "市场份额：阿里云 45.5% · 腾讯 10.3%（2017年，IDC）"."""
    return [format_key_figure(k) for k in model.key_figures[:limit]]


def _change_lines(changes: Changes, words: MailLabels) -> list[str]:
    if changes.previous_period is None:
        return [words.first_edition.format(period=changes.period)]
    parts = [
        phrase.format(n=len(getattr(changes, name)))
        for name, phrase in words.counts
        if getattr(changes, name)
    ]
    return [
        words.since.format(previous=changes.previous_period),
        words.separator.join(parts) + words.stop if parts else words.no_change,
    ]


def build_message(
    pdf_path: Path,
    recipients: Sequence[str],
    subject: str,
    takeaways: list[str],
    *,
    sender: str,
    message_id: str | None = None,
    date: dt.datetime | None = None,
    changes: Changes | None = None,
    model: Briefing | None = None,
) -> EmailMessage:
    """The mail for one briefing: takeaways and key figures as plain text and HTML, the PDF attached.

    ``model`` defaults to the model JSON beside the PDF; it gives the key
    figures, the language (Chinese labels for a Chinese title) and the
    attachment's name, ``<title>-<date>.pdf``, sent RFC 2231-encoded with the
    PDF's ASCII file name as the fallback that clients without RFC 2231 show
    (the Content-Type's ``name``). ``message_id`` reuses a recorded Message-ID
    (a retry of the same delivery); ``date`` is the Date header's time
    (default: now).
    """
    pdf_path = Path(pdf_path)
    try:
        data = pdf_path.read_bytes()
    except OSError as exc:
        raise DeliveryError(f"cannot read {pdf_path}: {exc.strerror or exc}") from exc
    model = model if model is not None else load_model(pdf_path)
    words = MAIL_LABELS[mail_language(model.title if model else subject)]
    fallback = ascii_filename(pdf_path.name)
    filename = attachment_name(model.title, model.date) if model else pdf_path.name
    figures = key_figures(model) if model else []
    notes = _change_lines(changes, words) if changes is not None else []
    attached = words.attached.format(name=filename)

    text = [subject, ""]
    if takeaways:
        text += [words.takeaways, *(f"{i}. {t}" for i, t in enumerate(takeaways, 1)), ""]
    if figures:
        text += [words.figures, *(f"- {f}" for f in figures), ""]
    if not takeaways and not figures:
        text += [words.attached_only, ""]
    if notes:
        text += [*notes, ""]
    text += [attached, ""]

    body = [f"<h1>{html.escape(subject)}</h1>"]
    if takeaways:
        items = "".join(f"<li>{html.escape(t)}</li>" for t in takeaways)
        body.append(f"<h2>{html.escape(words.takeaways)}</h2>\n<ol>{items}</ol>")
    if figures:
        items = "".join(f"<li>{html.escape(f)}</li>" for f in figures)
        body.append(f"<h2>{html.escape(words.figures)}</h2>\n<ul>{items}</ul>")
    if not takeaways and not figures:
        body.append(f"<p>{html.escape(words.attached_only)}</p>")
    body.extend(f"<p>{html.escape(n)}</p>" for n in notes)
    body.append(f"<p>{html.escape(attached)}</p>")
    lang = "zh-CN" if words is MAIL_LABELS["zh"] else "en"
    markup = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )

    message = EmailMessage(policy=email.policy.default)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    when = (date or dt.datetime.now(dt.UTC)).timestamp()
    message["Date"] = email.utils.formatdate(when, usegmt=True)
    message["Message-ID"] = message_id or new_message_id(sender)
    message.set_content("\n".join(text), charset="utf-8")
    message.add_alternative(markup, subtype="html", charset="utf-8")
    message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    attachment = next(message.iter_attachments())
    attachment.set_param("name", fallback)  # shown by clients that do not read RFC 2231
    message["Content-Language"] = lang  # after the parts: setting content drops Content-* headers
    return message


def load_model(pdf_path: Path) -> Briefing | None:
    """The briefing model in the JSON beside ``pdf_path`` (same stem, ``.json``);
    None when there is none or it does not parse."""
    model_path = Path(pdf_path).with_suffix(".json")
    try:
        data = json.loads(model_path.read_text("utf-8"))
        return Briefing.from_dict(data)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("ignoring %s: not a briefing model (%s)", model_path, exc)
        return None


def default_subject(pdf_path: Path, model: Briefing | None, when: str | None = None) -> str:
    """``<title>（<when>）`` (or ``<title> — <when>`` for an English title), ``when`` being
    the briefing's date or an edition's period (``2026-W48``); else the PDF's file stem."""
    if model and model.title:
        when = when or model.date
        if not when:
            return model.title
        return MAIL_LABELS[mail_language(model.title)].subject.format(title=model.title, date=when)
    return Path(pdf_path).stem


# ---------------------------------------------------------------------------- send


def classify(exc: BaseException, settings: SmtpSettings) -> DeliveryError:
    """The delivery error for an exception raised while talking to the server.

    The text is one line and scrubbed of the password.
    """
    where = f"{settings.host}:{settings.port}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in exc.recipients.items())
        error: DeliveryError = (
            TransientDeliveryError(f"recipient refused by {where}: {detail}")
            if codes and all(400 <= c < 500 for c in codes)
            else PermanentDeliveryError(f"recipient refused by {where}: {detail}")
        )
    elif isinstance(exc, smtplib.SMTPResponseException):
        detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            error = PermanentDeliveryError(f"authentication failed at {where}: {detail}")
        elif 400 <= exc.smtp_code < 500:
            error = TransientDeliveryError(f"{where} replied {detail}")
        else:
            error = PermanentDeliveryError(f"{where} replied {detail}")
    elif isinstance(exc, smtplib.SMTPNotSupportedError):
        error = PermanentDeliveryError(f"{where} does not support it: {exc}")
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        error = TransientDeliveryError(f"{where} closed the connection: {exc}")
    elif isinstance(exc, ssl.SSLError):
        error = PermanentDeliveryError(f"TLS failed with {where}: {exc.reason or exc}")
    elif isinstance(exc, TimeoutError | socket.timeout):
        error = TransientDeliveryError(f"timed out talking to {where}")
    elif isinstance(exc, ConnectionRefusedError):
        error = TransientDeliveryError(f"connection refused by {where} (is the server down?)")
    elif isinstance(exc, socket.gaierror):
        error = TransientDeliveryError(f"cannot resolve {settings.host}: {exc.strerror or exc}")
    elif isinstance(exc, OSError):
        error = TransientDeliveryError(f"network error with {where}: {exc.strerror or exc}")
    elif isinstance(exc, smtplib.SMTPException):
        error = PermanentDeliveryError(f"SMTP error with {where}: {exc}")
    else:
        error = PermanentDeliveryError(f"{type(exc).__name__} with {where}: {exc}")
    error.args = (" ".join(settings.scrub(str(error)).split()),)
    return error


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(value.split())


def send(
    message: EmailMessage,
    settings: SmtpSettings,
    timeout: float | None = None,
    on_sent: Callable[[], None] | None = None,
) -> None:
    """Submit ``message`` once; :class:`TransientDeliveryError` or
    :class:`PermanentDeliveryError` when it was not accepted.

    ``timeout`` (default: ``settings.timeout``) bounds the connection and each
    socket operation. ``on_sent`` runs right after the server's 250 reply to the
    message data and before ``QUIT``, so a ledger can record the delivery before
    anything else can fail (RFC 1047); a failing ``QUIT`` is ignored.
    """
    timeout = settings.timeout if timeout is None else timeout
    client: smtplib.SMTP | None = None
    try:
        if settings.security == "ssl":
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        client.ehlo()
        if settings.security == "starttls":
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if settings.user and settings.password:
            client.login(settings.user, settings.password)
        refused = client.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        _close(client)
        raise classify(exc, settings) from None
    if on_sent is not None:
        on_sent()
    if refused:
        # some (not all) recipients were refused: the others have the mail, so
        # this is reported, never retried (a retry would duplicate it for them)
        _quit(client)
        detail = "; ".join(f"{r}: {c} {_text(m)}" for r, (c, m) in refused.items())
        raise PermanentDeliveryError(settings.scrub(f"recipient refused: {detail}"))
    _quit(client)
    log.debug("%s accepted %s", settings.host, message["Message-ID"])


def _quit(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError) as exc:
        log.debug("QUIT failed after delivery (ignored): %s", type(exc).__name__)
        _close(client)


def _close(client: smtplib.SMTP | None) -> None:
    if client is not None:
        try:
            client.close()
        except OSError:
            log.debug("closing the SMTP connection failed (ignored)")


def backoff_delays(attempts: int, base: float) -> list[float]:
    """Waits between ``attempts`` tries: ``base``, ``2·base``, ``4·base`` …"""
    return [base * 2**i for i in range(max(attempts - 1, 0))]


def send_with_retry(
    message: EmailMessage,
    settings: SmtpSettings,
    *,
    attempts: int | None = None,
    backoff: float | None = None,
    sleep: Sleep = time.sleep,
    send_once: Callable[..., None] = send,
) -> int:
    """:func:`send`, retrying transient failures with exponential backoff.

    ``attempts`` and ``backoff`` default to the settings'. Returns the number of
    attempts made; raises the last error when none succeeded (a permanent one
    at once).
    """
    attempts = settings.attempts if attempts is None else max(1, attempts)
    backoff = settings.backoff if backoff is None else backoff
    delays = backoff_delays(attempts, backoff)
    for attempt in range(1, attempts + 1):
        try:
            send_once(message, settings)
        except TransientDeliveryError as exc:
            if attempt == attempts:
                raise
            log.info("attempt %d failed (%s); retrying in %gs", attempt, exc, delays[attempt - 1])
            sleep(delays[attempt - 1])
        else:
            return attempt
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class SendResult:
    """What :func:`send_pdf` did."""

    message_id: str
    """Message-ID of the first recipient's mail."""
    recipients: list[str]
    """Addresses it went to, each once."""
    eml: Path | None = None
    """For a dry run, the first recipient's ``.eml`` written to the outbox."""
    attempts: int = 0
    """SMTP attempts made (0 for a dry run)."""
    message_ids: dict[str, str] = field(default_factory=dict)
    """Message-ID of each recipient's own copy."""
    emls: list[Path] = field(default_factory=list)
    """For a dry run, every ``.eml`` written (one per recipient)."""


def send_pdf(
    pdf_path: Path,
    recipients: Sequence[str],
    *,
    subject: str | None = None,
    dry_run: bool = False,
    outbox: Path | None = None,
    settings: SmtpSettings | None = None,
    sleep: Sleep = time.sleep,
) -> SendResult:
    """Mail ``pdf_path`` to ``recipients``, or with ``dry_run`` write the mails
    as ``.eml`` to ``outbox`` (default ``<state>/outbox``) and send nothing.

    Each recipient gets a copy of their own (only their address in ``To:``),
    and an address given twice, in any case, gets one. When some copies could
    not be delivered the others still are; the error names the failed
    recipients and those who have the mail.
    """
    from briefing.state import state_home

    pdf_path = Path(pdf_path)
    if not pdf_path.is_file():
        raise InputError(f"no such file: {pdf_path}")
    addresses = unique_addresses(recipients)
    if not addresses:
        raise ConfigError("no recipient: give at least one --to ADDRESS")
    model = load_model(pdf_path)
    takeaways = [t.text for t in model.summary] if model else []
    subject = subject or default_subject(pdf_path, model)
    if dry_run:
        sender = settings.sender if settings else sender_from_env()
    else:
        settings = settings or settings_from_env()
        sender = settings.sender
    changes = model.changes if model else None
    result = SendResult(message_id="", recipients=addresses)
    failures: list[tuple[str, DeliveryError]] = []
    for address in addresses:
        message = build_message(
            pdf_path, [address], subject, takeaways, sender=sender, changes=changes, model=model
        )
        if dry_run:
            folder = Path(outbox) if outbox is not None else state_home() / "outbox"
            result.emls.append(_write_eml(folder, pdf_path, message))
        else:
            assert settings is not None
            try:
                result.attempts += send_with_retry(message, settings, sleep=sleep)
            except DeliveryError as exc:
                failures.append((address, exc))
                continue
        result.message_ids[address] = str(message["Message-ID"])
    if failures:
        delivered = [a for a in addresses if a in result.message_ids]
        address, first = failures[0]
        text = f"{address}: {first}"
        if len(failures) > 1:
            text += f" (and {len(failures) - 1} more recipient(s))"
        if delivered:
            text += f"; delivered to {', '.join(delivered)}"
        raise type(first)(text)
    result.message_id = result.message_ids[addresses[0]]
    result.eml = result.emls[0] if result.emls else None
    return result


def _write_eml(folder: Path, pdf_path: Path, message: EmailMessage) -> Path:
    from briefing.writers import write_atomic

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{stamp}-{ascii_filename(pdf_path.name).removesuffix('.pdf')}.eml"
    n = 1
    while target.exists():
        n += 1
        target = target.with_name(f"{target.stem.rsplit('~', 1)[0]}~{n}.eml")
    write_atomic(target, message.as_bytes())
    log.debug("dry run: wrote %s, sent nothing", target)
    return target
