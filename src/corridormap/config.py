"""The one settings helper: values read from defaults < ``.streamlit/corridormap.toml`` <
environment variables (< the command line), each with where it came from.

``read_layered`` serves every section of the file: ``[upload]`` (``settings.load_settings``)
and ``[review]`` (``review.load_policy``). A section names its values; each is read from the
file's ``[section] key``, then from ``PREFIX + KEY`` in the environment, then from the
caller's overrides. A value that cannot be used is ignored, logged, and its provenance says
why (``default; env CORRIDORMAP_UPLOAD_MAX_MB ignored (not a positive number: '-1')``), so a
typo never stops the app and is never silent; an unreadable file is named under ``_file``.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

logger = logging.getLogger(__name__)

#: The settings file, relative to where the app or the command line runs.
TOML_FILE: Final = Path(".streamlit") / "corridormap.toml"
#: The provenance of a value no layer set.
DEFAULT: Final = "default"
#: Where ``Layered.sources`` names an unreadable settings file.
FILE_PROBLEM: Final = "_file"


@dataclass(frozen=True, slots=True)
class Layered:
    """The values some layer set (name -> parsed value) and every value's provenance."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


def read_section(path: Path, section: str) -> tuple[dict[str, Any], str | None]:
    """The ``[section]`` table of a TOML file ({} when the file or the section is missing),
    and why the file was ignored, if it was."""
    try:
        with path.open("rb") as fh:
            table = tomllib.load(fh).get(section, {})
    except FileNotFoundError:
        return {}, None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        logger.warning("settings file %s ignored", path, exc_info=exc)
        return {}, f"{path} ignored: {exc}"
    return (table if isinstance(table, dict) else {}), None


def read_layered(
    section: str,
    keys: Mapping[str, str],
    parse: Callable[[str, Any], Any],
    *,
    env_prefix: str,
    toml_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    overrides_from: str = "override",
) -> Layered:
    """Each value of ``keys`` (name -> key in the file) from the file's ``[section]``, then the
    environment (``env_prefix + KEY``), then ``overrides`` (name -> raw value, named
    ``"<overrides_from> <name>"``). ``parse(name, raw)`` returns the value or raises
    ``ValueError`` saying why it cannot be used."""
    env = os.environ if env is None else env
    path = TOML_FILE if toml_path is None else toml_path
    table, file_problem = read_section(path, section)
    out = Layered()
    if file_problem is not None:
        out.sources[FILE_PROBLEM] = file_problem
    for name, key in keys.items():
        env_name = env_prefix + key.upper()
        for origin, raw in (
            (f"{path} [{section}] {key}", table.get(key)),
            (f"env {env_name}", env.get(env_name)),
            (f"{overrides_from} {name}", (overrides or {}).get(name)),
        ):
            if raw is None:
                continue
            try:
                value = parse(name, raw)
            except ValueError as exc:
                logger.warning("setting %s: %s ignored (%s)", name, origin, exc)
                out.sources[name] = f"{out.sources.get(name, DEFAULT)}; {origin} ignored ({exc})"
                continue
            out.values[name] = value
            out.sources[name] = origin
    return out
