"""One replica: warm the process-wide caches, then serve ``app.py`` with Streamlit.

    python deploy/serve.py [streamlit options...]   # e.g. --server.port=8501

Streamlit's ``/_stcore/health`` answers as soon as its server listens; starting the server
only after ``app_pages._warm.warm()`` makes that answer mean "can serve a first paint fast",
which is what the load balancer's and Kubernetes' health checks should mean. Every option
after the script name goes to ``streamlit run``; ``STREAMLIT_*`` environment variables work
as usual (``STREAMLIT_SERVER_PORT``, ``STREAMLIT_SERVER_BASE_URL_PATH`` ...).
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.chdir(REPO)  # .streamlit/config.toml and static/ are found from the working directory
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))

    from app_pages import _warm  # noqa: PLC0415 - after sys.path holds the app

    took = _warm.warm()
    print("warm start: " + json.dumps({k: round(v, 3) for k, v in took.items()}), flush=True)

    from corridormap import settings  # noqa: PLC0415

    # Streamlit's upload route caps each file at server.maxUploadSize (default 200 MB) from the
    # first request on: make it the users' file limit before the server starts.
    max_mb = max(1, math.ceil(settings.load_settings().max_mb))
    os.environ["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] = str(max_mb)

    from streamlit.web import cli  # noqa: PLC0415

    sys.argv = ["streamlit", "run", str(REPO / "app.py"), *args]
    cli.main()


if __name__ == "__main__":
    main()
