from django.urls import path

from .views import reader

app_name = "annotate"

urlpatterns = [
    path(
        "projects/<slug:project>/documents/<int:document>/",
        reader.reader,
        name="reader",
    ),
]
