"""Reading a large input in a second process while this one scores its records.

:func:`read_ahead` gives a :class:`~pairing_rules.io.RecordStream` whose file is read
and validated by a forked child process, while this process scores and writes
the records it has already received.  The child runs the very reader this
process would run (the stream it is given, copied by the fork), so the records,
rejections and notices, and any error that ends the reading, are the same and
come in the same order; only where the work is done differs.  Records cross in
batches as the state pickling gives them (``__getstate__``), laid out once per
batch for the fields they share, and are rebuilt here as unpickling would
rebuild them (``__new__`` and ``__setstate__``).

The child is used only where a fork is safe and pays: on Linux, when this
process runs no other thread (a fork copies only the thread calling it, and a
lock another thread holds would stay held in the child), and for an input of at
least :data:`AHEAD_BYTES`, unless ``PAIRING_RULES_READ_AHEAD=0`` says otherwise.
Otherwise the stream is read here, as before.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

from .._location import Location
from ._readers import RecordStream
from ._tabular import Entry

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from .._models import Record

#: inputs from this size on are read in a second process (1 MiB: some 5,000 rows of a CSV file).
#: A 200,000-row CSV file is scored to JSON in 0.73× the time of one process so
#: (``benchmarks/run.py``); a 1,500-row workbook (190 kB) is no faster, and it is read here
AHEAD_BYTES: Final = 1 << 20
#: records sent together: large enough that pickling lays a batch's shared parts out once
BATCH: Final = 500


def wanted() -> bool:
    """Whether a second process may read: unless ``PAIRING_RULES_READ_AHEAD`` is ``0``."""
    return os.environ.get("PAIRING_RULES_READ_AHEAD", "").strip() != "0"


def fork_is_safe() -> bool:
    """Whether this process may fork a reader: on Linux, with no thread but the caller's."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def read_ahead(
    stream: RecordStream, record_types: Mapping[str, type[Record]], *, size: int
) -> RecordStream:
    """``stream``, read in a second process when the input is large and a fork is safe.

    Call it before iterating ``stream`` (and before starting any thread).

    :param record_types: the record types ``stream`` reads (as given to
        :func:`~pairing_rules.io.open_records`).
    :param size: the input file's size in bytes.
    """
    if size < AHEAD_BYTES or stream.started or not wanted() or not fork_is_safe():
        return stream
    try:
        return _AheadStream(stream, list(dict.fromkeys(record_types.values())))
    except OSError:  # no process could be started (a limit on processes): read here
        return stream


class _Encoder:
    """Entries as compact batches: each record as its pickling state, the field names, the
    fields set, the collection and the place in the file given once per batch."""

    def __init__(self, types: list[type[Record]]) -> None:
        self.types = {t: n for n, t in enumerate(types)}

    def encode(self, batch: list[Entry]) -> bytes:
        shapes: dict[Any, int] = {}
        rows: list[Any] = []
        for collection, index, location, record in batch:
            kind = self.types.get(type(record))
            state = record.__getstate__() if kind is not None else None
            if (
                state is None
                or state.get("__pydantic_extra__") is not None
                or state.get("__pydantic_private__") is not None
            ):  # not of a record type read, or with more than fields: pickled whole
                rows.append((-1, collection, index, location, record))
                continue
            fields = state["__dict__"]
            at = None
            if location is not None:  # the row apart: the rest is shared by the batch
                at = location.row
                location = Location(location.file, location.sheet, None, location.column)
            names = tuple(fields)
            key = (kind, collection, location, names, frozenset(state["__pydantic_fields_set__"]))
            shape = shapes.get(key)
            if shape is None:
                shape = shapes[key] = len(shapes)
            rows.append((shape, index, at, tuple(fields.values())))
        return pickle.dumps(("entries", (list(shapes), rows)), pickle.HIGHEST_PROTOCOL)


