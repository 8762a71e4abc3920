"""Login throttling for the staff login (django-axes), and where a client's address comes from."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a login from an address that failed too often; lets every other login through.

    A login without a request is not a web login: the test client's `login()` and scripts
    call `authenticate()` so. Nobody can guess passwords that way from outside, so there is
    nothing to count, and the next backend decides as usual.
    """

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the outermost of DJANGO_PROXY_COUNT trusted proxies saw it.

    Each proxy appends the address it was reached from to X-Forwarded-For, so the entries a
    client wrote itself stand to the left of those: counting from the right cannot be spoofed.
    """
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return request.META.get("REMOTE_ADDR")
    forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()]
    if len(forwarded) < proxies:
        # Reached without passing every proxy: the direct peer is the best we know.
        return request.META.get("REMOTE_ADDR")
    return forwarded[-proxies]
