"""Import of documents (and, through registered importers, what they carry) from files."""

from .formats import DocumentDraft, ParsedFile, Rejected
from .pipeline import (
    Duplicate,
    FileResult,
    Upload,
    import_files,
    import_text,
    supported_extensions,
)

__all__ = [
    "DocumentDraft",
    "Duplicate",
    "FileResult",
    "ParsedFile",
    "Rejected",
    "Upload",
    "import_files",
    "import_text",
    "supported_extensions",
]
