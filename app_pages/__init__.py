"""Streamlit pages of corridormap: thin views over the ``corridormap`` core package.

Importing the package sends the warnings that ``corridormap`` and ``app_pages`` log (a file
that could not be read, a store that failed, each with its exception) to the server's
standard error, once per process.
"""

import logging

_HANDLER_MARK = "_corridormap_app_handler"


def _log_to_stderr() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    setattr(handler, _HANDLER_MARK, True)
    for name in ("corridormap", "app_pages"):
        logger = logging.getLogger(name)
        if not any(getattr(h, _HANDLER_MARK, False) for h in logger.handlers):
            logger.addHandler(handler)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)


_log_to_stderr()
