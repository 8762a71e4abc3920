"""Reading a batch of files on every core, while the caller writes what is already read.

An import reads a file (decoding, outline, segmentation, extraction) and then writes it. Reading
is plain computation on plain data and takes about half of an import's time, so for a batch the
next files are read in worker processes while the caller writes the current one: a batch of files
takes about as long as writing it, not reading plus writing.

    for item, read in read_ahead(items, readers=1):
        ...  # item: a Document (read: its speeches, or the UnreadableFile) or anything else (read: None)

Results come back in the order of `items`, so a batch imports in the same order as one read file
by file. The workers are forked from a small server process that has loaded only this package
and jieba's dictionary (multiprocessing's forkserver): never from the caller, which may hold
database connections and threads. A worker that dies takes no file with it: what it was reading
is read again in the caller, and so is the rest of the batch.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain
from pathlib import PurePosixPath

from .decoding import UnreadableFile
from .documents import DEFAULT_MAX_INFLATED
from .structures import ParsedSpeech


@dataclass(frozen=True)
class Document:
    """A file's bytes to read; `name` as the report will show it (a zip member as zip/member)."""

    name: str
    data: bytes
    max_inflated: int = DEFAULT_MAX_INFLATED
    key: object = None  # what the caller knows it by (an import job's file); the readers ignore it


Read = list[ParsedSpeech] | UnreadableFile


def read_speeches(document: Document) -> Read:
    """The speeches of one file with everything extraction finds in them, or why it is unreadable."""
    from . import parse_document
    from .extraction import extract

    try:
        speeches = parse_document(document.data, PurePosixPath(document.name).name, max_inflated=document.max_inflated)
        return [extract(speech) for speech in speeches]
    except UnreadableFile as error:
        return error


_END = object()
# Bytes of text that take about as long to read as starting the workers does (a second).
WORTH_A_POOL = 300_000
# Documents looked at before deciding: a batch of this many is worth the workers whatever their size.
_PEEK = 8


def read_ahead(
    items: Iterable[object], *, readers: int, read: Callable[[Document], Read] = read_speeches
) -> Iterator[tuple[object, Read | None]]:
    """Each item with what was read from it (None for an item that is not a Document), in order.

    `readers` processes read beside this one, which writes meanwhile. With none, or for a small
    batch (under WORTH_A_POOL bytes in fewer than eight documents), everything is read here. At most
    two documents per reader (eight at the start) are read ahead, so a large batch is never all in
    memory.
    `read` must be a module-level function: the workers import it by name."""
    items = iter(items)

    def here(item: object) -> Read | None:
        return read(item) if isinstance(item, Document) else None

    def submitted(item: object) -> Future | None:
        return executor.submit(read, item) if isinstance(item, Document) else None

    window: deque[object] = deque()
    held = documents = 0
    while (len(window) < 2 * readers or held < WORTH_A_POOL) and len(window) < _PEEK:
        if (item := next(items, _END)) is _END:
            break
        window.append(item)
        if isinstance(item, Document):
            held, documents = held + len(item.data), documents + 1
    # Starting the workers costs about a second: a small batch is read sooner here.
    if readers < 1 or documents < 2 or (held < WORTH_A_POOL and documents < _PEEK):
        for item in chain(window, items):
            yield item, here(item)
        return
    executor = ProcessPoolExecutor(max_workers=readers, mp_context=_context(), initializer=_end_with_parent)
    try:
        pending: deque[tuple[object, Future | None]] = deque((item, submitted(item)) for item in window)
        while pending:
            item, future = pending.popleft()
            if (nxt := next(items, _END)) is not _END:
                pending.append((nxt, submitted(nxt)))
            if future is None:
                yield item, None
                continue
            try:
                result = future.result()
            except BrokenProcessPool:
                # A worker was killed (out of memory, a signal): what is left is read here.
                yield item, read(item)
                for rest in chain((queued for queued, _ in pending), items):
                    yield rest, here(rest)
                return
            yield item, result
    finally:
        # An import stopped early (a caller that breaks off) does not wait for files it will not write.
        executor.shutdown(cancel_futures=True)


def _end_with_parent() -> None:
    """A worker ends when the process it reads for dies (a job worker killed mid-import): left to
    itself it would wait on its queue for ever."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_after, args=(parent,), daemon=True, name="end-with-parent").start()


def _exit_after(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    # The server loads this package and jieba's dictionary once; each worker is a fork of it.
    context.set_forkserver_preload([f"{__package__}.preload"])
    return context
