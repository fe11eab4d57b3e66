"""Admins of records nobody edits through the product (the audit log, login locks)."""
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by whoever holds the view permission; added, changed and deleted by nobody,
    superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
