"""The legal tests read messages in English (French is the product's default): pages
are asked for with Accept-Language: en, everything else runs under English."""
import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
