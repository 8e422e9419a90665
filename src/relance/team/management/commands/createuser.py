import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from relance.team.models import Role, User


class Command(BaseCommand):
    help = "Create (or update the password and role of) a back-office user."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", choices=Role.values, default=Role.COLLECTOR)
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the password from the first line of standard input")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, email, role, password_stdin, first_name, last_name, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address") from None
        password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
        if password_stdin and not password:
            raise CommandError("--password-stdin: standard input held no password")
        user, created = User.objects.get_or_create(
            email=email, defaults={"username": email, "first_name": first_name,
                                   "last_name": last_name})
        user.role = role
        user.is_staff = role in (Role.ADMIN, Role.CREDIT_MANAGER)
        user.is_superuser = role == Role.ADMIN
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.save()
        self.stdout.write(f"{'created' if created else 'updated'} {email} ({role})")
