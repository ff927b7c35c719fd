"""Scoring on a Dask cluster: the workers read the exports in blocks, whole target sites are
shuffled into partitions, each worker scores its partitions, and the client writes one scored
file in input order (the same bytes as linkclf.stream on one machine).

Kept apart from :mod:`linkclf.distributed` (the cluster helpers the model's Dask training uses),
so the model layer never imports the scoring layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkclf.distributed import dask_client

# ------------------------------------------------------------------------------ scoring files
#: Marks a refusal raised on a worker (see _canonical_part / _refusal).
_REFUSED = "linkclf-refused:"


def _refusal(exc: BaseException) -> Exception | None:
    """The LinkclfError a worker refused the input with, rebuilt on the client."""
    from linkclf import errors

    text = str(exc)
    if _REFUSED not in text:
        return None
    kind, expected, found, fix, where = json.loads(text.split(_REFUSED, 1)[1])
    cls = getattr(errors, kind, errors.InputError)
    return cls(expected, found, fix, where or None)


#: Bytes of input per partition read on a worker (a partition is whole lines of one file).
BLOCK_BYTES = 32 * 2**20


def _canonical_part(
    chunk: pd.DataFrame,
    path: str,
    format: str | None,
    target: str | None,
    file_index: int,
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Worker side: one block of an export -> canonical rows with their input position.

    The position sorts rows as the file has them (file, block, row): the output is written in
    that order, and merging several exports keeps each link's first row, as read_exports does.
    """
    from linkclf.errors import LinkclfError
    from linkclf.scored import check_scorable
    from linkclf.sources.detect import sniff
    from linkclf.sources.reader import _check_field_size, _to_canonical
    from linkclf.sources.textio import name_of
    from linkclf.stream import ROW

    layout = sniff(path, format)
    try:
        _check_field_size(chunk, path, 0)
        out = _to_canonical(chunk.reset_index(drop=True), layout, name_of(path), target)
        if len(out):
            check_scorable(out)
    except LinkclfError as exc:
        # linkclf's errors do not survive pickling back to the client: send their fields.
        fields = [type(exc).__name__, exc.expected, exc.found, exc.fix, exc.where or ""]
        raise RuntimeError(_REFUSED + json.dumps(fields)) from None
    number = int((partition_info or {}).get("number") or 0)
    out[ROW] = (np.int64(file_index) << 52) + (np.int64(number) << 28) + np.arange(len(out))
    return out


def read_partitioned(
    paths: list[str],
    *,
    format: str | None = None,
    target: str | None | list[str | None] = None,
    block_bytes: int = BLOCK_BYTES,
) -> Any:
    """The exports as one dask DataFrame of canonical rows, read block by block on the workers.

    UTF-8 files without a preamble are split into ``BLOCK_BYTES`` blocks of whole lines
    (dask.dataframe.read_csv); other files (UTF-16, a preamble before the header) are one
    partition each. Cells holding line breaks must not be split across blocks: dask finds block
    boundaries at line ends, so such exports are read whole too (``linkclf score`` without
    --dask streams any export).
    """
    import dask.dataframe as dd

    from linkclf.sources.detect import sniff
    from linkclf.sources.reader import pandas_options
    from linkclf.stream import _per_file

    targets = _per_file(target, len(paths))
    parts = []
    for index, path in enumerate(paths):
        layout = sniff(path, format)
        splittable = layout.codec in ("utf-8", "utf-8-sig") and layout.skip == 0
        raw = dd.read_csv(
            path,
            **pandas_options(layout.delimiter),  # the one-machine reader's, so the same rows
            encoding=layout.codec,
            blocksize=block_bytes if splittable else None,
            skiprows=layout.skip or None,
            # dask reads a sample to guess dtypes; every column is text anyway.
            sample=256_000,
        )
        file_target = targets[index]
        meta = _canonical_part(raw._meta, path, format, file_target, index)
        parts.append(
            raw.map_partitions(
                _canonical_part,
                path,
                format,
                file_target,
                index,
                meta=meta,
                align_dataframes=False,
            )
        )
    return parts[0] if len(parts) == 1 else dd.concat(parts)


def _worker_model(model_dir: str) -> Any:
    """The model, loaded once per worker process (and reloaded for another directory)."""
    from distributed import get_worker

    from linkclf.model import LinkClassifier

    try:
        worker = get_worker()
    except ValueError:  # not on a worker (synchronous scheduler)
        return LinkClassifier.load(model_dir)
    model = getattr(worker, "_linkclf_model", None)
    if model is None or getattr(worker, "_linkclf_model_dir", None) != model_dir:
        model = LinkClassifier.load(model_dir)
        worker._linkclf_model = model  # type: ignore[attr-defined]
        worker._linkclf_model_dir = model_dir  # type: ignore[attr-defined]
    return model


