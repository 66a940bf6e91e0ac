"""Helpers the tests share: plain functions, classes and constants, no fixtures.

- ``apps``: a fresh app on in-memory SQLite with the test deck installed
- ``proefdeck``: the test deck's file and the indexes of its cards
- ``players``: phones in-process, on Flask's and Flask-SocketIO's test clients
- ``users``: accounts, and test clients logged in as them
- ``summaries``: a table played to the end, for the summary and report tests
- ``real_server``: a real ``python -m koerskaart serve`` process and phones against it
- ``infra``: real PostgreSQL and Redis servers, and ``require()`` for real components
"""
