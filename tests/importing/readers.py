"""Readers for read_ahead's tests. The workers import them by name, in processes without Django:
this module imports nothing of the archive but its parsing package."""

import multiprocessing
import os
import time

from speeches.parsing.pool import Document, read_speeches


def read_or_die(document: Document):
    """Reading kills the worker process that reads the file named 死; in the importing process it reads."""
    if document.name == "死.txt" and multiprocessing.parent_process() is not None:
        os._exit(1)
    return read_speeches(document)


def read_slowly(document: Document):
    """Notes the reading process's id in the file the document names, then reads for a long while."""
    with open(document.data, "a") as pids:
        pids.write(f"{os.getpid()}\n")
    time.sleep(120)
    return []
