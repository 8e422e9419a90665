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
