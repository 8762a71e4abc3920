"""Page-number pagination with a cap on the page size, refusing page numbers that are not numbers."""

import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

_POSITIVE = re.compile(r"[1-9][0-9]{0,8}")


def _positive(name: str, value: str) -> int:
    if not _POSITIVE.fullmatch(value):
        raise ValidationError({name: ["须为正整数。"]})
    return int(value)


class ArchivePagination(PageNumberPagination):
    """`count`, `next`, `previous` and `results`; `page_size` up to MAX_PAGE_SIZE (more is cut to it).

    A page past the last is 404, as in DRF; a page number or size that is not a positive whole
    number is 400, like any other value the API cannot use."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def get_page_number(self, request, paginator):
        return _positive(self.page_query_param, request.query_params.get(self.page_query_param) or "1")

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size
        return min(_positive(self.page_size_query_param, value), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "页码，从 1 开始。",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"每页条数，默认 {self.page_size}，最多 {self.max_page_size}（更大的值按 {self.max_page_size} 计）。",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
