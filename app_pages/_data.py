"""The shared data every page reads, cached once per process: layers, crossings, filtered
layers, their overlay JSON, the land JSON, the manifest, the source register, the leg,
participants and gas-export tables; and how a page reports what failed to load.

Each cached loader is an st.cache_resource wrapper, keyed by the data folder, around a pure
function of the core. Nothing here knows about the session's own layers or the sidebar.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from corridormap import (
    analysis,
    catalog,
    config,
    filters,
    formatting,
    i18n,
    links,
    load,
    mapbuild,
    review,
    routing,
    settings,
)
from corridormap import store as _store_mod
from corridormap.filters import Filters
from corridormap.i18n import N_, _, gettext

logger = logging.getLogger(__name__)


def data_dir() -> str:
    """The data folder, read on every call so that ``CORRIDORMAP_DATA_DIR`` can change it."""
    return str(catalog.default_data_dir())


# ---------------------------------------------------------------------------------------------
# Cached loaders (pure functions underneath)
#
# st.cache_resource, not st.cache_data: cache_data pickles its value and unpickles a copy on
# every call, which for the layers was 39 % of a rerun (bench/results/profile.md). These values
# are read-only by contract: the core's functions never modify their inputs (filters return new
# frames), so every session can share one object.


# No spinner of the cache's own: its text is fixed when the function is decorated, so it would
# be English in every session; layers() shows one in the session's language instead.
@st.cache_resource(show_spinner=False)
def _layers(folder: str) -> load.Layers:
    # English: the problems of a broken layer are kept for every session, whatever the
    # language of the session that loaded it first
    with i18n.language(i18n.DEFAULT):
        return load.load_all(Path(folder))


#: The data folders whose layers this process has loaded: a run asks for the layers many
#: times, and only the first ask can take long enough to be worth a spinner (an empty cache
#: after a clear loads again without one).
_loaded: set[str] = set()


def layers() -> load.Layers:
    """Every shipped layer, validated once per process (broken layers are listed, not fatal)."""
    folder = data_dir()
    if folder in _loaded:
        return _layers(folder)
    with st.spinner(_("Loading layers…")):
        result = _layers(folder)
    _loaded.add(folder)
    return result


@st.cache_resource(show_spinner=False)
def _crossings(folder: str) -> dict[str, pd.Series]:
    result = _layers(folder)
    countries = result.frames.get(catalog.COUNTRIES.key)
    if countries is None:
        return {}
    return {
        spec.key: filters.feature_countries(spec, result.frames[spec.key], countries)
        for spec in catalog.LAYERS
        if spec.country_property is None and spec.key in result.frames
    }


def crossings() -> dict[str, pd.Series]:
    """Countries each feature lies in or crosses, computed once from the geometries."""
    return _crossings(data_dir())


#: Why the manifest could not be read (with the file's name, and the error's own words).
_MANIFEST_MISSING = N_("{file} is missing")
_MANIFEST_UNREADABLE = N_("{file} cannot be read: {error}")
_MANIFEST_NOT_JSON = N_("{file} is not valid JSON: {error}")
_MANIFEST_NOT_OBJECT = N_("{file} is not a JSON object (it holds a {type})")


@st.cache_resource(show_spinner=False)
def _manifest(folder: str) -> tuple[dict[str, Any], tuple[str, dict[str, str]] | None]:
    """The manifest, or {} and what is wrong with the file (a message and its values, put in
    the language where it is shown; logged in English; the Data page says it)."""
    path = Path(folder) / "manifest.json"
    values = {"file": path.name}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        message = _MANIFEST_MISSING
    except OSError as exc:
        message, values["error"] = _MANIFEST_UNREADABLE, str(exc.strerror)
    except ValueError as exc:  # not UTF-8 or not JSON
        message, values["error"] = _MANIFEST_NOT_JSON, str(exc)[:200]
    else:
        if isinstance(doc, dict):
            return dict(doc), None
        message, values["type"] = _MANIFEST_NOT_OBJECT, type(doc).__name__
    logger.warning("%s: %s", path, message.format(**values))
    return {}, (message, values)


@st.cache_resource(show_spinner=False)
def _source_register(folder: str) -> dict[str, str]:
    return _source_register_read(folder)[0]


@st.cache_resource(show_spinner=False)
def _source_register_read(folder: str) -> tuple[dict[str, str], str | None]:
    with i18n.language(i18n.DEFAULT):
        return load.read_source_register(Path(folder))


def source_register() -> dict[str, str]:
    """Source URL -> date of that page, for the dates beside each source on a card."""
    return _source_register(data_dir())


def manifest() -> dict[str, Any]:
    """The build's manifest (``data/manifest.json``); {} when it cannot be read."""
    return _manifest(data_dir())[0]


def manifest_problem() -> str | None:
    """What is wrong with ``data/manifest.json`` (in the language in force), or None when it
    was read."""
    problem = _manifest(data_dir())[1]
    if problem is None:
        return None
    message, values = problem
    return _(message).format(**values)