def _decode(types: list[type[Record]], payload: Any) -> Iterator[Entry]:
    shapes, rows = payload
    for shape, *rest in rows:
        if shape == -1:
            yield Entry(*rest)
            continue
        index, at, values = rest
        kind, collection, place, names, fields_set = shapes[shape]
        cls = types[kind]
        record = cls.__new__(cls)
        record.__setstate__(
            {
                "__dict__": dict(zip(names, values, strict=True)),
                "__pydantic_fields_set__": set(fields_set),
                "__pydantic_extra__": None,
                "__pydantic_private__": None,
            }
        )
        location = None if place is None else Location(place.file, place.sheet, at, place.column)
        yield Entry(collection, index, location, record)


def _child(stream: RecordStream, types: list[type[Record]], conn: Connection) -> None:
    """The reading process: every entry, in batches, then the rejections and notices (or the
    error that ended the reading, after the entries read before it)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is this process's parent's to handle
    encoder = _Encoder(types)
    batch: list[Entry] = []
    error: Exception | None = None
    try:
        try:
            for entry in stream:
                batch.append(entry)
                if len(batch) == BATCH:
                    conn.send_bytes(encoder.encode(batch))
                    batch = []
        except Exception as exc:  # the reading's own error, raised where the entries are read
            error = exc
        if batch:
            try:
                conn.send_bytes(encoder.encode(batch))
            except (BrokenPipeError, ConnectionResetError):
                raise
            except Exception as exc:  # a batch that cannot be sent: that is the error then
                error = exc
        if error is None:
            conn.send_bytes(pickle.dumps(("end", (stream.rejected, stream.notices))))
        else:
            conn.send_bytes(_error_blob(error, stream))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the parent stopped reading (it failed, or was interrupted): nothing to send to
    finally:
        conn.close()


def _error_blob(error: Exception, stream: RecordStream) -> bytes:
    """The error that ended the reading, with the rejections and notices found before it; an
    error that cannot be pickled as a :class:`RuntimeError` carrying its traceback."""
    try:
        return pickle.dumps(("error", (error, stream.rejected, stream.notices)))
    except Exception:
        text = "".join(traceback.format_exception(error))
        return pickle.dumps(("error", (RuntimeError(text), stream.rejected, stream.notices)))


class _AheadStream(RecordStream):
    """A record stream whose reading runs in a forked child (see the module's description)."""

    def __init__(self, stream: RecordStream, types: list[type[Record]]) -> None:
        import multiprocessing

        super().__init__((), notices=stream.notices)
        self._types = types
        # what this process has buffered is written once, not again by the child as it ends
        sys.stdout.flush()
        sys.stderr.flush()
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child, args=(stream, self._types, send), name="pairing-rules-reader"
        )
        self._process.daemon = True
        try:
            self._process.start()
        except BaseException:
            receive.close()
            raise
        finally:
            send.close()
        self._conn: Connection | None = receive
        stream.close()  # the child has its own copy of the file

    def __iter__(self) -> Iterator[Entry]:
        if self.started:
            raise RuntimeError("a RecordStream is read once")
        self.started = True
        try:
            yield from self._receive()
        finally:
            self.close()

    def _receive(self) -> Iterator[Entry]:
        assert self._conn is not None
        types = self._types
        while True:
            try:
                blob = self._conn.recv_bytes()
            except EOFError:
                # the pipe closes as the child ends, which may be before its end is reported
                self._process.join(timeout=10)
                code = self._process.exitcode
                raise RuntimeError(f"the reading process stopped before the end ({code})") from None
            kind, payload = pickle.loads(blob)
            if kind == "entries":
                yield from _decode(types, payload)
                continue
            if kind == "end":
                self.rejected[:], self.notices[:] = payload
                return
            error, self.rejected[:], self.notices[:] = payload
            raise error

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            # stopped before its end, the child is not wanted any more: stopped before the pipe
            # closes, so that it never writes to a closed pipe
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            conn.close()
