"""A client process that appends to the stand-in journal on the server (``tests/pg_standin.py``).

``python tests/pg_append_worker.py CONNINFO COUNT TAG``: connects, prints ``ready``, blocks until
a line arrives on stdin (the test's ``go``, sent to every worker at once), appends COUNT acts with
payloads ``TAG-1`` … and prints ``done``. Anything on stderr is a failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import pg_standin  # noqa: E402
import psycopg  # noqa: E402


def main() -> None:
    conninfo, count, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        print("ready", flush=True)
        sys.stdin.readline()
        for i in range(1, count + 1):
            pg_standin.append(conn, f"{tag}-{i}")
    print("done", flush=True)


if __name__ == "__main__":
    main()
