"""E-mail backends that fail on purpose, to test the outbox's retries."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class DisconnectingBackend(EmailBackend):
    """The SMTP server hangs up: a transient error."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(EmailBackend):
    """The SMTP server refuses the address: a permanent error."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})


class TimeoutOnQuitBackend(EmailBackend):
    """The server takes the message, then the connection times out on QUIT."""

    def close(self):
        raise TimeoutError("timed out")
