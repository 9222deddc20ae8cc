from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Actor, Annotation, Claim, Curation


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "project", "affiliation"]
    list_filter = ["project", "kind"]
    search_fields = ["name", "aliases", "notes"]
    list_select_related = ["project", "affiliation"]
    autocomplete_fields = ["affiliation"]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["label", "project", "parent"]
    list_filter = ["project"]
    search_fields = ["label", "description"]
    list_select_related = ["project", "parent"]
    autocomplete_fields = ["parent"]


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    list_display = [
        "quote_excerpt",
        "document",
        "actor",
        "claim",
        "stance",
        "created_by",
        "final",
        "deleted_at",
    ]
    list_filter = [
        "document__project",
        "stance",
        "final",
        ("deleted_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["quote", "note", "actor__name", "claim__label", "document__title"]
    list_select_related = ["document", "actor", "claim", "created_by"]
    raw_id_fields = ["document", "actor", "claim", "created_by", "deleted_by", "curated_from"]
    readonly_fields = ["quote", "version", "created_at", "updated_at"]

    @admin.display(description="quote")
    def quote_excerpt(self, obj: Annotation) -> str:
        return obj.quote if len(obj.quote) <= 80 else obj.quote[:79] + "…"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document__text", "document__original")


@admin.register(Curation)
class CurationAdmin(SimpleHistoryAdmin):
    list_display = ["document", "curated", "changed_by", "changed_at"]
    list_filter = ["curated", "document__project"]
    list_select_related = ["document", "changed_by"]
    raw_id_fields = ["document", "changed_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document__text", "document__original")
