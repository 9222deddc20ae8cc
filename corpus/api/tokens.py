"""POST /api/auth/token/: a script exchanges a username and password for its API token."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from .errors import ERRORS
from .parsers import LimitedJSONParser
from .writes import StrictFields


class TokenRequestSerializer(StrictFields, AuthTokenSerializer):
    """A username and a password, checked by DRF's own serializer."""


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token."""

    authentication_classes = ()
    throttle_classes = (TokenThrottle,)
    parser_classes = (LimitedJSONParser, FormParser)
    serializer_class = TokenRequestSerializer

    @extend_schema(
        summary="Get your API token with your username and password",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: ERRORS[400]},
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        finally:
            # The sign-in throttle marks the request it was given, which is DRF's; its
            # middleware reads Django's, and then answers 429 for the whole site alike.
            if getattr(request, "axes_locked_out", False):
                request._request.axes_locked_out = True  # type: ignore[attr-defined]
                request._request.axes_credentials = getattr(request, "axes_credentials", None)  # type: ignore[attr-defined]
