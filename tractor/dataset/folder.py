"""The dataset folder's layout (a Hugging Face Hub dataset repository) and reading it back.

``README.md`` (a dataset card whose YAML lists the configs) and one Parquet file per config at
``<config>/train-00000-of-00001.parquet``.

Readers here go straight to Parquet: ``datasets.load_dataset`` on a local folder can serve
stale cached rows for a rebuilt folder (datasets 5.2.0, huggingface/datasets#2956).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DatasetError

PARQUET_NAME = "train-00000-of-00001.parquet"


def config_path(folder: Path, config: str) -> Path:
    return Path(folder) / config / PARQUET_NAME


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
