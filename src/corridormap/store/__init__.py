"""The briefing store: briefings made in the app, saved in a database (SQLite by default,
PostgreSQL when deployed) with revisions, optimistic locking, sharing and a trash.

The agreed API (docs for the app and the CLI): ``open_store(database_url())`` gives a
``Store``; every method takes the acting ``Principal`` (``LOCAL`` in local mode).
"""

from corridormap.store._engine import (
    ENV_VAR,
    StoreError,
    Unavailable,
    database_url,
    default_path,
)
from corridormap.store.api import (
    GUEST,
    LOCAL,
    MAX_SCENES,
    MAX_TITLE,
    BriefingSummary,
    Conflict,
    Forbidden,
    NotFound,
    Principal,
    RevisionInfo,
    Role,
    SavedBriefing,
    Store,
    check_document,
    open_store,
)
from corridormap.store.merge import diff_documents, merge_documents

__all__ = [
    "ENV_VAR",
    "GUEST",
    "LOCAL",
    "MAX_SCENES",
    "MAX_TITLE",
    "BriefingSummary",
    "Conflict",
    "Forbidden",
    "NotFound",
    "Principal",
    "RevisionInfo",
    "Role",
    "SavedBriefing",
    "Store",
    "StoreError",
    "Unavailable",
    "check_document",
    "database_url",
    "default_path",
    "diff_documents",
    "merge_documents",
    "open_store",
]
