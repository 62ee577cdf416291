"""The command line's saved briefings and their database: ``corridormap briefings
list|import|export`` and ``corridormap db upgrade``.

The CLI is an operator's tool on the server. It acts as the local principal (local mode's
briefings: everything made in the app without sign-in), or, with --owner ISS|SUB, as that
signed-in user (their own briefings and those naming --email as an editor). It opens the
database at CORRIDORMAP_DATABASE_URL (default: the embedded SQLite file under var/).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from corridormap._errors import DataValidationError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2


def _printable(text: str) -> str:
    """Text for a terminal: control and format characters (escape sequences, bidi
    overrides) shown as ``\\uXXXX``, never acted on."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def _actor(args: argparse.Namespace) -> Any:
    from corridormap import store

    if args.owner is None:
        return store.LOCAL
    return store.Principal(args.owner, args.email, args.owner)


def _open_store(url: str | None = None) -> Any:
    """The store, or a message (the URL shown without its password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from corridormap import store

    try:
        url = url or store.database_url()
        return store.open_store(url)
    except store.StoreError as exc:
        return str(exc)
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True) if url else "?"
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return f"cannot open the database at {shown}: {reason}"


def _briefings_list(args: argparse.Namespace) -> int:
    opened = _open_store()
    if isinstance(opened, str):
        print(f"FAIL {opened}", file=sys.stderr)
        return EXIT_FAILED
    try:
        items = opened.list(_actor(args))
    finally:
        opened.close()
    if args.format == "json":
        rows = [
            {
                "id": b.id,
                "title": b.title,
                "scenes": b.scenes,
                "updated": b.updated.isoformat(),
                "version": b.version,
                "owner": b.owner_name,
                "role": b.role,
                "link_shared": b.link_shared,
            }
            for b in items
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not items:
        print("no saved briefings")
        return EXIT_OK
    print(f"{'ID':<16}  {'UPDATED (UTC)':<16}  {'SCENES':>6}  TITLE")
    for b in items:
        when = b.updated.strftime("%Y-%m-%d %H:%M")
        print(f"{b.id:<16}  {when:<16}  {b.scenes:>6}  {_printable(b.title)}")
    return EXIT_OK


def _briefings_import(args: argparse.Namespace, data_dir: Path) -> int:
    from corridormap import briefing, store

    path: Path = args.file
    try:
        b = briefing.load_briefing(path, briefing.default_vocabulary(data_dir))
        document = briefing.read_document(path)
    except DataValidationError as exc:
        print(f"FAIL {path}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for skipped in b.skipped:
        print(f"note {skipped} (kept, but not shown while the layer is missing)", file=sys.stderr)
    opened = _open_store()
    if isinstance(opened, str):
        print(f"FAIL {opened}", file=sys.stderr)
        return EXIT_FAILED
    try:
        saved = opened.create(_actor(args), document, message=f"imported from {path.name}")
    except store.StoreError as exc:
        print(f"FAIL {path}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        opened.close()
    print(f"imported {path} as {saved.id}: {len(b.scenes)} scenes ({_printable(b.title)})")
    return EXIT_OK


def _briefings_export(args: argparse.Namespace) -> int:
    from corridormap import briefing, store

    opened = _open_store()
    if isinstance(opened, str):
        print(f"FAIL {opened}", file=sys.stderr)
        return EXIT_FAILED
    try:
        saved = opened.get(_actor(args), args.id)
    except store.StoreError as exc:
        print(f"FAIL {_printable(args.id)}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        opened.close()
    text = briefing.document_yaml(saved.document)
    out: Path = args.output
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"FAIL cannot write {out}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(
        f"wrote {out} (revision {saved.revision}, {len(saved.document.get('scenes', []))} scenes)"
    )
    return EXIT_OK


def db_upgrade() -> int:
    """``corridormap db upgrade``: the schema at its head, and what the database holds."""
    from corridormap.store import _engine

    opened = _open_store()
    if isinstance(opened, str):
        print(f"FAIL {opened}", file=sys.stderr)
        return EXIT_FAILED
    try:
        at = _engine.current(opened.engine)
        shown = opened.engine.url.render_as_string(hide_password=True)
        count = opened.count()
    finally:
        opened.close()
    print(f"database {shown} is at schema revision {at} (head); {count} saved briefings")
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    """The ``briefings`` and ``db`` commands, on the command line's subparsers."""
    b = sub.add_parser(
        "briefings",
        help="saved briefings in the database (CORRIDORMAP_DATABASE_URL): list, import, export",
    )
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument(
        "--owner",
        default=None,
        metavar="ISS|SUB",
        help="act as this signed-in user (their principal id: the OIDC issuer, |, and subject); "
        "default: the local user (the briefings made without sign-in)",
    )
    who.add_argument(
        "--email",
        default=None,
        help="with --owner: the user's e-mail, for the briefings naming it as an editor",
    )
    bsub = b.add_subparsers(dest="briefings_command", required=True)
    ls = bsub.add_parser("list", parents=[who], help="the saved briefings, newest first")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    im = bsub.add_parser(
        "import",
        parents=[who],
        help="save a YAML briefing in the database (checked as the shipped briefings are)",
    )
    im.add_argument("file", type=Path, metavar="FILE.yaml")
    ex = bsub.add_parser(
        "export",
        parents=[who],
        help="write a saved briefing as YAML (which `corridormap export --briefing` reads)",
    )
    ex.add_argument("id", metavar="ID", help="the briefing's id (see `briefings list`)")
    ex.add_argument("-o", "--output", required=True, type=Path, help="the .yaml file to write")
    d = sub.add_parser("db", help="the briefing database (CORRIDORMAP_DATABASE_URL)")
    dsub = d.add_subparsers(dest="db_command", required=True)
    dsub.add_parser("upgrade", help="create or migrate the database's tables to the newest schema")


def briefings(args: argparse.Namespace, data_dir: Path) -> int:
    """``corridormap briefings list|import|export``."""
    if args.briefings_command == "list":
        return _briefings_list(args)
    if args.briefings_command == "import":
        return _briefings_import(args, data_dir)
    return _briefings_export(args)
