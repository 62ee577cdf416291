"""Upload limits: defaults, overridden by ``.streamlit/corridormap.toml``, then by env vars.

``[upload]`` in the TOML file takes the field names below (``max_mb = 5``); each environment
variable is ``CORRIDORMAP_UPLOAD_`` plus the field name in capitals (``CORRIDORMAP_UPLOAD_MAX_MB``).
A value that is not a positive number is ignored (the default stays) and the table of settings
says so, so a typo never stops the app. The layers are read by ``config.read_layered``, the one
settings helper (``review`` reads its ``[review]`` section through it too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final

from corridormap import config, load
from corridormap.i18n import N_

ENV_PREFIX: Final = "CORRIDORMAP_UPLOAD_"
TOML_FILE: Final = config.TOML_FILE
TOML_SECTION: Final = "upload"

_HELP: Final = {
    "max_mb": N_("largest file accepted, in MB"),
    "max_features": N_("most features (or CSV rows) in one file"),
    "max_vertices": N_("most coordinate pairs in one file, and in any one feature"),
    "max_nesting": N_("deepest JSON nesting accepted (GeoJSON needs about 6)"),
    "max_zip_members": N_("most files in a zip archive"),
    "max_unzipped_mb": N_("largest total uncompressed size of a zip archive, in MB"),
    "max_zip_ratio": N_("largest compression ratio of any zip member (zip bombs exceed it)"),
    "max_columns": N_("most properties (columns) per feature"),
    "max_layers": N_("most own layers one browser session holds at once"),
    "session_mb": N_(
        "most MB of uploaded files one browser session holds at once (before and "
        "while they are read)"
    ),
    "server_mb": N_(
        "most MB of uploaded files the whole server holds at once, all sessions together"
    ),
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits for users' files. ``sources`` says where each value came from."""

    max_mb: float = 20.0
    max_features: int = 20_000
    max_vertices: int = 500_000
    max_nesting: int = load.MAX_NESTING
    max_zip_members: int = 20
    max_unzipped_mb: float = 200.0
    max_zip_ratio: float = 200.0
    max_columns: int = 200
    max_layers: int = 10
    session_mb: float = 40.0
    server_mb: float = 200.0
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)

    @property
    def session_bytes(self) -> int:
        return int(self.session_mb * 1024 * 1024)

    @property
    def server_bytes(self) -> int:
        return int(self.server_mb * 1024 * 1024)

    @property
    def max_unzipped_bytes(self) -> int:
        return int(self.max_unzipped_mb * 1024 * 1024)

    def source(self, name: str) -> str:
        return self.sources.get(name, "default")


def names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Settings) if f.name != "sources")


def _coerce(name: str, raw: Any) -> int | float:
    """A positive number of the field's type, or ``ValueError`` saying it is not one."""
    default = getattr(Settings(), name)
    why = f"not a positive number: {str(raw)[:40]!r}"
    try:
        value = float(str(raw).strip()) if not isinstance(raw, int | float) else float(raw)
    except ValueError:
        raise ValueError(why) from None
    if isinstance(raw, bool) or not (value > 0 and value != float("inf")):
        raise ValueError(why)
    if isinstance(default, int):
        if value != int(value):
            raise ValueError(why)
        return int(value)
    return value


def load_settings(toml_path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the TOML file's ``[upload]`` section, then environment variables
    (``config.read_layered``)."""
    layered = config.read_layered(
        TOML_SECTION,
        {name: name for name in names()},
        _coerce,
        env_prefix=ENV_PREFIX,
        toml_path=toml_path,
        env=env,
    )
    return replace(Settings(**layered.values), sources=layered.sources)


def describe(settings: Settings) -> list[dict[str, str]]:
    """One row per setting: name, value, where it came from, what it limits (in English, the
    message id: the app shows it with ``gettext``)."""
    return [
        {
            "setting": name,
            "value": f"{getattr(settings, name):g}",
            "from": settings.source(name),
            "env variable": ENV_PREFIX + name.upper(),
            "what": _HELP.get(name, ""),
        }
        for name in names()
    ]
