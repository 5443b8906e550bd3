"""A publisher to kill: ``python -m tests.graph._publish_worker LOCATION RECORDS TAG``.

Prints ``progress <phase> <done> <total>`` after every batch (flushed, so the
crash test can pick its moment) and ``published`` at the end. Neo4j
credentials come from NEO4J_USER / NEO4J_PASSWORD.
"""

from __future__ import annotations

import os
import sys

from graph import open_store
from tests.graph._synth import synthetic_publication


def main(location: str, records: int, tag: str) -> None:
    pub = synthetic_publication(records, tag)
    store = open_store(location, user=os.environ.get("NEO4J_USER"), password=os.environ.get("NEO4J_PASSWORD"))

    def progress(phase: str, done: int, total: int) -> None:
        sys.stdout.write(f"progress {phase} {done} {total}\n")
        sys.stdout.flush()

    sys.stdout.write("publishing\n")
    sys.stdout.flush()
    store.publish(pub, progress=progress)
    store.close()
    sys.stdout.write("published\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
