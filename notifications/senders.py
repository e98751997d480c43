"""The two ways out: SMTP e-mail and a JSON webhook shaped like office chat robots accept."""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any, Protocol

SECURITY = ("none", "starttls", "ssl")


class DeliveryError(Exception):
    """The message was not accepted; the outbox records the reason and retries later."""


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class Poster(Protocol):
    def send(self, url: str, text: str) -> None: ...


def _setting(config: Mapping[str, Any], name: str, default: Any = None) -> Any:
    """`SMTP_HOST` from the app config, else `JIXIAO_SMTP_HOST` from the environment."""
    value = config.get(name)
    if value is None:
        value = os.environ.get(f"JIXIAO_{name}")
    return default if value in (None, "") else value


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none | starttls | ssl
    username: str | None = None
    password: str | None = None
    sender: str = "jixiao@localhost"
    sender_name: str = "绩效评价工作平台"
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        security = str(_setting(config, "SMTP_SECURITY", "none")).lower()
        if security not in SECURITY:
            raise ValueError(f"SMTP_SECURITY 应为 {'、'.join(SECURITY)} 之一")
        default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
        return cls(
            host=_setting(config, "SMTP_HOST", "localhost"),
            port=int(_setting(config, "SMTP_PORT", default_port)),
            security=security,
            username=_setting(config, "SMTP_USER"),
            password=_setting(config, "SMTP_PASSWORD"),
            sender=_setting(config, "SMTP_FROM", "jixiao@localhost"),
            timeout=float(_setting(config, "SMTP_TIMEOUT", 10)),
        )


class SmtpMailer:
    """Send one UTF-8 plain-text e-mail per call through the configured SMTP server."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        s = self.settings
        msg = EmailMessage()
        msg["Subject"] = subject
        msg["From"] = formataddr((s.sender_name, s.sender))
        msg["To"] = to
        msg["Message-ID"] = make_msgid(domain=s.sender.rpartition("@")[2] or "jixiao")
        msg.set_content(body, charset="utf-8")
        return msg

    def send(self, to: str, subject: str, body: str) -> None:
        s = self.settings
        msg = self.message(to, subject, body)
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            with smtp:
                if s.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.username:
                    smtp.login(s.username, s.password or "")
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {s.host}:{s.port}: {exc}") from exc


class WebhookPoster:
    """POST `{"msgtype": "text", "text": {"content": …}}` (企业微信/钉钉 group robots)."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def send(self, url: str, text: str) -> None:
        payload = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
        request = urllib.request.Request(
            url,
            data=payload.encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read(4096)
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"webhook: {exc}") from exc
        try:
            data = json.loads(answer or b"{}")
        except ValueError:
            return
        # The robots answer 200 with {"errcode": non-zero} when they refuse a message.
        if isinstance(data, dict) and data.get("errcode") not in (None, 0):
            raise DeliveryError(f"webhook: errcode {data.get('errcode')} {data.get('errmsg', '')}")
