"""WSGI entry point, e.g. `gunicorn -k gevent -w 1 wsgi:app` (the gevent worker patches first)."""

from koerskaart import create_app

app = create_app()
