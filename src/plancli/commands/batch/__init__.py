"""Batch conversion of many documents (plancli batch).

The parent process discovers the inputs, decides what is unchanged, keeps the
index and shows progress; the conversion itself (every stage) runs
in worker processes, which import the heavy modules. An executor (a `Runner`:
the local process pool here, a Dask cluster in `plancli.commands.cluster`) only converts
jobs and yields their records as they finish; everything else is shared.

`OUTDIR/index.jsonl` holds one JSON object per input, from this run or an
earlier one. While a run goes on, each finished record is appended with a single
write, so an interrupted or killed run keeps every record it finished; loading
keeps the last record per input and drops a torn line; the start and the end of
a run rewrite the index atomically, merged with what is on disk, one line per
input. Every change holds a lock on `index.jsonl.lock`, so runs into one folder
at the same time keep each other's records. Each document has a time limit
(SIGALRM in the worker, and the parent kills a worker stuck past twice that),
and workers end with the parent. An input is skipped when its sha256, the plancli version,
the rules fingerprint and the output format are those of its record and its
output is still there (a failure is not retried either; it still fails the run).

The modules: `inputs` (discovery, output names, what is unchanged), `index`
(the index records, merged under a lock), `workers` (the local process pool,
its workers and their limits), `conversion` (one document → one record),
`progress` (the progress display and the summary) and `command` (the run).
"""

from plancli.commands.batch.command import (
    convert_inputs,
    local_pool,
    plan_jobs,
    run_batch,
)
from plancli.commands.batch.conversion import (
    ExecutorError,
    Job,
    Runner,
    convert,
    current_stamp,
    failed_record,
    run_jobs,
)
from plancli.commands.batch.index import INDEX_NAME, Index, Record
from plancli.commands.batch.inputs import (
    Input,
    discover_inputs,
    is_unchanged,
    output_name,
    skipped_record,
)
from plancli.commands.batch.progress import (
    PlainProgress,
    RichProgress,
    Tally,
    make_progress,
    print_summary,
)
from plancli.commands.batch.workers import (
    WORKER_DIED,
    error_text,
    hard_limit,
    init_worker,
    run_in_workers,
    worker_count,
)

__all__ = [
    "INDEX_NAME",
    "WORKER_DIED",
    "ExecutorError",
    "Index",
    "Input",
    "Job",
    "PlainProgress",
    "Record",
    "RichProgress",
    "Runner",
    "Tally",
    "convert",
    "convert_inputs",
    "current_stamp",
    "discover_inputs",
    "error_text",
    "failed_record",
    "hard_limit",
    "init_worker",
    "is_unchanged",
    "local_pool",
    "make_progress",
    "output_name",
    "plan_jobs",
    "print_summary",
    "run_batch",
    "run_in_workers",
    "run_jobs",
    "skipped_record",
    "worker_count",
]
