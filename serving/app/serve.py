"""The `maeum ui` server process: start building the pipeline, then run Streamlit in it.

    python -m serving.app.serve run serving/app/main.py --server.port=8501 ...

takes `streamlit`'s own arguments. Before Streamlit's server starts, a thread starts the
pipeline build (`runtime.start_pipeline`, the same `st.cache_resource` the script uses), so
Kiwi, safety, the emotion model and the encoder load while Streamlit starts, the browser
loads the page and the person signs in, instead of from the first page view on. Running
`streamlit run serving/app/main.py` directly is the same app; its build starts at the first
page view.
"""

from __future__ import annotations

import logging
import sys
import threading

log = logging.getLogger("maeum.app")


def prebuild() -> None:
    """Start the build once per process; a failure here is left to the first page view,
    which tries again and shows the error in Korean."""
    try:
        from serving.app import runtime

        runtime.start_pipeline(runtime.load_settings())
    except Exception:  # noqa: BLE001 — the script reports it to the person
        log.warning("could not start building the pipeline before the first page view", exc_info=True)


def _log_to_terminal() -> None:
    """maeum's own INFO lines (the build's "chat pipeline ready in …") on the server's stderr;
    Streamlit keeps its own loggers."""
    logger = logging.getLogger("maeum")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def main(argv: list[str] | None = None) -> int:
    _log_to_terminal()
    # Streamlit is imported here, before the thread starts, so the two threads never import
    # the same modules at once.
    from streamlit.web import cli

    threading.Thread(target=prebuild, name="maeum-prebuild", daemon=True).start()
    return cli.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="streamlit")


if __name__ == "__main__":
    raise SystemExit(main())
