from django.urls import path

from . import views

app_name = "annotate"

urlpatterns = [
    path(
        "projects/<slug:project>/documents/<int:document>/",
        views.reader,
        name="reader",
    ),
]
