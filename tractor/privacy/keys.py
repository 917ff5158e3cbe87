"""The pseudonym key: a secret that makes pseudonyms stable for one owner and unguessable for
everyone else (a plain hash of a name could be tested against a guessed name)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from tractor.errors import TractorError

KEY_ENV = "TRACTOR_PSEUDONYM_KEY"
KEY_FILE_ENV = "TRACTOR_PSEUDONYM_KEY_FILE"
DEFAULT_KEY_FILE = Path("~/.config/tractor/pseudonym.key")


@dataclass(frozen=True)
class PrivacyConfig:
    """The secret and the roster; ``roster_ids`` are the roster's e-mails and student IDs."""

    key: bytes = field(repr=False)
    roster_names: tuple[str, ...] = ()
    roster_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.key:
            raise TractorError("pseudonym key is empty")

    @classmethod
    def from_environment(cls, roster_csv: Path | None = None) -> PrivacyConfig:
        from .roster import read_roster

        names, ids = read_roster(roster_csv) if roster_csv else ((), ())
        return cls(load_key(), names, ids)


def load_key() -> bytes:
    """``$TRACTOR_PSEUDONYM_KEY``, else the key file (``$TRACTOR_PSEUDONYM_KEY_FILE`` or
    ``~/.config/tractor/pseudonym.key``), created with 32 random bytes, mode 0600, on first use."""
    if value := os.environ.get(KEY_ENV):
        return value.encode("utf-8")
    path = Path(os.environ.get(KEY_FILE_ENV) or DEFAULT_KEY_FILE).expanduser()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise TractorError(f"cannot create pseudonym key file {path}: {exc}") from exc
    else:
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(32))
    try:
        key = path.read_bytes()
    except OSError as exc:
        raise TractorError(f"cannot read pseudonym key file {path}: {exc}") from exc
    if not key:
        raise TractorError(f"pseudonym key file {path} is empty")
    return key
