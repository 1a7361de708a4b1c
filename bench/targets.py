"""Issue 7's targets, checked against one run's results: each row says what was measured,
the figure, the goal and whether it was met. A target whose scenario did not run is left
out; one that cannot be judged from this run (quick mode) says why instead of passing."""

from __future__ import annotations

from typing import Any


def _row(target: str, value: float | None, goal: str, met: bool | None, note: str = ""):  # type: ignore[no-untyped-def]
    return {"target": target, "value": value, "goal": goal, "met": met, "note": note}


def check(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    runs = [r for r in results if r["scenario"] == "telegram_e2e"]
    # Judged on the heaviest load of the run (`capacity` in a full run), where the bot's
    # own speed shows: at Telegram's sending limit the replies wait on Telegram's 30/s.
    e2e = max(runs, key=lambda r: r["throughput_per_s"]["offered"], default=None)
    if e2e is not None:
        answered = e2e["throughput_per_s"]["answered"]
        p95 = e2e["latency_ms"]["reply"]["p95"]
        offered = e2e["throughput_per_s"]["offered"]
        note = "" if offered >= 100 else f"offered only {offered:g} msg/s"
        rows.append(
            _row(
                "end to end, answered msg/s",
                answered,
                ">= 100",
                answered >= 100 if offered >= 100 else None,
                note,
            )
        )
        rows.append(
            _row(
                "end to end, reply p95 (ms)",
                p95,
                "<= 150",
                p95 is not None and p95 <= 150 if offered >= 100 else None,
                note,
            )
        )
        alert = e2e["latency_ms"]["alert"]["p95"]
        rows.append(
            _row(
                "disclosure to alert p95 (ms)",
                alert,
                "<= 1000",
                alert is not None and alert <= 1000,
                f"at {offered:g} msg/s offered",
            )
        )
    stack = next((r for r in results if r["scenario"] == "stacks"), None)
    if stack is not None:
        quick = "quick mode: 1-epoch stock model" if stack["quick"] else ""
        ours, ratios = stack["ours"], stack["ratios"]
        rows.append(
            _row(
                "answering, x stock Rasa",
                ratios["answering_per_s"],
                ">= 4",
                None if quick else ratios["answering_per_s"] >= 4,
                quick,
            )
        )
        rows.append(
            _row("cold start (s)", ours["cold_start_s"], "<= 15", ours["cold_start_s"] <= 15)
        )
        rows.append(
            _row("peak memory (MB)", ours["peak_rss_mb"], "<= 1024", ours["peak_rss_mb"] <= 1024)
        )
        training = ours["training_s"]
        rows.append(
            _row(
                "training (s)",
                training,
                "<= 120",
                None if training is None else training <= 120,
                "quick mode: the project's model is reused" if training is None else "",
            )
        )
    understanding = next((r for r in results if r["scenario"] == "understanding"), None)
    if understanding is not None:  # issue 12's speed targets
        for key, target in (
            ("training_s", "understanding: training both models (s)"),
            ("load_s", "understanding: loading both models (s)"),
            ("parse_p95_ms", "understanding: parse + triage p95 (ms)"),
        ):
            limit = understanding["targets"][key]
            value = understanding[key]
            if value is None:  # quick mode reuses the cached models
                rows.append(_row(target, None, f"<= {limit:g}", None, "not timed in quick mode"))
            else:
                rows.append(_row(target, round(value, 2), f"<= {limit:g}", value <= limit))
    longest = next((r for r in results if r["scenario"] == "longest"), None)
    if longest is not None:  # issue 15 item 2, measured alone
        value = longest["understanding_4096_p95_ms"]
        limit = longest["targets"]["understanding_4096_p95_ms"]
        ratio = longest["understanding_4096"]["piecewise_over_batched"]["p95"]
        rows.append(
            _row(
                "4,096 chars alone: parse + triage p95",
                value,
                f"<= {limit:g}",
                value <= limit,
                f"piecewise {ratio}x slower",
            )
        )
    hostile = next((r for r in results if r["scenario"] == "adversarial"), None)
    if hostile is not None:  # issue 15 item 2
        value = hostile["understanding_4096_p95_ms"]
        limit = hostile["targets"]["understanding_4096_p95_ms"]
        rows.append(_row("4,096 chars: parse + triage p95", value, f"<= {limit:g}", value <= limit))
        ratio = hostile["ratios"]["thread_adversarial_over_quiet_p95"]
        rows.append(
            _row(
                "long senders: others' p95 x quiet",
                ratio,
                "<= 2",
                None if ratio is None else ratio <= 2,
                "understanding thread",
            )
        )
    return rows


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["", f"{'target (issue 7)':<32}{'measured':>10}  {'goal':<9}result"]
    for row in rows:
        value = "-" if row["value"] is None else f"{row['value']:.1f}"
        verdict = {True: "met", False: "NOT MET", None: "not judged"}[row["met"]]
        note = f" ({row['note']})" if row["note"] else ""
        lines.append(f"{row['target']:<32}{value:>10}  {row['goal']:<9}{verdict}{note}")
    return lines
