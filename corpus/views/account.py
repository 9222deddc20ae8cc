from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from rest_framework.authtoken.models import Token

from corpus import services
from corpus.access import acting_user
from corpus.middleware import is_api_request


@never_cache
@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """Show the user's API token; a POST makes a new one and retires the old."""
    if request.method == "POST":
        services.rotate_api_token(user=acting_user(request))
        messages.success(request, "Your new API token is ready; the old one no longer works.")
        return redirect("corpus:api-token")
    token = Token.objects.filter(user=acting_user(request)).values_list("key", flat=True).first()
    return render(
        request,
        "corpus/api_token.html",
        {
            "token": token,
            "token_url": request.build_absolute_uri(reverse("api:token")),
            "api_url": request.build_absolute_uri(reverse("api:api-root")),
            "docs_url": reverse("api:docs"),
        },
    )


def signin_locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a sign-in refused for too many failures (django-axes'
    AXES_LOCKOUT_CALLABLE): 429 with Retry-After, as JSON at the API's token endpoint
    and as the sign-in page with the reason elsewhere."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    message = (
        "Too many failed sign-in attempts for this account or from your address; "
        f"try again in {max(1, seconds // 60)} minutes."
    )
    response: HttpResponse
    if is_api_request(request):
        response = JsonResponse({"detail": message}, status=429)
    else:
        username = (credentials or {}).get("username") or ""
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form, "locked_out": message, "next": request.POST.get("next", "")}
        response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
