from django.urls import path

from .views import reader

app_name = "annotate"

urlpatterns = [
    path(
        "projects/<slug:project>/documents/<int:document>/",
        reader.reader,
        name="reader",
    ),
    path(
        "projects/<slug:project>/documents/<int:document>/annotations/",
        reader.annotation_create,
        name="annotation-create",
    ),
    path(
        "projects/<slug:project>/documents/<int:document>/annotations/<int:annotation>/",
        reader.annotation_edit,
        name="annotation-edit",
    ),
    path(
        "projects/<slug:project>/documents/<int:document>/annotations/<int:annotation>/delete/",
        reader.annotation_delete,
        name="annotation-delete",
    ),
    path(
        "projects/<slug:project>/documents/<int:document>/annotations/<int:annotation>/restore/",
        reader.annotation_restore,
        name="annotation-restore",
    ),
    path("projects/<slug:project>/suggest/actors/", reader.suggest_actors, name="suggest-actors"),
    path("projects/<slug:project>/suggest/claims/", reader.suggest_claims, name="suggest-claims"),
]
