"""The figures of one end-to-end run (bench/telegram_e2e.py): each update's replies
attributed to it (`_attribute`, checked text by text against what the engine gave), the
counts, latencies and checks of a run (`_figures`), and its readable table (`table`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bench.stats import summary_ms
from bench.telegram_e2e import (
    FALLBACK,
    FIRST_CHILD,
    NAME,
    PROTECTION,
    AttributionError,
    Expected,
    Inbox,
    Push,
    Stamps,
    _callback_data,
    _cases,
)
from botapi_fake import SentMessage


@dataclass
class Answer:
    """What reached a child's chat for one update: its block of replies, in order, and the
    apology the error handler sent if handling it failed."""

    block: list[SentMessage] = field(default_factory=list)
    apology: list[SentMessage] = field(default_factory=list)

    def messages(self) -> list[SentMessage]:
        return sorted([*self.apology, *self.block], key=lambda m: m.sent_at)


def _attribute(
    sent: list[SentMessage], stamps: Stamps, children: set[int]
) -> tuple[dict[int, Answer], list[str]]:
    """Cut each child's chat into one block per handled update, in handling order, each
    checked message by message against the engine's replies for it. Returns the answer of
    each update and what did not line up (empty when attribution is exact)."""
    from bot.channels.telegram.handlers import SORRY

    problems = list(stamps.stray)
    by_chat: dict[int, list[SentMessage]] = defaultdict(list)
    for message in sent:
        if message.chat_id > 0:
            by_chat[message.chat_id].append(message)
    answers: dict[int, Answer] = defaultdict(Answer)
    for chat in sorted(set(by_chat) | set(stamps.order)):
        name = f"chat {chat - FIRST_CHILD + 1}" if chat in children else f"unknown chat {chat}"
        if chat not in children:
            problems.append(f"{name}: {len(by_chat[chat])} message(s) to a chat of no child")
            continue
        handled = stamps.order[chat]
        chain = []
        for message in by_chat[chat]:
            if message.text != SORRY:
                chain.append(message)
                continue
            # The error handler sends it while the failed update is being handled, outside
            # the chain: it belongs to the last failed update that had started by then.
            owner = [
                u for u in handled if u in stamps.failed and stamps.started[u] <= message.sent_at
            ]
            if not owner or answers[owner[-1]].apology:
                problems.append(f"{name}: an apology that follows no failure of its own")
            else:
                answers[owner[-1]].apology.append(message)
        blocks = [stamps.replies.get(update_id, []) for update_id in handled]
        lengths, trouble = _cut(chain, blocks)
        if trouble:
            problems.append(f"{name}: {trouble}")
            continue
        at = 0
        for update_id, length in zip(handled, lengths, strict=True):
            answers[update_id].block = chain[at : at + length]
            at += length
    return answers, problems


def _as_sent(message: SentMessage) -> Expected:
    return message.text, _callback_data(message)


def _cut(chain: list[SentMessage], blocks: list[list[Expected]]) -> tuple[list[int], str]:
    """How many messages of `chain` each block takes, in order. A block is all its replies,
    or, when a send failed (the delivery of a block stops at its first failed send), the
    first few. Returns the lengths if exactly one way to cut the chain fits, or else why."""
    n, m = len(chain), len(blocks)
    sent = [_as_sent(message) for message in chain]

    def fits(i: int, expected: list[Expected]) -> int:  # the longest prefix sent at i
        k = 0
        while k < len(expected) and i + k < n and sent[i + k] == expected[k]:
            k += 1
        return k

    # ways[j][i]: ways (counted up to 2) to cut chain[i:] into blocks[j:]
    ways = [[0] * (n + 1) for _ in range(m + 1)]
    ways[m][n] = 1
    for j in range(m - 1, -1, -1):
        for i in range(n + 1):
            ways[j][i] = min(2, sum(ways[j + 1][i + k] for k in range(fits(i, blocks[j]) + 1)))
    if ways[0][0] == 1:
        lengths, i = [], 0
        for j, expected in enumerate(blocks):
            k = next(k for k in range(fits(i, expected) + 1) if ways[j + 1][i + k])
            lengths.append(k)
            i += k
        return lengths, ""
    if ways[0][0] > 1:
        short = sum(len(block) for block in blocks) - n
        return [], f"{short} repl(y/ies) missing, and the blocks can be cut in more than one way"
    i = 0  # no way fits: show where the whole blocks stop matching
    for j, expected in enumerate(blocks):
        k = fits(i, expected)
        if k < len(expected) and i + k < n:
            text, data = expected[k]
            got_text, got_data = sent[i + k]
            return [], (
                f"block {j + 1} of {m}, reply {k + 1} of {len(expected)}: expected "
                f"{text[:40]!r} {list(data)}, got {got_text[:40]!r} {list(got_data)} "
                f"({chain[i + k].method})"
            )
        i += k
    return [], f"{n - i} message(s) after its last block"


def _figures(
    pushes: list[Push], sent: list[SentMessage], inbox: Inbox, stamps: Stamps
) -> dict[str, Any]:
    answers, problems = _attribute(sent, stamps, set(inbox.children))
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise AttributionError(
            f"replies do not line up with the engine's answers ({len(problems)} problem(s)):"
            f"\n  {shown}{more}"
        )

    reply: list[float] = []
    reply_by_kind: dict[str, list[float]] = defaultdict(list)
    alert: list[float] = []
    # Where a disclosure's time to its card goes: the same three parts for each one.
    alert_parts: dict[str, list[float]] = defaultdict(list)
    queue: list[float] = []
    handling: list[float] = []
    delivery: list[float] = []
    counts: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    first_push = min((p.at for p in pushes), default=0.0)
    for push in pushes:
        kinds[push.action.kind] += 1
        counts["messages_sent"] += 1
        counts["disclosures"] += push.action.disclosure
        update_id = push.update_id
        started, ended = stamps.started.get(update_id), stamps.ended.get(update_id)
        answer = answers.get(update_id, Answer())
        messages = answer.messages()
        expected = len(stamps.replies.get(update_id, []))
        failed = update_id in stamps.failed
        if started is not None:
            queue.append(started - push.at)
            if ended is not None:
                handling.append(ended - started)
        counts["replies_attributed"] += len(messages)
        counts["error_replies"] += len(answer.apology)
        if started is not None and ended is not None and not expected and not failed:
            counts["silent"] += 1  # the engine gave no reply: none was due
        elif messages:
            counts["answered"] += 1
            latency = messages[0].sent_at - push.at
            reply.append(latency)
            reply_by_kind[push.action.kind].append(latency)
            if len(answer.block) < expected or (failed and not answer.apology):
                counts["incomplete"] += 1  # the rest of its block never came
            elif answer.block and ended is not None:
                delivery.append(answer.block[-1].sent_at - ended)
        # The case its replies offer buttons for (read from the engine's replies: the same
        # buttons that reach the child, when they do).
        offered = _cases(stamps.replies.get(update_id, []))
        if push.action.kind == "case_button":
            continue  # its reply repeats nothing; the card it causes is an update
        if not push.action.disclosure:
            counts["false_alarms"] += bool(offered)
            continue
        if not offered:
            counts["not_escalated"] += 1  # triage missed it, or the case was not recorded
            continue
        card = inbox.first_card.get(min(offered))
        if card is None:
            counts["undelivered"] += 1
            continue
        counts["alerts_delivered"] += 1
        alert.append(card.sent_at - push.at)
        if started is not None and ended is not None:
            alert_parts["queue_wait"].append(started - push.at)
            alert_parts["handling"].append(ended - started)
            # From handling start, not end: the case is committed within handling and the
            # lane sends its card at once, so the card can arrive before handling ends.
            alert_parts["to_card"].append(card.sent_at - started)

    children = [m for m in sent if m.chat_id > 0]
    counts["lost"] = counts["not_escalated"] + counts["undelivered"]
    counts["unanswered"] = counts["messages_sent"] - counts["answered"] - counts["silent"]
    counts["replies_expected"] = stamps.replies_expected()
    counts["replies_to_children"] = len(children)
    counts["edits_to_children"] = sum(m.method != "sendMessage" for m in children)
    counts["cards_to_protection_chat"] = sum(1 for m in sent if m.chat_id == PROTECTION)
    counts["cards_to_fallback_chat"] = sum(1 for m in sent if m.chat_id == FALLBACK)
    counts["handled_out_of_order"] = sum(
        handled != sorted(handled) for handled in stamps.order.values()
    )
    last_reply = max((m.sent_at for m in children), default=first_push)
    window = max(last_reply - first_push, 1e-9)
    order = (
        "messages_sent answered silent unanswered incomplete replies_expected "
        "replies_to_children edits_to_children replies_attributed error_replies disclosures "
        "alerts_delivered lost not_escalated undelivered false_alarms "
        "cards_to_protection_chat cards_to_fallback_chat handled_out_of_order"
    ).split()
    return {
        "counts": {key: counts[key] for key in order},
        "messages_by_kind": dict(sorted(kinds.items())),
        "latency_ms": {
            "reply": summary_ms(reply),
            "alert": summary_ms(alert),
            "queue_wait": summary_ms(queue),
            "handling": summary_ms(handling),
            "delivery": summary_ms(delivery),
        },
        "alert_breakdown_ms": {
            part: summary_ms(alert_parts[part]) for part in ("queue_wait", "handling", "to_card")
        },
        "reply_latency_by_kind_ms": {k: summary_ms(v) for k, v in sorted(reply_by_kind.items())},
        "throughput_per_s": {
            "answered": round(counts["answered"] / window, 1),
            "replies_sent": round(counts["replies_to_children"] / window, 1),
        },
        "ok": (
            counts["lost"] == 0
            and counts["unanswered"] == 0
            and counts["incomplete"] == 0
            and counts["replies_attributed"] == counts["replies_to_children"]
            and counts["replies_to_children"] == counts["replies_expected"]
        ),
    }


def table(result: dict[str, Any]) -> list[str]:
    """A readable rendering of one result of this scenario."""
    p, counts, latency = result["parameters"], result["counts"], result["latency_ms"]
    alert_parts = result["alert_breakdown_ms"]
    rows = [
        ("reply, any message", latency["reply"]),
        ("  queue wait (to handling)", latency["queue_wait"]),
        ("  handling (no sends)", latency["handling"]),
        ("  delivery (to last reply)", latency["delivery"]),
        ("reply to a disclosure", result["reply_latency_by_kind_ms"].get("disclosure")),
        ("alert card, from message", latency["alert"]),
        ("  queue wait (to handling)", alert_parts["queue_wait"]),
        ("  handling (case committed)", alert_parts["handling"]),
        ("  handling start to card", alert_parts["to_card"]),
    ]
    low, high = p["gap"]
    lines = [
        f"{NAME} ({result.get('load', 'custom')}) on {result['database']}: {p['children']} "
        f"children for {p['seconds']:g} s, each a message every {low:g}-{high:g} s, sending "
        f"at most {result['max_rate']}/s (startup {result['startup_s']:g} s)",
        "",
        f"{'latency (ms)':<28}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}",
    ]
    for label, figures in rows:
        figures = figures or summary_ms([])
        cells = "".join(
            f"{'-' if figures[k] is None else format(figures[k], '.0f'):>9}"
            for k in ("p50", "p95", "p99", "max")
        )
        lines.append(f"{label:<28}{figures['n']:>6}{cells}")
    lag = result["loop_lag_ms"]
    lines.append(
        f"{'event loop lag (timer)':<28}{lag['n']:>6}"
        + "".join(f"{format(lag[k] or 0, '.0f'):>9}" for k in ("p50", "p95", "p99", "max"))
    )
    rate, timing = result["throughput_per_s"], result["timing_s"]
    silent = f", no reply due {counts['silent']}" if counts["silent"] else ""
    lines += [
        "",
        f"throughput   offered {rate['offered']:g} msg/s, answered {rate['answered']:g} msg/s, "
        f"replies sent {rate['replies_sent']:g}/s",
        f"messages     sent {counts['messages_sent']}, answered {counts['answered']}{silent}, "
        f"unanswered {counts['unanswered']}, cut short {counts['incomplete']}, "
        f"error replies {counts['error_replies']}",
        f"replies      due {counts['replies_expected']}, sent {counts['replies_to_children']} "
        f"(edits {counts['edits_to_children']}), each matched to its message "
        f"{counts['replies_attributed']}",
        f"disclosures  {counts['disclosures']}, alerts delivered {counts['alerts_delivered']}, "
        f"LOST {counts['lost']} (not escalated {counts['not_escalated']}, undelivered "
        f"{counts['undelivered']}), false alarms {counts['false_alarms']}",
        f"run          sending {timing['sending']:g} s, draining {timing['draining']:g} s"
        f"{'' if timing['drained'] else ' (GAVE UP)'}, bot's CPU {timing['cpu_share']:.0%} of one "
        f"core (Telegram's side {timing.get('telegram_cpu_share', 0):.0%}), "
        f"peak RSS {result['peak_rss_mb']} MB",
    ]
    return lines
