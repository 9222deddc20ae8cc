from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from rest_framework.authtoken.models import Token

from corpus import services
from corpus.access import acting_user


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
