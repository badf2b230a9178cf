def test_client_address_is_the_connecting_address_without_trusted_proxies(settings):
    from django.test import RequestFactory

    from panah.core.middleware import client_address

    settings.PANAH_TRUSTED_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert client_address(request) == "10.0.0.2"


def test_client_address_behind_one_proxy_is_the_last_forwarded_entry(settings):
    from django.test import RequestFactory

    from panah.core.middleware import client_address

    settings.PANAH_TRUSTED_PROXIES = 1
    # The client claimed 6.6.6.6; the proxy appended the address it saw.
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    assert client_address(request) == "203.0.113.7"


def test_nul_character_in_an_api_query_is_a_422_naming_it(client, db):
    response = client.get("/api/geo/areas", {"q": "Pesh\x00awar"})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "q", "message": "Must not contain a NUL character.", "code": "null_character"}
    ]


def test_nul_character_in_a_page_query_is_a_400(client, db):
    response = client.get("/feedback/status/", {"x": "\x00"})

    assert response.status_code == 400
