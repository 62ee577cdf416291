"""The ``corridormap`` command line: validate, rebuild the layers, statistics, the review
queue, exports, routes, saved briefings (``briefings list|import|export``) and their database
(``db upgrade``). ``export`` and ``route`` write in the language ``--lang`` names (default English).

Exit codes: 0 success, 2 invalid input (with a message naming the file, feature and problem),
never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from corridormap import __version__, catalog, cli_store, i18n, load
from corridormap._errors import DataValidationError, Problem
from corridormap.cli_store import EXIT_INVALID, EXIT_OK
from corridormap.i18n import _


def _validate_briefings(paths: Sequence[Path], data_dir: Path) -> int:
    """Validate briefing files against the layers in ``data_dir``; return how many failed."""
    from corridormap import briefing  # folium only when needed

    if not paths:
        return 0
    vocab = briefing.default_vocabulary(data_dir)
    failed = 0
    for path in paths:
        try:
            b = briefing.load_briefing(path, vocab)
        except DataValidationError as exc:
            failed += 1
            print(f"FAIL {path}: {exc}", file=sys.stderr)
        else:
            print(f"ok   {path}: {len(b.scenes)} scenes ({b.title})")
    return failed


def _validate_tables(data_dir: Path) -> int:
    """The shipped tables the pages chart (gas exports, throughput): how many fail to load."""
    failed = 0
    tables = (
        (load.GAS_EXPORTS_FILE, load.load_gas_exports, "Azerbaijan's gas exports by year"),
        (load.THROUGHPUT_FILE, load.load_throughput, "throughput by year per corridor"),
    )
    for name, loader, title in tables:
        path = data_dir / "layers" / name
        try:
            frame = loader(data_dir)
        except DataValidationError as exc:
            failed += 1
            print(f"FAIL {path}: {exc}", file=sys.stderr)
        else:
            print(f"ok   {path}: {len(frame)} rows ({title})")
    return failed


def _validate(
    paths: Sequence[Path], data_dir: Path, *, repair: bool = False, strict: bool = False
) -> int:
    """Validate the shipped layers and briefings (no paths) or the named files: a ``.yaml``
    file as a briefing, any other against the layer spec matching its name."""
    from corridormap import briefing

    targets: list[tuple[catalog.LayerSpec | None, Path]]
    if paths:
        briefings = [p for p in paths if p.suffix.lower() in (".yaml", ".yml")]
        targets = [(load.spec_for_file(p), p) for p in paths if p not in briefings]
    else:
        briefings = list(briefing.list_briefings(briefing.briefings_dir(data_dir)).values())
        targets = [(spec, spec.path(data_dir)) for spec in catalog.LAYERS]
    failed = 0
    for spec, path in targets:
        if spec is None:
            # Not a shipped layer's file: check it as a user's layer, as the app would.
            result = _validate_user_file(path, repair=repair, strict=strict)
            if isinstance(result, str):
                print(f"ok   {path}: {result}")
                continue
            err = result
        else:
            try:
                gdf = load.load_layer(spec, path)
            except DataValidationError as exc:
                err = exc
            else:
                print(f"ok   {path}: {len(gdf)} features ({spec.title})")
                continue
        failed += 1
        print(f"FAIL {path}: {err}", file=sys.stderr)
    if not paths:
        failed += _validate_tables(data_dir)
    failed += _validate_briefings(briefings, data_dir)
    return EXIT_INVALID if failed else EXIT_OK


def _export_briefing(args: argparse.Namespace, data_dir: Path, frames: Any) -> bytes | str:
    """The bytes of a briefing export, or the message saying why there are none."""
    from corridormap import briefing, export

    vocab = export.vocabulary(frames)
    key: str = args.briefing
    path = briefing.briefings_dir(data_dir) / f"{key}.yaml"
    if key.endswith((".yaml", ".yml")) or "/" in key:
        path = Path(key)
    try:
        b = briefing.load_briefing(path, vocab)
    except DataValidationError as exc:
        known = ", ".join(briefing.list_briefings(briefing.briefings_dir(data_dir)))
        return f"{path}: {exc}\n(briefings: {known or 'none'})"
    for skipped in b.skipped:
        print(f"note {skipped} (left out)", file=sys.stderr)
    views = export.briefing_views(frames, b, vocab, register=load.load_source_register(data_dir))
    if args.format == "pdf":
        return export.pdf_briefing(b, views, frames, args.page)
    if args.format == "pptx":
        return export.pptx_briefing(b, views, frames)
    if args.format == "html":
        return export.html_briefing(b, views, frames).encode("utf-8")
    return export.png_briefing(views, frames, args.dpi)


def _own_layers(paths: Sequence[Path]) -> list[Any] | str:
    """Users' files for ``export --layer``, read exactly as the app reads an upload."""
    from corridormap import settings, upload

    limits = settings.load_settings()
    layers: list[upload.UserLayer] = []
    for i, path in enumerate(paths):
        try:
            layer = upload.read_user_file(
                path,
                settings=limits,
                index=i,
                taken=[x.spec.key for x in layers],
                taken_titles=[x.spec.title for x in layers],
            )
        except DataValidationError as exc:
            return f"--layer {path}: {exc}"
        for problem in (*layer.report.dropped, *layer.report.changes()):
            print(f"note --layer {path}: {problem}", file=sys.stderr)
        layers.append(layer)
    return layers


