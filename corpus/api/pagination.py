"""How every API list pages (the default in settings, so peer endpoints page alike)."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages in id order: ids never change and new rows sort last, so a client walking
    the pages while others write sees every row exactly once."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
