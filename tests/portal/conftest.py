import pytest
from django.urls import reverse

from tests.portal import world


@pytest.fixture
def story(db, settings, tmp_path):
    settings.PORTAL_UPLOAD_ROOT = tmp_path / "uploads" / "portal"
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    return world.build()


@pytest.fixture
def debtor(client, story):
    """A client inside Retard & Fils's portal."""
    world.portal_client(client, story["late"])
    return client


@pytest.fixture
def english_debtor(debtor):
    """The same debtor, having switched the portal to English (the portal follows the
    customer's language and the debtor's choice, not the browser's)."""
    debtor.post(reverse("portal:language"), {"language": "en"})
    return debtor
