"""Helpers the tests share: plain functions, classes and constants, no fixtures.

- ``real_server``: a real ``python -m koerskaart serve`` process and phones against it
- ``infra``: real PostgreSQL and Redis servers, and ``require()`` for real components
"""
