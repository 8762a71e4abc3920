"""ETag and Last-Modified, so readers and caches can ask "has it changed?" and get a 304.

The ETag is a digest of the body itself: always right, whatever changed the rows (an import, a
staff edit, a re-extraction). Last-Modified is the newest import or staff change the audit log
records; `Cache-Control: no-cache` makes browsers ask again each time rather than guess from it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from ..models import Speech


def archive_last_modified() -> datetime | None:
    """When the archive last changed, as far as imports and the admin's log tell."""
    imported = Speech.objects.aggregate(newest=Max("imported_at"))["newest"]
    changed = LogEntry.objects.filter(content_type__app_label="speeches").aggregate(newest=Max("action_time"))["newest"]
    return max((moment for moment in (imported, changed) if moment is not None), default=None)


def conditional_response(request: HttpRequest, response: HttpResponse, last_modified: datetime | None = None):
    """`response` with its validators set, or a 304 when the request already holds this version."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render"):
        response.render()
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, public=True, no_cache=True)
    timestamp = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


class ConditionalGetMixin:
    """For API views: every successful GET carries an ETag and Last-Modified and may be a 304."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        return conditional_response(request, response, archive_last_modified())
