"""How every API list pages (the default in settings, so peer endpoints page alike)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from corpus.ids import whole_number


class IdCursorPagination(CursorPagination):
    """Pages in id order: ids never change and new rows sort last, so a client walking
    the pages while others write sees every row exactly once.

    A ``page_size`` outside 1 to ``max_page_size`` is refused (400), not quietly
    replaced by the default, so a client never mistakes a short page for the end.
    """

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        number = whole_number(raw)
        if number is not None and 1 <= number <= self.max_page_size:
            return number
        raise serializers.ValidationError(
            {self.page_size_query_param: [f"A page holds 1 to {self.max_page_size:,} items."]}
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = f"Items per page, 1 to {self.max_page_size:,}."
        return parameters
