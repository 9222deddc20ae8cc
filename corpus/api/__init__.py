"""The REST API under /api/: the toolkit every endpoint uses, and the corpus's resources.

The toolkit: ``fields`` (ids in paths, filters and bodies), ``errors`` (the exception
handler, the error serializer, 412/413), ``parsers`` (JSON with a size limit),
``pagination``, ``rows`` (a list's page as plain values), ``authentication`` (tokens),
``schema`` (the OpenAPI hooks and Swagger UI) and ``links`` (absolute URLs). The
resources: ``projects``, ``members``, ``documents``, ``imports`` and ``tokens``, routed
by ``urls``.

Apps building on the corpus put their endpoints in their own ``api`` package, reuse this
toolkit, and map their own errors through ``corpus.hooks.register_api_error_handler``.
"""
