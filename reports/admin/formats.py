"""The spreadsheet formats offices use for row-shaped imports and exports."""
from import_export.formats.base_formats import CSV, XLSX


class TableFormats:
    """Only .xlsx and .csv: what a provincial office actually sends and opens."""

    import_formats = export_formats = [XLSX, CSV]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}
