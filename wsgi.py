"""WSGI entry point, e.g. `gunicorn -k gevent -w 1 wsgi:app` (the gevent worker patches first)."""

from koerskaart import create_app, heap

app = create_app()
heap.settle()  # the same garbage-collector settings as `python -m koerskaart serve`