def _score_part(
    links: pd.DataFrame,
    model_dir: str,
    folder: str,
    multi: bool,
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Worker side: score one partition of whole target sites, write it as an Arrow file.

    Returns one summary row (rows, flagged, canonical columns with values, the file written)
    instead of the scored rows: the rows never travel back through the scheduler.
    """
    import pyarrow as pa

    from linkclf.pipeline import present_canonical, score_rows
    from linkclf.schema import conform
    from linkclf.scored import SCORE_COLUMNS
    from linkclf.stream import ROW

    number = int((partition_info or {}).get("number") or 0)
    links = links.sort_values(ROW, kind="stable").reset_index(drop=True)
    if multi and len(links):
        from linkclf.sources.merge import merge_frames

        links = merge_frames([links]).sort_values(ROW, kind="stable").reset_index(drop=True)
    links = conform(links)
    path = ""
    flagged = 0
    if len(links):
        scores = score_rows(_worker_model(model_dir), links)
        for col in SCORE_COLUMNS:
            links[col] = scores[col].to_numpy()
        flagged = int(scores["flag"].astype(int).sum())
        path = str(Path(folder) / f"scored-{number:06d}.arrow")
        table = pa.Table.from_pandas(links, preserve_index=False)
        with pa.ipc.new_stream(path, table.schema) as writer:
            writer.write_table(table, max_chunksize=2048)
    return pd.DataFrame(
        {
            "rows": [len(links)],
            "flagged": [flagged],
            "present": [";".join(sorted(present_canonical(links))) if len(links) else ""],
            "path": [path],
        }
    )


def score_files_dask(
    model_dir: str | Path,
    paths: list[str],
    output: str | Path,
    scheduler: str,
    *,
    format: str | None = None,
    target: str | None | list[str | None] = None,
    partitions: int | None = None,
    block_bytes: int = BLOCK_BYTES,
    progress: Callable[[str], None] = lambda msg: None,
) -> tuple[int, int]:
    """Score exports on a Dask cluster into one scored table, identical to ``linkclf score``.

    The workers read the exports block by block (:func:`read_partitioned`), the rows are
    shuffled so that every target site is whole in one partition (profile features need the
    whole profile), each partition is scored on a worker and written as an Arrow file in a
    folder beside ``output``; the client then merges those files back into input order and
    writes the table in ``output``'s format (bounded memory: linkclf.stream's ordered merge).
    The model directory, the exports and the output's folder must be paths the workers see (a
    shared file system). ``target``: as for linkclf.stream (None infers a Search Console
    export's target as ``read_exports`` does).

    ``block_bytes`` is the input read per task: a worker holds a few blocks at once, several
    copies each while parsing and shuffling, so keep it well under a worker's memory.

    Returns
    -------
    (links, flagged)
    """
    import shutil
    import tempfile

    from linkclf.io import temp_prefix
    from linkclf.model import LinkClassifier
    from linkclf.scored import write_scored_parts
    from linkclf.stream import _assembled, _column_order, resolve_targets
    from linkclf.tables import is_stream

    if target is None or isinstance(target, str):
        target = resolve_targets(paths, format, target)
    if is_stream(output):
        # stdout or a FIFO: the scored parts go to a folder the workers can see too.
        out = Path.cwd() / "scored"
    else:
        out = Path(output).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=temp_prefix(out), dir=out.parent))
    label = LinkClassifier.load(model_dir).version_label()
    import dask

    try:
        # Text stays text as pandas reads it (object), not dask's pyarrow strings: the rows
        # written must be the ones the one-machine path writes.
        with dask.config.set({"dataframe.convert-string": False}), dask_client(scheduler) as client:
            links = read_partitioned(
                [str(Path(p).resolve()) for p in paths],
                format=format,
                target=target,
                block_bytes=block_bytes,
            )
            n = partitions or max(links.npartitions, len(client.scheduler_info()["workers"]), 1)
            # Whole target sites per partition: the unit profile features are computed over.
            by_site = links.shuffle("target_site", npartitions=n)
            summary_meta = pd.DataFrame(
                {
                    "rows": pd.Series([], dtype="int64"),
                    "flagged": pd.Series([], dtype="int64"),
                    "present": pd.Series([], dtype=object),
                    "path": pd.Series([], dtype=object),
                }
            )
            progress(f"scoring {links.npartitions} block(s) as {n} partition(s) on {scheduler}")
            try:
                summary = by_site.map_partitions(
                    _score_part,
                    str(Path(model_dir).resolve()),
                    str(folder),
                    len(paths) > 1,
                    meta=summary_meta,
                    align_dataframes=False,
                ).compute()
            except Exception as exc:
                refused = _refusal(exc)
                if refused is None:
                    raise
                raise refused from None
            columns = [list(links.columns)]
        present = {c for cell in summary["present"] for c in str(cell).split(";") if c}
        parts = sorted(Path(p) for p in summary["path"] if p)
        write_scored_parts(
            _assembled(parts, _column_order(columns), present, label, 50_000), output
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return int(summary["rows"].sum()), int(summary["flagged"].sum())
