"""One rule for the name of a file the case file stores, serves or exports: never a path."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 120
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
_UNSAFE = re.compile(r'[<>:"|?*]')


def safe_name(name: str, default: str = "file") -> str:
    """A plain file name: no directory part, no ``..``, no control or reserved characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters (including right-to-left overrides) and unpaired surrogates.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        name = default
    if name.split(".", 1)[0].upper() in _RESERVED:
        name = "_" + name
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        name = (stem if ext else name)[: MAX_NAME - len(ext) - 1].rstrip(" .") + (
            "." + ext if ext else ""
        )
    return name
