"""Joining and playing a table: pages, forms and the /play socket namespace."""
