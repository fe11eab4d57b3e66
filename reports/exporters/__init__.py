"""What the product writes: workbooks (summary, one report, fill-in template) and Word documents."""

# The content types downloads are served with.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
