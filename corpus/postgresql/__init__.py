"""Django's PostgreSQL backend with two savings on every request (see ``base``)."""
