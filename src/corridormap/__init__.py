"""corridormap: an offline-capable map dashboard for Eurasian connectivity.

The core package (everything under ``corridormap``) never imports streamlit: it holds the
layer catalog, loading and validation, filters, geodesic measures, styling, map building,
exports and the command line. The Streamlit face lives in ``app.py`` and ``app_pages/``.

Each module logs through ``logging.getLogger(__name__)``; as a library the package adds only a
``NullHandler``: the app (``app_pages``) sends the records to the server's log, and the
command line prints every problem itself.
"""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
