"""HTTP pieces every app shares: typing for htmx requests, and responses that stream
under both kinds of server.

Django's ``StreamingHttpResponse`` over a synchronous iterator streams under WSGI, but
under ASGI (uvicorn, ``make serve``) it first reads the whole iterator into a list, in
memory, and only then sends it: an export of 100,000 annotations would wait for its last
row and hold every byte. :class:`StreamingResponse` and :class:`FileDownload` take the
same synchronous iterator or file, stream it as before under WSGI, and under ASGI take
one chunk at a time from it in the request's own thread (``sync_to_async``, thread
sensitive), which is where the view ran and where its database connection belongs: the
iterator's queries (a server-side cursor on PostgreSQL) run on that connection, and the
request's end (``response.close()``, in the same thread) closes the iterator and hands
the connection back. Each chunk is sent before the next is made, so memory stays that
of a chunk and the first bytes leave at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


_END = object()


def _next_chunk(chunks: Iterator[bytes]) -> Any:
    # StopIteration cannot cross from a thread into a coroutine; a marker can.
    return next(chunks, _END)


class StreamingResponse(StreamingHttpResponse):
    """A ``StreamingHttpResponse`` that streams under ASGI as under WSGI: a synchronous
    iterator is read a chunk at a time, not whole."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.is_async:
            async for part in self.streaming_content:  # type: ignore[union-attr]
                yield part
            return
        chunks = iter(self.streaming_content)  # type: ignore[arg-type]
        take = sync_to_async(_next_chunk, thread_sensitive=True)
        while (part := await take(chunks)) is not _END:
            yield part


class FileDownload(StreamingResponse, FileResponse):
    """A ``FileResponse`` (length, file name, closing the file) that streams under ASGI
    as under WSGI."""
