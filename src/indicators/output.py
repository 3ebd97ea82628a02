"""Writing tables: screen, CSV, JSON, Excel. Files are written atomically (temp file, then rename),
so a failed command never leaves a half-written file behind."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import IndicatorsError

__all__ = ["FORMATS", "emit", "write_atomic", "to_csv_text", "to_json_text"]

FORMATS = ("table", "csv", "json", "xlsx")


def write_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file ordinary permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def _jsonable(v):
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


def to_json_text(frame: pd.DataFrame) -> str:
    records = [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def emit(frame: pd.DataFrame, fmt: str, output: Path | None = None) -> None:
    """Print or save a table in one of FORMATS."""
    if fmt == "xlsx":
        if output is None:
            raise IndicatorsError("--format xlsx needs -o FILE.xlsx")
        buf = io.BytesIO()
        frame.to_excel(buf, index=False)
        write_atomic(output, buf.getvalue())
        return
    if fmt == "csv":
        text = to_csv_text(frame)
    elif fmt == "json":
        text = to_json_text(frame)
    else:
        text = (frame.to_string(index=False) if len(frame) else "(no rows)") + "\n"
    if output is not None:
        write_atomic(output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
