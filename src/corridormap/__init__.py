"""corridormap: an offline-capable map dashboard for Eurasian connectivity.

The core package (everything under ``corridormap``) never imports streamlit: it holds the
layer catalog, loading and validation, filters, geodesic measures, styling, map building,
exports and the command line. The Streamlit face lives in ``app.py`` and ``app_pages/``.
"""

__version__ = "0.1.0"
