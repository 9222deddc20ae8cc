from django.urls import path

from .views import agreement, analysis, codebook, curation, network_statements, reader, trash

app_name = "annotate"

urlpatterns = [
    path(
        "projects/<slug:project>/documents/<int:document>/",
        reader.reader,
        name="reader",
    ),
    # The codebook, the trash and history.
    *codebook.urls(codebook.ACTORS),
    *codebook.urls(codebook.CLAIMS),
    path("projects/<slug:project>/trash/", trash.trash, name="trash"),
    path("projects/<slug:project>/trash/empty/", trash.empty, name="trash-empty"),
    path(
        "projects/<slug:project>/trash/<int:annotation>/restore/",
        trash.restore,
        name="trash-restore",
    ),
    path(
        "projects/<slug:project>/annotations/<int:annotation>/history/",
        trash.annotation_history,
        name="annotation-history",
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
    path("projects/<slug:project>/agreement/", agreement.agreement, name="agreement"),
    path(
        "projects/<slug:project>/documents/<int:document>/curation/",
        curation.curation,
        name="curation",
    ),
    path(
        "projects/<slug:project>/documents/<int:document>/curation/state/",
        curation.mark,
        name="curation-mark",
    ),
    path(
        "projects/<slug:project>/documents/<int:document>/curation/<int:annotation>/accept/",
        curation.accept,
        name="curation-accept",
    ),
    path(
        "projects/<slug:project>/documents/<int:document>/curation/<int:annotation>/reject/",
        curation.reject,
        name="curation-reject",
    ),
    path("projects/<slug:project>/matrix/", analysis.matrix, name="matrix"),
    path(
        "projects/<slug:project>/statements/export/",
        analysis.statements_export,
        name="statements-export",
    ),
    path("projects/<slug:project>/network/", analysis.network, name="network"),
    path(
        "projects/<slug:project>/network/statements/",
        network_statements.network_statements,
        name="network-statements",
    ),
]
