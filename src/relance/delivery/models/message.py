"""The outbox: one message per action to deliver, and what was delivered.

A message is written in the same transaction as its action. Workers claim it with a
conditional UPDATE and a lease (relance.delivery.outbox), deliver it through its
channel, and record the outcome. Once sent, a message is an immutable snapshot of what
went out: recipients, subject, text, HTML and attachments, kept as evidence.
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relance.dunning.models.scenario import Channel


class MessageState(models.TextChoices):
    HELD = "held", _("Held for approval")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")
    DEAD = "dead", _("Failed")


class Postage(models.TextChoices):
    SIMPLE = "simple", _("Simple letter")
    REGISTERED = "registered", _("Registered letter with acknowledgement")


class Message(models.Model):
    """One delivery of one action through one channel.

    `available_at` is when a worker may next try; `lease_until` and `lease` belong to
    the worker holding it while `state` is "sending". A bounced email ends "dead" and a
    new message for the same action takes the next contact, or a letter.
    """

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="messages", db_index=False)
    action = models.ForeignKey("dunning.Action", on_delete=models.CASCADE,
                               related_name="messages", db_index=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=10, choices=MessageState.choices,
                             default=MessageState.PENDING)
    available_at = models.DateTimeField(_("to send from"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # the snapshot of what went out (written just before delivery, frozen once sent)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    copies = models.JSONField(_("copies"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    invoices = models.JSONField(_("invoices"), default=list, blank=True,
                                help_text=_("ids of the invoices the message is about"))
    # letters: how they were posted
    postage = models.CharField(_("postage"), max_length=12, choices=Postage.choices,
                               blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # what the workers scan: due messages, and expired leases
            models.Index(fields=["state", "available_at"], name="message_due"),
            models.Index(fields=["action"], name="message_action"),
            models.Index(fields=["state", "sent_at"], name="message_sent"),
            models.Index(fields=["company", "state"], name="message_company_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], condition=~Q(message_id=""),
                                    name="one_message_per_message_id"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk} ({self.get_state_display()})"


class Attachment(models.Model):
    """A file that went out with a message (invoice PDF, summary, letter)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE,
                                related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="delivery/%Y/%m/")
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name
