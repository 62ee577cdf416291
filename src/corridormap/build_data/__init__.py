"""Build the shipped layers from ``data/sources`` (and nothing outside the repository).

``build_all(data_dir)`` reads ``data_dir/"sources"`` and writes the seven GeoJSON layers, the
``ots_participants.csv`` table and ``manifest.json``. The output is byte-identical on every run
(and on another machine with the same shapely/GEOS): the JSON is written here, with the
catalog's property order, fixed rounding, sorted features and no timestamps.

One module per layer family (``countries``, ``corridors``, ``gas``, ``summits``), beside
``sources`` (reading the inputs), ``geojson`` (writing features) and ``build`` (``build_all``
and the manifest). ``python -m corridormap.build_data`` runs the build (``__main__``).

``extract_region_sources`` is the one-off step that made the Natural Earth region subset in
``data/sources`` from the reference copies; the build itself never calls it.
"""

from __future__ import annotations

from corridormap.build_data.build import build_all
from corridormap.build_data.corridors import build_corridors, build_nodes
from corridormap.build_data.countries import (
    build_countries,
    extract_region_sources,
    load_region_countries,
    simplify_countries,
)
from corridormap.build_data.gas import build_gas_destinations, build_pipelines
from corridormap.build_data.geojson import dumps_collection, geometry_json
from corridormap.build_data.sources import REFERENCE_COMPILED, BuildError, SourceDates
from corridormap.build_data.summits import build_annotations, build_summits

__all__ = [
    "REFERENCE_COMPILED",
    "BuildError",
    "SourceDates",
    "build_all",
    "build_annotations",
    "build_corridors",
    "build_countries",
    "build_gas_destinations",
    "build_nodes",
    "build_pipelines",
    "build_summits",
    "dumps_collection",
    "extract_region_sources",
    "geometry_json",
    "load_region_countries",
    "simplify_countries",
]
