"""import_speeches that stalls in the middle of writing, for a test to kill it there.

    python -m tests.production.interrupted_import PATH...

With STALL_AFTER_SPEECHES=n it stops for good once the rows of the n-th speech are written
(inside the file's transaction, before the commit) and writes STALL_MARKER to say so.
"""

import os
import sys
import time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from speeches import importing  # noqa: E402

written = 0
store_commitments = importing.store_commitments


def store_then_stall(*args, **kwargs):
    global written
    rows = store_commitments(*args, **kwargs)
    written += 1
    if written == int(os.environ["STALL_AFTER_SPEECHES"]):
        Path(os.environ["STALL_MARKER"]).write_text("stalled")
        time.sleep(600)
    return rows


importing.store_commitments = store_then_stall
call_command("import_speeches", *sys.argv[1:])
