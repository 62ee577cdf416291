"""A Streamlit session without a browser: the app's own protocol over its websocket.

A session is what a browser tab is to the server: an HTTP GET of the page (which is where a
load balancer sets its affinity cookie), then ``/_stcore/stream`` with that cookie, a
``BackMsg.rerun_script`` to run the page, and ``ForwardMsg``s back until ``script_finished``.
A filter change is a rerun whose ``widget_states`` carry the legend checkbox's new value, as
the browser sends it on a click. Thousands of these fit in one asyncio process, so a load
test measures the servers, not the machine's ability to run browsers.

A browser draws the map and the map reports it is drawn (``mapbuild.ReportDrawn``), which
reruns the page with the filters and tables a session's first run holds back
(``app_pages/_first.py``); a session here sends that report as the map's component value when
the map carries the reporting script.

What a session does not do: draw. The time from a change to ``script_finished`` is the
server's part of a repaint (queueing, the run, the bytes on the wire); the browser then draws
the map (measured with Chromium in ``drive.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect

FINISHED = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
MEDIA = re.compile(rb"/media/[0-9a-f]{16,}\.[a-z0-9]{2,5}")
COOKIE = "SERVERID"
REPORTS_DRAWN = "cmDrawnReported"  # in the script of a map that reports it is drawn
DRAWN = {"last_active_drawing": None, "drawn": True}  # the value that report sends


class SessionError(Exception):
    """What a user would have seen as a failure: an exception, a closed socket, a timeout."""


def _get(url: str, cookie: str | None, timeout: float) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=timeout) as resp:
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()


@dataclass
class Session:
    """One Streamlit session through ``url`` (the app's root, with a trailing slash)."""

    url: str
    timeout: float = 30.0
    cookie: str | None = None
    replica: str | None = None  # X-Replica of the page, when a proxy says it
    replicas_seen: set[str] = field(default_factory=set)
    checkboxes: dict[str, tuple[str, bool]] = field(default_factory=dict)  # key -> (id, value)
    reporting_map: str | None = None  # the id of a map that reports it is drawn
    runs: int = 0  # script runs finished
    bytes_received: int = 0
    media_checked: int = 0
    _ws: ClientConnection | None = None

    async def open(self) -> float:
        """Load the page and run it (and again on the map's report, as a browser does); seconds
        from the GET to the end of the last of those runs."""
        start = time.perf_counter()
        status, headers, _ = await asyncio.to_thread(_get, self.url, None, self.timeout)
        if status != 200:
            raise SessionError(f"GET {self.url}: {status}")
        set_cookie = headers.get("set-cookie", "")
        if set_cookie.startswith(f"{COOKIE}="):
            self.cookie = set_cookie.split(";", 1)[0]
        self._note_replica(headers.get("x-replica"))
        parts = urlsplit(self.url)
        ws_url = f"ws://{parts.netloc}{parts.path}_stcore/stream"
        self._ws = await connect(
            ws_url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            origin=f"http://{parts.netloc}",  # type: ignore[arg-type]
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            max_size=None,
            proxy=None,
            open_timeout=self.timeout,
        )
        response = self._ws.response
        if response is not None:
            self._note_replica(response.headers.get("x-replica"))
        raws = await self.run(WidgetStates())
        if self.reporting_map is not None:  # the map reports it is drawn, as in a browser
            report = WidgetState(id=self.reporting_map, json_value=json.dumps(DRAWN))
            self.reporting_map = None
            raws += await self.run(WidgetStates(widgets=[report]))
        media = [m for raw in raws for m in MEDIA.findall(raw)]
        if media:
            await self._check_media(media[0].decode())
        return time.perf_counter() - start

    def _note_replica(self, replica: str | None) -> None:
        if replica:
            self.replicas_seen.add(replica)
            self.replica = self.replica or replica

    async def _check_media(self, path: str) -> None:
        """A file the page links to comes from the replica that made it (else: 404)."""
        url = self.url.rstrip("/") + path[path.index("/media/") :]
        try:
            status, headers, _ = await asyncio.to_thread(_get, url, self.cookie, self.timeout)
        except OSError as exc:
            raise SessionError(f"GET {path}: {exc}") from exc
        if status != 200:
            raise SessionError(f"GET {path}: {status}")
        self._note_replica(headers.get("x-replica"))
        self.media_checked += 1

    async def run(self, widgets: WidgetStates) -> list[bytes]:
        """Send a rerun with these widget states; the raw messages until the run finished."""
        if self._ws is None:
            raise SessionError("not open")
        msg = BackMsg(rerun_script=ClientState(query_string="", widget_states=widgets))
        await self._ws.send(msg.SerializeToString())
        raws: list[bytes] = []
        deadline = time.perf_counter() + self.timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SessionError(f"no script_finished within {self.timeout:.0f} s")
            try:
                raw = await asyncio.wait_for(self._ws.recv(decode=False), left)
            except TimeoutError as exc:
                raise SessionError(f"no script_finished within {self.timeout:.0f} s") from exc
            except Exception as exc:  # the socket closed, or broke
                raise SessionError(f"websocket: {exc!r}") from exc
            data = raw if isinstance(raw, bytes) else raw.encode()
            self.bytes_received += len(data)
            raws.append(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                self._take_delta(fwd)
            elif kind == "script_finished":
                if fwd.script_finished in FINISHED:
                    self.runs += 1
                    return raws
                if fwd.script_finished == COMPILE_ERROR:
                    raise SessionError("the script did not compile")
            elif kind == "session_event" and fwd.session_event.WhichOneof("type") in (
                "script_compilation_exception",
            ):
                raise SessionError(str(fwd.session_event))

    def _take_delta(self, fwd: Any) -> None:
        delta = fwd.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            raise SessionError(f"exception in the app: {element.exception.message}")
        instance = element.component_instance if kind == "component_instance" else None
        if instance is not None and self.runs == 0 and REPORTS_DRAWN in instance.json_args:
            self.reporting_map = instance.id
        if kind == "checkbox":
            box = element.checkbox
            key = box.id.rsplit("-", 1)[-1]
            self.checkboxes[key] = (box.id, box.value if box.set_value else box.default)

    async def toggle(self, key: str) -> float:
        """Click the checkbox with this key; seconds until the run it causes finished."""
        if key not in self.checkboxes:
            raise SessionError(f"no checkbox {key!r} on the page")
        widget_id, value = self.checkboxes[key]
        widgets = WidgetStates(widgets=[WidgetState(id=widget_id, bool_value=not value)])
        start = time.perf_counter()
        await self.run(widgets)
        return time.perf_counter() - start

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
            self._ws = None
