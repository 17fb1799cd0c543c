"""A stop always ends on a freshly drawn page: after a stop the server runs the script once more.

Why: when the stop button (st.chat_input's submit_mode="stop") stops a run, Streamlit's
browser keeps what that run had drawn and does not clear the rest, so a stop early in a run
could leave a page without its header or conversation. A stop that lands before the run's
thread has started the script is worse: the run never starts or finishes, the browser waits
for it (the input stays disabled) and the message it carried is dropped.

So, once per process, `install()` wraps AppSession's handler of the browser's stop request:
after the stopped run's thread has shut down, the session starts one fresh run (same page and
query string, so the sign-in token stays; no widget triggers, so nothing is sent twice). A
run the stop caught before it started is replayed instead, with STOP_AT_ONCE set in the
session state, so its message is stored and its reply shown as stopped.

This uses private Streamlit API (AppSession._handle_stop_script_request, _scriptrunner,
_create_scriptrunner, ScriptRequests' pending rerun; read in Streamlit 1.67). It is kept in
this one module: if any of it is missing, `install()` returns False and Streamlit's own stop
behaviour stays (a stopped page then redraws on the next message).
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("maeum.app")

STOP_AT_ONCE = "maeum_stop_at_once"  # session-state flag: store the replayed message, stop its reply
POLL_S = 0.05   # how often to look whether the stopped run's thread has ended
WAIT_S = 60.0   # a run blocked longer than this in one call is left to Streamlit

_lock = threading.Lock()
_installed: bool | None = None


def install() -> bool:
    """Wrap the stop handler once per process; False when this Streamlit lacks what it needs."""
    global _installed
    with _lock:
        if _installed is not None:
            return _installed
        try:
            from streamlit.runtime.app_session import AppSession, AppSessionState
            from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequestType

            original = AppSession._handle_stop_script_request
            needed = (AppSessionState.SHUTDOWN_REQUESTED, ScriptRequestType.RERUN,
                      AppSession._create_scriptrunner)
        except (ImportError, AttributeError):
            log.warning("this Streamlit has no stop handler to wrap: stops keep Streamlit's behaviour")
            _installed = False
            return False
        del needed

        def stop_then_redraw(session) -> None:
            runner = getattr(session, "_scriptrunner", None)
            pending = _unstarted_rerun(runner, ScriptRequestType.RERUN)
            original(session)
            if runner is None:
                return  # nothing was running: the page is whole
            try:
                loop = session._event_loop
                loop.call_later(POLL_S, _redraw_when_stopped, session, runner, pending, RerunData,
                                AppSessionState.SHUTDOWN_REQUESTED, loop.time() + WAIT_S)
            except Exception:  # noqa: BLE001 — never break the stop itself
                log.warning("could not schedule the redraw after a stop", exc_info=True)

        AppSession._handle_stop_script_request = stop_then_redraw
        _installed = True
        return True


def _unstarted_rerun(runner, rerun_type):
    """The rerun the stop will drop (queued, not yet run: it carries the user's message), or None."""
    requests = getattr(runner, "_requests", None)
    if requests is None:
        return None
    with requests._lock:
        if requests._state == rerun_type:
            return requests._rerun_data
    return None


def _redraw_when_stopped(session, runner, pending, rerun_data_cls, shutdown_state, deadline) -> None:
    """On the session's event loop: once the stopped runner is gone, start one fresh run."""
    try:
        if session._state == shutdown_state:
            return  # the tab closed
        current = session._scriptrunner
        if current is runner:
            if session._event_loop.time() < deadline:
                session._event_loop.call_later(POLL_S, _redraw_when_stopped, session, runner, pending,
                                               rerun_data_cls, shutdown_state, deadline)
            return
        if current is not None:
            return  # the browser already started another run (a new message, a click)
        if pending is not None:
            session._session_state[STOP_AT_ONCE] = True
            rerun = pending
        else:
            state = session._client_state
            rerun = rerun_data_cls(query_string=state.query_string, page_script_hash=state.page_script_hash)
        session._create_scriptrunner(rerun)
    except Exception:  # noqa: BLE001 — the page stays as Streamlit left it
        log.warning("could not redraw the page after a stop", exc_info=True)
