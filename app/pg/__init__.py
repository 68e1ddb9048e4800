"""Workspaces on a PostgreSQL server: addresses and credentials, the live listener.

Qt-free like the rest of ``app``. ``psycopg`` (3) is imported only by the modules that connect,
so a workspace file never loads it.
"""
