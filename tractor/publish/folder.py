"""The dataset folder: laid out as a Hugging Face Hub dataset repository.

``README.md`` (a dataset card whose YAML lists the configs) and one Parquet file per config at
``<config>/train-00000-of-00001.parquet``. The folder is replaced atomically: everything is
written to a sibling temporary folder first, then swapped in by rename, so a crash leaves the
previous dataset intact. Files carry no timestamps, so the same rows give the same bytes.

Readers here go straight to Parquet: ``datasets.load_dataset`` on a local folder can serve
stale cached rows for a rebuilt folder (datasets 5.2.0, huggingface/datasets#2956).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import DatasetError
from .schema import CONFIGS, arrow_schema

PARQUET_NAME = "train-00000-of-00001.parquet"
_OLD_SUFFIX = ".tractor-old"


def config_path(folder: Path, config: str) -> Path:
    return Path(folder) / config / PARQUET_NAME


def write_dataset(out: Path, rows: dict[str, list[dict]], card: str) -> None:
    """Write every config in :data:`CONFIGS` (empty ones too, so each config always loads) and
    the card, then swap the new folder in for ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out).absolute()
    recover_interrupted_swap(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        for config in CONFIGS:
            table = pa.Table.from_pylist(rows.get(config, []), schema=arrow_schema(config))
            path = config_path(tmp, config)
            path.parent.mkdir()
            pq.write_table(table, path, compression="zstd", use_dictionary=True, write_statistics=True)
        (tmp / "README.md").write_text(card, encoding="utf-8")
        for path in tmp.rglob("*"):
            _fsync(path)
        os.chmod(tmp, 0o755)
        _swap_in(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


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


def read_config(folder: Path, config: str) -> list[dict]:
    """Rows of one config, read straight from its Parquet file."""
    import pyarrow.parquet as pq

    folder = Path(folder)
    if not (folder / "README.md").is_file():
        raise DatasetError(f"{folder} is not a dataset folder (no README.md dataset card)")
    path = config_path(folder, config)
    if not path.is_file():
        raise DatasetError(f"{folder} has no config {config!r} (missing {path.relative_to(folder)})")
    try:
        return pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises several unrelated types for damaged files
        raise DatasetError(f"{path}: unreadable Parquet file: {exc}") from exc