def _export_view(args: argparse.Namespace, data_dir: Path, frames: Any) -> bytes | str:
    """The bytes of a one-view export from link parameters, or why there are none."""
    from urllib.parse import parse_qs

    from corridormap import export, links

    query = parse_qs(str(args.params).lstrip("?"), keep_blank_values=True)
    state, notices = links.parse(query, export.vocabulary(frames))
    if notices:
        return "--params:\n" + "\n".join(f"  - {n}" for n in notices)
    if args.format in ("pdf", "pptx"):
        kind = args.format.upper()
        return f"--format {args.format} needs --briefing (a {kind} pack is made of scenes)"
    own = _own_layers(args.layer or [])
    if isinstance(own, str):
        return own
    view = export.state_view(
        frames,
        state,
        own=[layer.pair for layer in own],
        register=load.load_source_register(data_dir),
    )
    if args.format == "html":
        return export.html_view(view, frames).encode("utf-8")
    return export.png_view(view, frames, args.dpi)


def _export(args: argparse.Namespace, data_dir: Path) -> int:
    """Write an HTML, PNG, PDF or PowerPoint export of a briefing or of a link's view."""
    layers = load.load_all(data_dir)
    if layers.errors:
        for key, err in layers.errors.items():
            print(f"FAIL layer {key}: {err}", file=sys.stderr)
        return EXIT_INVALID
    if args.briefing is not None and args.layer:
        result: bytes | str = "--layer goes with --params (a briefing shows the shipped layers)"
    elif args.briefing is not None:
        result = _export_briefing(args, data_dir, layers.frames)
    else:
        result = _export_view(args, data_dir, layers.frames)
    if isinstance(result, str):
        print(f"FAIL {result}", file=sys.stderr)
        return EXIT_INVALID
    out: Path = args.output
    try:
        out.write_bytes(result)
    except OSError as exc:
        print(f"FAIL cannot write {out}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"wrote {out} ({len(result):,} bytes)")
    return EXIT_OK


def _lang(text: str) -> str:
    """A language code the product speaks (``--lang``), or argparse's error naming them all."""
    if text not in i18n.LANGUAGES:
        raise argparse.ArgumentTypeError(str(i18n.UnknownLanguageError(text)))
    return text


def _lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lang",
        type=_lang,
        default=i18n.DEFAULT,
        metavar="|".join(i18n.LANGUAGES),
        help="the language of what it writes for people (titles, legends, captions, dates, "
        "numbers): "
        + ", ".join(f"{c} ({n})" for c, n in i18n.LANGUAGES.items())
        + f"; default {i18n.DEFAULT}",
    )