@st.cache_resource(show_spinner=False)
def _feature_names(folder: str) -> formatting.Names:
    return formatting.names_of(_layers(folder).frames)


def feature_names() -> formatting.Names:
    """The names of the countries, nodes and pipelines that codes in the data stand for (the
    countries' in the language in force; nodes and pipelines as the data names them)."""
    names = _feature_names(data_dir())
    return dataclasses.replace(names, countries=i18n.country_names(names.countries))


@st.cache_resource(show_spinner=False, max_entries=64)
def _newest_source(f: Filters, folder: str) -> date | None:
    return formatting.newest_source_date(_filtered(f, folder), _source_register(folder))


def newest_source(f: Filters) -> date | None:
    """The newest source date of the shipped features ``f`` shows (cached per filter set)."""
    return _newest_source(f, data_dir())


def asof_max() -> date:
    """The end of the as-of range: the latest dated event in the data."""
    return filters.latest_date(layers().frames)


def asof_limit() -> date:
    """The latest date the as-of pickers accept: the newest data date or today."""
    return links.asof_limit(asof_max())


def vocabulary() -> links.Vocabulary:
    return links.Vocabulary.from_frames(layers().frames, mapbuild.BASEMAP_KEYS, asof_max())


def country_names() -> dict[str, str]:
    countries = layers().frames.get(catalog.COUNTRIES.key)
    if countries is None:
        return {}
    return dict(zip(countries["iso3"], countries["name"], strict=True))


def names() -> filters.Names:
    """Country names for the filters' description, in the language in force."""
    return filters.Names(countries=i18n.country_names(country_names()))


def show_layer_errors(keys: tuple[str, ...] | None = None) -> None:
    """A clear error per broken layer this page needs; the page goes on with the others."""
    for key, err in layers().errors.items():
        if keys is None or key in keys:
            title = formatting.md_escape(_(catalog.get(key).title))
            st.error(
                _("**{title}** could not be loaded and is not shown.").format(title=title)
                + f"\n\n{problem_list(err)}"
            )


def problem_list(err: load.DataValidationError, limit: int = 20) -> str:
    """The problems as a markdown list; every text from the file is escaped (no code fence to
    break out of)."""
    lines = [f"- {formatting.md_escape(str(p))}" for p in err.problems[:limit]]
    if len(err.problems) > limit:
        lines.append("- " + _("… and {n} more").format(n=len(err.problems) - limit))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Filtered layers and what the map draws from them


@st.cache_resource(show_spinner=False, max_entries=64)
def _filtered(f: Filters, folder: str) -> dict[str, Any]:
    return filters.apply(_layers(folder).frames, f, _crossings(folder))


def filtered(f: Filters) -> dict[str, Any]:
    """The features every layer shows under ``f`` (cached per filter set)."""
    return _filtered(f, data_dir())


@st.cache_resource(show_spinner=False)
def _land_json(folder: str) -> str | None:
    land = _layers(folder).frames.get(catalog.COUNTRIES.key)
    return None if land is None else mapbuild.land_collection_json(land)


def land_json() -> str | None:
    """The land as the map's inline GeoJSON, serialised once per data folder."""
    return _land_json(data_dir())


@st.cache_resource(show_spinner=False, max_entries=64)
def _overlay_json(f: Filters, folder: str, lang: str) -> dict[str, str]:
    shown = _filtered(f, folder)
    with i18n.language(lang):
        return {
            spec.key: mapbuild.overlay_json(spec, shown[spec.key])
            for spec in catalog.LAYERS
            if spec.key in shown
        }


def overlay_json(f: Filters) -> dict[str, str]:
    """The browser payload of each shipped layer under ``f``, serialised once per filter set
    and language (its labels and tooltips are in the language: "Gabala 2025 (12-й)")."""
    return _overlay_json(f, data_dir(), i18n.current())


# ---------------------------------------------------------------------------------------------
# Tables


@st.cache_resource(show_spinner=False)
def _leg_table(folder: str) -> Any:
    frames = _layers(folder).frames
    if catalog.CORRIDOR_LEGS.key not in frames or catalog.COUNTRIES.key not in frames:
        return None
    return analysis.leg_table(frames[catalog.CORRIDOR_LEGS.key], frames[catalog.COUNTRIES.key])


def leg_table() -> Any:
    """Every leg with computed geodesic km and km per country (None if a layer is missing)."""
    return _leg_table(data_dir())


@st.cache_resource(show_spinner=False)
def _network(folder: str) -> routing.Network | None:
    frames = _layers(folder).frames
    needed = (catalog.CORRIDOR_LEGS.key, catalog.COUNTRIES.key, catalog.NODES.key)
    if any(k not in frames for k in needed):
        return None
    return routing.build_network(frames, _leg_table(folder))


def network() -> routing.Network | None:
    """The route planner's network (None if the legs, nodes or countries did not load)."""
    return _network(data_dir())


@st.cache_resource(show_spinner=False)
def _participants(folder: str) -> Any:
    try:
        with i18n.language(i18n.DEFAULT):  # (kept for every session: see _layers)
            return load.load_participants(Path(folder))
    except load.DataValidationError as exc:
        return exc


