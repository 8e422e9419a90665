"""Users of the back office and their roles."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    CREDIT_MANAGER = "credit_manager", _("Credit manager")
    COLLECTOR = "collector", _("Collector")
    SALES = "sales", _("Sales")


class EmailUserManager(UserManager):
    """Users log in with their email; the username is kept equal to it."""

    def _create_user(self, username, email, password, **extra):
        email = self.normalize_email(email or username)
        return super()._create_user(email, email, password, **extra)

    def create_user(self, email, password=None, **extra):
        return super().create_user(email, email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(email, email, password, **extra)


class User(AbstractUser):
    email = models.EmailField(_("email"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COLLECTOR)
    language = models.CharField(_("language"), max_length=5, default="fr")
    signature = models.TextField(_("signature"), blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def is_manager(self):
        return self.role in (Role.ADMIN, Role.CREDIT_MANAGER)


class Note(models.Model):
    """What a teammate writes on a customer's file. Notes are how sales and finance
    talk about a customer; each one also leaves a `note.added` row on the timeline."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="+", db_index=False)
    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE,
                                 related_name="notes")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True,
                               related_name="notes")
    text = models.TextField(_("note"))
    mentioned = models.ManyToManyField(User, related_name="mentioned_in", blank=True)
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.text[:50]


class Notification(models.Model):
    """Something a user should look at: for now, a note that mentions them. Unread
    while `read_at` is empty; the bell in the top bar counts those."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="notifications")
    text = models.CharField(_("text"), max_length=300)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.text
