"""Tests that read messages in English (French is the product's default): pages are
asked for with Accept-Language: en, everything else runs under English. A conftest
makes it apply to its folder with `from tests.support.english import in_english`."""
import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
