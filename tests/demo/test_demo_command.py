"""`relance demo --no-serve` prepares the database once; running it again changes nothing."""
import pytest
from django.core.management import call_command

from relance.demo.management.commands.demo import DEMO_PASSWORD
from relance.ledger.models import Company, Event, Invoice, Payment
from relance.team.models import User


def volumes():
    return [model.objects.count() for model in (Company, User, Invoice, Payment, Event)]


@pytest.mark.django_db
def test_demo_loads_once_and_the_demo_login_works(capsys):
    call_command("demo", "--no-serve")
    first = capsys.readouterr().out
    assert "200 customers" in first and "3000 invoices" in first
    loaded = volumes()
    password = User.objects.get(email="demo@relance.example").password

    call_command("demo", "--no-serve")

    assert "no demo data loaded" in capsys.readouterr().out
    assert volumes() == loaded
    demo_user = User.objects.get(email="demo@relance.example")
    assert demo_user.password == password  # not even re-hashed
    assert demo_user.check_password(DEMO_PASSWORD) and demo_user.is_superuser


@pytest.mark.django_db
def test_demo_adds_no_known_password_to_a_database_it_did_not_make(capsys):
    Company.objects.create(name="Une vraie société SAS")
    call_command("demo", "--no-serve")
    assert not User.objects.filter(email="demo@relance.example").exists()
    assert "no demo data loaded" in capsys.readouterr().out
