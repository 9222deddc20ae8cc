"""The REST API for the codebook (actors, claims), annotations and networks.

Every queryset, and every related field's queryset, is the caller's (``visible_to``):
another project's objects answer 404 or "does not exist", never their data. Writes bind
a serializer, check the caller's role (``corpus.access``) and call ``annotate.services``,
the same services the reader page calls. The toolkit (ids, errors, parsers, paging) is
``corpus.api``'s; ``errors`` maps the annotation services' own errors into it.
"""
