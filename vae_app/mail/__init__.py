"""Outgoing e-mail: every message is written to the outbox in the transaction of the act it reports, in its
recipient's language, with its attachments; a worker delivers it by SMTP, once, with retries."""