@st.cache_resource(show_spinner=False)
def _gas_exports(folder: str) -> Any:
    try:
        with i18n.language(i18n.DEFAULT):
            return load.load_gas_exports(Path(folder))
    except load.DataValidationError as exc:
        return exc


@st.cache_resource(show_spinner=False)
def _throughput(folder: str) -> Any:
    try:
        with i18n.language(i18n.DEFAULT):
            return load.load_throughput(Path(folder))
    except load.DataValidationError as exc:
        return exc


@st.cache_resource(show_spinner=False, max_entries=4)
def _review_items(
    folder: str, today: str
) -> tuple[list[review.ReviewItem], load.DataValidationError | None]:
    """The review queue, and the error that kept ``expectations.csv`` out of it (logged; the
    Data page says it): the queue then holds the stale sources and the layers' own dates."""
    problem: load.DataValidationError | None = None
    try:
        with i18n.language(i18n.DEFAULT):
            expected = load.load_expectations(Path(folder))
        expectations = review.expectations_from_rows(expected)
    except load.DataValidationError as exc:
        logger.warning("%s left out of the review queue", load.EXPECTATIONS_FILE, exc_info=exc)
        expectations, problem = [], exc
    rows = review.feature_rows(_layers(folder).frames)
    queue = review.review_queue(rows, expectations, date.fromisoformat(today), review.load_policy())
    return queue, problem


def review_items() -> list[review.ReviewItem]:
    """Facts due for review today (``corridormap review``), once per data folder and day."""
    return _review_items(data_dir(), date.today().isoformat())[0]


def show_data_file_problems() -> None:
    """A warning per data file the app reads beside the layers that could not be used: the
    manifest, the source register, the expectations behind the review queue."""
    problem = manifest_problem()
    if problem:
        st.warning(
            _("The data manifest could not be read, so the layers' provenance is not shown:")
            + " "
            + formatting.md_escape(problem),
            icon=":material/warning:",
        )
    register_problem = _source_register_read(data_dir())[1]
    if register_problem:
        st.warning(
            _(
                "The source register could not be read, so sources are shown without the date "
                "of their page:"
            )
            + " "
            + formatting.md_escape(register_problem),
            icon=":material/warning:",
        )
    err = _review_items(data_dir(), date.today().isoformat())[1]
    if err is not None:
        st.warning(
            _(
                "**{file}** could not be read, so what the sources expect is not in the review "
                "queue (the stale sources still are):"
            ).format(file=load.EXPECTATIONS_FILE)
            + f"\n\n{problem_list(err)}",
            icon=":material/warning:",
        )


def gas_exports() -> Any:
    """Gas exports by year, or the error that stopped the table loading."""
    return _gas_exports(data_dir())


def throughput() -> Any:
    """Throughput by year per corridor, or the error that stopped the table loading."""
    return _throughput(data_dir())


def participants() -> Any:
    """The OTS members and observers table, or the error that stopped it loading."""
    return _participants(data_dir())


# ---------------------------------------------------------------------------------------------
# The briefing store: one per process (its engine pools connections; it is thread-safe)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> _store_mod.Store:
    return _store_mod.open_store(url)


def store() -> _store_mod.Store:
    """The briefing store at ``CORRIDORMAP_DATABASE_URL`` (default: the embedded SQLite file),
    opened and migrated once per process."""
    return _store(_store_mod.database_url())


# ---------------------------------------------------------------------------------------------
# The Data page's tables of settings

#: What each kind of fact covers (``review.KIND_HELP``, whose English is these msgids; a test
#: keeps the two the same).
KIND_HELP = {
    review.IN_PROGRESS: N_("planned or under construction; summits not yet held"),
    review.CURRENT: N_("operational lines and pipelines, nodes, gas destinations, OTS membership"),
    review.RECORD: N_("summits held and the Gabala 2025 annotations: records of past events"),
}


def _origin(text: str) -> str:
    """Where a setting came from: "default" in the language; a file or variable as named."""
    return _("default") if text == config.DEFAULT else text


def policy_table(policy: review.Policy) -> pd.DataFrame:
    """The review policy, one row per kind, its headers and descriptions in the language."""
    return pd.DataFrame(
        [
            {
                _("kind"): row["kind"],
                _("max age (days)"): _("never")
                if row["max age (days)"] == "never"
                else row["max age (days)"],
                _("from"): _origin(row["from"]),
                _("env variable"): row["env variable"],
                _("covers"): gettext(KIND_HELP.get(row["kind"], row["covers"])),
            }
            for row in review.describe_policy(policy)
        ]
    )


def settings_table(limits: settings.Settings) -> pd.DataFrame:
    """The upload limits, one row per setting, its headers and descriptions in the language."""
    return pd.DataFrame(
        [
            {
                _("setting"): row["setting"],
                _("value"): row["value"],
                _("from"): _origin(row["from"]),
                _("env variable"): row["env variable"],
                _("what"): gettext(row["what"]) if row["what"] else "",
            }
            for row in settings.describe(limits)
        ]
    )
