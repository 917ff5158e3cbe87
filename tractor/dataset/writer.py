"""Writing the dataset folder (its layout: :mod:`.folder`). The folder is replaced atomically:
rows are streamed into a sibling temporary folder, then swapped in by rename, so a crash leaves
the previous dataset intact. Files carry no timestamps and row groups have fixed sizes, so the same rows give
the same bytes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import DatasetError
from .folder import config_path
from .schema import CONFIGS, arrow_schema

_OLD_SUFFIX = ".tractor-old"


# Rows per Parquet row group: a transcript row holds a whole conversation (tens of KB), the
# other configs are short rows. Fixed sizes keep the bytes independent of how rows arrive.
_ROW_GROUP_ROWS = {"transcripts": 64}
_DEFAULT_ROW_GROUP_ROWS = 4096


class DatasetWriter:
    """Streams rows into a sibling temporary folder, a Parquet row group at a time, and swaps it
    in for ``out`` on :meth:`commit`: memory stays flat however large the corpus, and a build
    that dies midway leaves the previous dataset intact (its temporary folder is removed on the
    next run). Every config in :data:`CONFIGS` is written, empty ones too, so each always loads."""

    def __init__(self, out: Path):
        self.out = Path(out).absolute()
        self.counts = dict.fromkeys(CONFIGS, 0)
        self._buffers: dict[str, list[dict]] = {config: [] for config in CONFIGS}
        self._writers: dict = {}
        self._tmp: Path | None = None

    def __enter__(self) -> "DatasetWriter":
        import pyarrow.parquet as pq

        recover_interrupted_swap(self.out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(self.out)
        self._tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.{os.getpid()}.", suffix=".tmp",
                                          dir=self.out.parent))
        for config in CONFIGS:
            path = config_path(self._tmp, config)
            path.parent.mkdir()
            self._writers[config] = pq.ParquetWriter(path, arrow_schema(config), compression="zstd",
                                                     use_dictionary=True, write_statistics=True)
        return self

    def write(self, config: str, rows: list[dict]) -> None:
        buffer = self._buffers[config]
        buffer.extend(rows)
        self.counts[config] += len(rows)
        size = _ROW_GROUP_ROWS.get(config, _DEFAULT_ROW_GROUP_ROWS)
        while len(buffer) >= size:
            self._flush(config, buffer[:size])
            del buffer[:size]

    def commit(self, card: str) -> None:
        """Write what is buffered and the card, then swap the folder in."""
        for config, buffer in self._buffers.items():
            if buffer:
                self._flush(config, buffer)
                buffer.clear()
        self._close_writers()
        (self._tmp / "README.md").write_text(card, encoding="utf-8")
        for path in self._tmp.rglob("*"):
            _fsync(path)
        os.chmod(self._tmp, 0o755)
        _swap_in(self._tmp, self.out)

    def __exit__(self, *exc_info) -> None:
        self._close_writers()
        if self._tmp is not None and self._tmp.exists():
            shutil.rmtree(self._tmp)

    def _flush(self, config: str, rows: list[dict]) -> None:
        import pyarrow as pa

        self._writers[config].write_table(pa.Table.from_pylist(rows, schema=arrow_schema(config)))

    def _close_writers(self) -> None:
        while self._writers:
            self._writers.popitem()[1].close()


def write_dataset(out: Path, rows: dict[str, list[dict]], card: str) -> None:
    """Write a whole dataset at once (rows per config) through :class:`DatasetWriter`."""
    with DatasetWriter(out) as writer:
        for config, config_rows in rows.items():
            writer.write(config, config_rows)
        writer.commit(card)


def remove_stale_temporaries(out: Path) -> None:
    """Remove temporary folders left beside ``out`` by builds that were killed: each carries its
    writer's process id, and a folder whose process is gone is garbage."""
    for tmp in Path(out).parent.glob(f".{Path(out).name}.*.tmp"):
        pid = tmp.name[len(Path(out).name) + 2:].split(".", 1)[0]
        if tmp.is_dir() and not (pid.isdigit() and _process_alive(int(pid))):
            shutil.rmtree(tmp, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap_in(new: Path, out: Path) -> None:
    old = out.with_name(out.name + _OLD_SUFFIX)
    if out.exists():
        if not (out / "README.md").exists() and any(out.iterdir()):
            raise DatasetError(f"{out} exists and is not a dataset folder; refusing to replace it")
        os.rename(out, old)
    os.rename(new, out)
    if old.exists():
        shutil.rmtree(old)


def recover_interrupted_swap(out: Path) -> None:
    """A crash between the two renames of a swap leaves only ``<out>.tractor-old``: put it back."""
    old = Path(out).with_name(Path(out).name + _OLD_SUFFIX)
    if old.exists():
        if Path(out).exists():
            shutil.rmtree(old)
        else:
            os.rename(old, out)


def _fsync(path: Path) -> None:
    if path.is_file():
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
