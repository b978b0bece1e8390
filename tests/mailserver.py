"""A real SMTP server on 127.0.0.1 (aiosmtpd) that a test can stop and start again on the same
port, as a school's mail server goes down and comes back."""

from __future__ import annotations

import email
import socket
import threading
import time
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it so
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def start(self) -> MailServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if m["X-Envelope-To"] == address]

    def wait_for(self, address: str, count: int = 1, seconds: float = 60) -> list[Message]:
        give_up = time.monotonic() + seconds
        while time.monotonic() < give_up:
            if len(found := self.to(address)) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no e-mail to {address} in {seconds} s; got {self.messages}")


def body_of(message: Message) -> str:
    return message.get_payload(decode=True).decode()
