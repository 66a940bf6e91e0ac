"""WSGI entry point, e.g. `gunicorn -k gevent -w 1 wsgi:app` (the gevent worker patches first)."""

from koerskaart import create_app, heap
from koerskaart.__main__ import quiet_failures
from koerskaart.config import async_mode
from koerskaart.live.logs import quiet

# Rule 8: gunicorn's error log names a bad request's client address and quotes its request
# line (and logs a failed request's URL with its traceback); its access log is all of that.
quiet("gunicorn.error", "gunicorn.access")
quiet_failures(async_mode())  # failed greenlets and threads in one line, as under `serve`
app = create_app()
heap.settle()  # the same garbage-collector settings as `python -m koerskaart serve`