def _dpi(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 30 <= value <= 600:
        raise argparse.ArgumentTypeError(f"must be between 30 and 600, got {value}")
    return value


def _validate_user_file(
    path: Path, *, repair: bool = False, strict: bool = False
) -> str | DataValidationError:
    """A summary of a user's file that reads cleanly, with every change made in reading on a
    line of its own; or every problem (dropped features too, and with ``strict`` the changes)."""
    from corridormap import settings, upload  # heavy imports only for this case

    try:
        layer = upload.read_user_file(path, settings=settings.load_settings(), repair=repair)
    except DataValidationError as exc:
        return exc
    report = layer.report
    changes = report.changes()
    if report.dropped or (strict and changes):
        strict_problems = [Problem(report.source, f"--strict: {c}") for c in changes]
        return DataValidationError([*report.dropped, *(strict_problems if strict else [])])
    lines = [f"{report.summary()} (read as your own layer)", *(f"  changed: {c}" for c in changes)]
    return "\n".join(lines)


def _build_data(data_dir: Path) -> int:
    from corridormap import build_data  # heavy imports only for this command

    try:
        written = build_data.build_all(data_dir, static_dir=data_dir.parent / "static")
    except DataValidationError as exc:
        print(f"build-data failed: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def _stats(fmt: str, data_dir: Path) -> int:
    """Corridor statistics as JSON (schema corridormap.stats/1, see the README) or a table."""
    from corridormap import analysis  # heavy imports only for this command

    needed = (catalog.CORRIDOR_LEGS.key, catalog.COUNTRIES.key)
    layers = load.load_all(data_dir, keys=needed)
    if layers.errors:
        for key, err in layers.errors.items():
            print(f"stats needs the {key} layer: {err}", file=sys.stderr)
        return EXIT_INVALID
    table = analysis.leg_table(layers[needed[0]], layers[needed[1]])
    doc = analysis.stats_json(table)
    if fmt == "json":
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{'corridor / route':58} {'legs':>4} {'computed km':>12} {'published km':>13}")
    for c in doc["corridors"]:
        print(f"{c['label']:58} {'':>4} {c['computed_km']:>12,.0f}")
        for r in c["routes"]:
            pub = "" if r["published_km"] is None else f"{r['published_km']:,.0f}"
            print(
                f"  {r['route_label'][:56]:56} {r['legs']:>4} {r['computed_km']:>12,.0f} {pub:>13}"
            )
            status = ", ".join(f"{k} {v:,.0f}" for k, v in r["km_by_status"].items())
            mode = ", ".join(f"{k} {v:,.0f}" for k, v in r["km_by_mode"].items())
            where = ", ".join(f"{k} {v:,.0f}" for k, v in r["km_by_country"].items())
            print(f"      status: {status}\n      mode: {mode}\n      countries: {where}")
            for item in r["published"]:
                print(
                    f"      published: {item['name']} {item['published_km']:,.1f} km "
                    f"(computed {item['computed_km']:,.1f} km)"
                )
    return EXIT_OK


def _route(args: argparse.Namespace, data_dir: Path) -> int:
    """The shortest route between two places (and its alternatives), or why there is none."""
    from corridormap import routing  # heavy imports only for this command

    layers = load.load_all(data_dir)
    needed = (catalog.CORRIDOR_LEGS.key, catalog.COUNTRIES.key, catalog.NODES.key)
    missing = [k for k in needed if k not in layers]
    if missing:
        for key in missing:
            print(
                _("route needs the {key} layer: {error}").format(
                    key=key, error=layers.errors.get(key)
                ),
                file=sys.stderr,
            )
        return EXIT_INVALID
    network = routing.build_network(layers.frames)
    try:
        query = routing.Query(
            origin=routing.resolve_place(network, args.origin),
            destination=routing.resolve_place(network, args.destination),
            when=routing.parse_scenario(args.asof),
            avoid=routing.parse_countries(_csv(args.avoid), network.country_names),
            modes=routing.parse_modes(_csv(args.modes)),
            alternatives=args.alternatives,
        )
        result = routing.plan(network, query)
    except routing.RoutingError as exc:
        print(f"route: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps(routing.plan_json(network, result), ensure_ascii=False, indent=2))
    else:
        print(routing.plan_text(network, result))
    return EXIT_OK


def _csv(values: Sequence[str] | None) -> list[str]:
    """Comma-separated option values (the option may also be repeated)."""
    return [v for text in values or () for v in text.split(",") if v.strip()]


def _alternatives(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value <= 5:
        raise argparse.ArgumentTypeError(f"must be between 0 and 5, got {value}")
    return value


def _today(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _max_age(text: str) -> tuple[str, str]:
    from corridormap import review

    kind, sep, days = text.partition("=")
    if not sep or kind not in review.KINDS:
        raise argparse.ArgumentTypeError(
            f"expected KIND=DAYS with KIND one of {', '.join(review.KINDS)}: {text!r}"
        )
    if isinstance(review.parse_age(days), str):
        raise argparse.ArgumentTypeError(f"not a number of days (or 'off'): {days!r}")
    return kind, days


def _review(args: argparse.Namespace, data_dir: Path) -> int:
    """Facts due for review on ``--today``: expectations fallen due, sources grown old."""
    from corridormap import review

    layers = load.load_all(data_dir)
    for key, err in layers.errors.items():
        print(f"note layer {key} not reviewed: {err}", file=sys.stderr)
    try:
        expectations = review.expectations_from_rows(load.load_expectations(data_dir))
    except DataValidationError as exc:
        print(f"note expectations not reviewed: {exc}", file=sys.stderr)
        expectations = []
    policy = review.load_policy(overrides=dict(args.max_age or []))
    for kind, origin in policy.sources.items():
        if "ignored" in origin:
            print(f"note {kind}: {origin}", file=sys.stderr)
    today: date = args.today or date.today()
    items = review.review_queue(review.feature_rows(layers.frames), expectations, today, policy)
    if args.format == "json":
        print(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2))
    else:
        print(f"due for review on {today.isoformat()}")
        print(review.table_text(items))
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="corridormap",
        description="Offline map dashboard for Eurasian connectivity: data tools.",
    )
    p.add_argument("--version", action="version", version=f"corridormap {__version__}")
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the data folder (default: the repository's data/ or $CORRIDORMAP_DATA_DIR)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate the shipped layers, or the files named")
    v.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files to check: a .yaml file is checked as a briefing; "
        "GeoJSON named like a shipped layer is checked against that "
        "layer; any other file (GeoJSON, GeoPackage, zipped Shapefile, KML, CSV) as a user's "
        "own layer",
    )
    v.add_argument(
        "--repair",
        action="store_true",
        help="users' files: repair invalid geometries (make_valid) instead of dropping them",
    )
    v.add_argument(
        "--strict",
        action="store_true",
        help="users' files: any change made in reading (a repair, a value left out) is an error",
    )
    sub.add_parser("build-data", help="rebuild data/layers and the manifest from data/sources")
    st = sub.add_parser(
        "stats",
        help="per corridor and route: computed and published km, km by status, mode and country",
    )
    st.add_argument("--format", choices=("table", "json"), default="table")
    rv = sub.add_parser(
        "review",
        help="facts due for review: expectations fallen due, sources older than their kind allows",
    )
    rv.add_argument(
        "--today", type=_today, default=None, help="the day to review for (default: today)"
    )
    rv.add_argument("--format", choices=("table", "json"), default="table")
    rv.add_argument(
        "--max-age",
        type=_max_age,
        action="append",
        metavar="KIND=DAYS",
        help="maximum source age for a kind of fact (in_progress, current, record); "
        "0 or 'off' turns it off; overrides [review] in .streamlit/corridormap.toml",
    )
    _export_parser(sub)
    _route_parser(sub)
    cli_store.add_parsers(sub)
    return p


def _route_parser(sub: Any) -> None:
    r = sub.add_parser(
        "route",
        help="the shortest route between two places over the corridor legs, by date or "
        "scenario, avoiding countries",
    )
    r.add_argument("origin", metavar="FROM", help="a node id (e.g. xian) or a place name")
    r.add_argument("destination", metavar="TO", help="a node id or a place name")
    r.add_argument(
        "--asof",
        default=None,
        metavar="DATE|planned",
        help="legs in service on DATE (YYYY-MM-DD), or 'planned': every leg, including planned "
        "and under construction (default: legs in service on the newest date of the data)",
    )
    r.add_argument(
        "--avoid",
        action="append",
        metavar="ISO3,...",
        help="countries the route must not cross (ISO3 codes, comma-separated)",
    )
    r.add_argument(
        "--modes",
        action="append",
        metavar="MODE,...",
        help="modes the route may use: rail, sea, road (default: all)",
    )
    r.add_argument(
        "--alternatives",
        type=_alternatives,
        default=0,
        metavar="K",
        help="also list up to K next-shortest routes (0-5)",
    )
    r.add_argument("--format", choices=("table", "json"), default="table")
    _lang_option(r)


def _export_parser(sub: Any) -> None:
    e = sub.add_parser(
        "export",
        help="export a briefing (pdf, pptx, html, png) or a view (html, png) for offline use",
    )
    what = e.add_mutually_exclusive_group(required=True)
    what.add_argument("--briefing", help="a briefing key in data/briefings (or a .yaml path)")
    what.add_argument(
        "--params",
        help="link parameters of a view, e.g. 'corridor=middle_corridor&asof=2025-10-07'",
    )
    e.add_argument(
        "--layer",
        action="append",
        type=Path,
        metavar="FILE",
        help="a user's own layer (GeoJSON, GeoPackage, zipped Shapefile, KML, CSV) to show on "
        "the view, read and checked as the app reads an upload; repeat for more",
    )
    e.add_argument("--format", required=True, choices=("pdf", "pptx", "html", "png"))
    e.add_argument("-o", "--output", required=True, type=Path, help="the file to write")
    e.add_argument(
        "--page",
        choices=("16:9", "a4"),
        default="16:9",
        help="PDF page: 16:9 slides (default) or A4 landscape for print",
    )
    e.add_argument(
        "--dpi",
        type=_dpi,
        default=144,
        help="PNG resolution (default 144: 1920 x 1080 px; 288 for print)",
    )
    _lang_option(e)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    data_dir: Path = args.data_dir or catalog.default_data_dir()
    if args.command == "validate":
        return _validate(args.paths, data_dir, repair=args.repair, strict=args.strict)
    if args.command == "build-data":
        return _build_data(data_dir)
    if args.command == "stats":
        return _stats(args.format, data_dir)
    if args.command == "export":
        with i18n.language(args.lang):
            return _export(args, data_dir)
    if args.command == "review":
        return _review(args, data_dir)
    if args.command == "route":
        with i18n.language(args.lang):
            return _route(args, data_dir)
    if args.command == "briefings":
        return cli_store.briefings(args, data_dir)
    if args.command == "db":
        return cli_store.db_upgrade()
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
