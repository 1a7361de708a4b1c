"""The Voz Segura bench suite: one runner (`python -m bench.run`, `make bench`), one results
file (`bench/results.json`).

Each scenario is a module with NAME, Parameters, an async `run` and a `table` that renders
one result; `bench.run` runs it on each database and appends its result, tagged with the
scenario and the database, to the file's "scenarios" list. Shared pieces (machine and code
description, throwaway databases, the runtime as `python -m bot run` builds it) live in
`bench.harness`; latency summaries (n, mean, p50, p95, p99, max in ms) in `bench.stats`.

Scenarios:
- telegram_e2e: N children on Telegram (a real HTTP fake of the Bot API) at once: reply
  latency, throughput, and the time from a disclosure to its alert card (issue 5).
- stacks: our bot beside stock Rasa (as `rasa init` configures it) on the same data, each
  in fresh processes: training, cold start, understanding and answering rates, peak memory,
  and ours/stock ratios (issue 7).

`bench.targets` checks a run's results against issue 7's targets.
"""

SCHEMA = 1  # the results file's layout; bump on an incompatible change
