from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assignment, Document, Invitation, Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role", "created_at"]
    list_filter = ["role", "project"]
    search_fields = ["user__username", "project__name"]
    list_select_related = ["project", "user"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "source_name", "published_at", "language", "created_at"]
    list_filter = ["project", "source_name", "language"]
    search_fields = ["title", "source_name", "author", "source_url"]
    date_hierarchy = "published_at"
    list_select_related = ["project"]
    readonly_fields = ["content_hash", "original_filename", "original_encoding", "created_by"]
    exclude = ["original"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text", "original")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["project", "role", "email", "created_by", "created_at", "expires_at", "status"]
    list_filter = ["role", "project"]
    list_select_related = ["project", "created_by"]
    # The link itself is never stored; its hash says nothing, so it is not shown.
    exclude = ["token_hash"]
    readonly_fields = ["created_by", "accepted_by", "accepted_at", "revoked_by", "revoked_at"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["document", "annotator", "assigned_by", "created_at", "done_at"]
    list_filter = ["document__project"]
    list_select_related = ["document", "annotator", "assigned_by"]
    raw_id_fields = ["document", "annotator", "assigned_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document__text", "document__original")
