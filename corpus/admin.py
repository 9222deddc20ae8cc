from django.contrib import admin

from .models import Document, Membership, Project


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
