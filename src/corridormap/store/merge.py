"""Pure helpers for two versions of a briefing: a readable diff, and a three-way merge."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from typing import Any


def _yaml_lines(doc: Mapping[str, Any]) -> list[str]:
    from corridormap import briefing  # noqa: PLC0415 - folium only when needed

    return briefing.document_yaml(dict(doc)).splitlines()


def diff_documents(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    old_name: str = "before",
    new_name: str = "after",
) -> list[str]:
    """A unified diff of the two documents' YAML, one line per item (empty: the same)."""
    return list(
        difflib.unified_diff(
            _yaml_lines(old), _yaml_lines(new), fromfile=old_name, tofile=new_name, lineterm=""
        )
    )


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _scene_name(number: int, scene: Any) -> str:
    title = scene.get("title") if isinstance(scene, Mapping) else None
    return f'scene {number} "{title}"' if isinstance(title, str) and title else f"scene {number}"


_MISSING: Any = object()


def _pick(name: str, base: Any, mine: Any, theirs: Any, conflicts: list[str]) -> Any:
    """One value three ways: whoever changed it wins; both, differently: theirs, and said."""
    if _same(mine, theirs):
        return theirs
    if _same(base, mine):
        return theirs
    if _same(base, theirs):
        return mine
    conflicts.append(f"{name}: both changed it; their version was kept")
    return theirs


def _merge_scenes(
    base: Sequence[Any], mine: Sequence[Any], theirs: Sequence[Any], conflicts: list[str]
) -> list[Any]:
    """Scenes by position; scenes added at the end by either side are all kept."""
    out: list[Any] = []
    for i in range(max(len(base), len(mine), len(theirs))):
        b = base[i] if i < len(base) else _MISSING
        m = mine[i] if i < len(mine) else _MISSING
        t = theirs[i] if i < len(theirs) else _MISSING
        number = i + 1
        if b is _MISSING:
            # added past the common end: keep both sides' additions (theirs first)
            continue
        if m is _MISSING and t is _MISSING:
            continue
        if m is _MISSING or t is _MISSING:
            kept = t if m is _MISSING else m
            if _same(kept, b):  # one side removed it, the other left it alone
                continue
            who = "you" if t is _MISSING else "they"
            conflicts.append(
                f"{_scene_name(number, b)}: {'they' if who == 'you' else 'you'} removed it "
                f"and {who} changed it; the changed scene was kept"
            )
            out.append(kept)
            continue
        if isinstance(b, Mapping) and isinstance(m, Mapping) and isinstance(t, Mapping):
            scene: dict[str, Any] = {}
            for key in [
                *t.keys(),
                *(k for k in m if k not in t),
                *(k for k in b if k not in m and k not in t),
            ]:
                value = _pick(
                    f"{_scene_name(number, t)}, {key}",
                    b.get(key, _MISSING),
                    m.get(key, _MISSING),
                    t.get(key, _MISSING),
                    conflicts,
                )
                if value is not _MISSING:
                    scene[key] = value
            out.append(scene)
        else:
            out.append(_pick(_scene_name(number, t), b, m, t, conflicts))
    common = len(base)
    out.extend(theirs[common:])
    out.extend(s for s in mine[common:] if not any(_same(s, x) for x in theirs[common:]))
    return out


def merge_documents(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Three-way merge of two edits of ``base``, by top-level field and by scene position.

    What only one side changed is taken from that side; where both changed the same thing
    differently, theirs (what is saved) is kept and a line in the list says what.
    """
    conflicts: list[str] = []
    merged: dict[str, Any] = {}
    keys = [*theirs.keys(), *(k for k in mine if k not in theirs)]
    keys += [k for k in base if k not in keys]
    for key in keys:
        b, m, t = base.get(key, _MISSING), mine.get(key, _MISSING), theirs.get(key, _MISSING)
        if key == "scenes" and all(isinstance(x, list) for x in (b, m, t)):
            merged[key] = _merge_scenes(b, m, t, conflicts)
            continue
        value = _pick(key, b, m, t, conflicts)
        if value is not _MISSING:
            merged[key] = value
    return merged, conflicts
