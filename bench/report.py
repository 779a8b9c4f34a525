"""From bench/results/latest.json to the side-by-side table, the targets, and bench/results/latest.md."""

from __future__ import annotations

import json
from typing import Any

from bench.common import RESULTS, markdown

API_TOLERANCE = 0.05  # API calls within 5 % of the minimum
UNCHANGED_FEW = 3  # an unchanged CRM costs at most a few calls per object
RATIO_TARGET = 2.0


def side_by_side(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """crmhub's initial sync against each alternative's on the same object, volume and store: the ratio of
    records/s (crmhub / alternative)."""
    ours = [r for r in rows if r.get("tool") == "crmhub" and r.get("initial_rec_per_s")]
    out = []
    for alt in (r for r in rows if r.get("tool") != "crmhub" and r.get("initial_rec_per_s")):
        for mine in ours:
            if (mine["object"], mine["store"], mine["records"]) != (alt["object"], alt["store"], alt["records"]):
                continue
            ratio = mine["initial_rec_per_s"] / alt["initial_rec_per_s"]
            out.append({
                "object": alt["object"], "records": alt["records"], "store": alt["store"],
                "crmhub": f"crmhub {mine['path']}" if mine.get("path") else "crmhub",
                "crmhub_rec_per_s": mine["initial_rec_per_s"], "crmhub_peak_rss_mb": mine.get("peak_rss_mb"),
                "alternative": alt["tool"], "alternative_rec_per_s": alt["initial_rec_per_s"],
                "alternative_peak_rss_mb": alt.get("peak_rss_mb"), "ratio": round(ratio, 2),
                "cpu_ratio": _cpu_ratio(mine, alt),
                "target_2x_met": ratio >= RATIO_TARGET,
            })
    return out


def _cpu_ratio(mine: dict[str, Any], alt: dict[str, Any]) -> float | None:
    """alternative CPU per record / crmhub CPU per record: the same ratio as records/s, free of the machine's
    other load (None when either side predates the CPU figure)."""
    ours, theirs = mine.get("initial_cpu_us_per_rec"), alt.get("initial_cpu_us_per_rec")
    return round(theirs / ours, 2) if ours and theirs else None


def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """API calls against the minimum, and the unchanged-CRM sync, per crmhub run."""
    out = []
    for r in rows:
        if r.get("tool") != "crmhub" or "api_calls" not in r:
            continue
        over = r["api_calls"] / r["api_calls_minimum"] - 1 if r["api_calls_minimum"] else 0.0
        out.append({
            "object": r["object"], "path": r.get("path", ""), "store": r["store"], "records": r["records"],
            "api_calls": r["api_calls"], "minimum": r["api_calls_minimum"], "over_minimum": f"{over:+.1%}",
            "within_5pct": r["api_calls"] <= r["api_calls_minimum"] * (1 + API_TOLERANCE),
            "unchanged_calls": r.get("unchanged_calls"),  # absent when the incremental phase did not run
            "unchanged_few": (r["unchanged_calls"] <= max(UNCHANGED_FEW, r["unchanged_minimum"])
                              if "unchanged_calls" in r else None),
        })
    return out


def write_markdown(order: list[tuple[str, str]]) -> str:
    """Every section of latest.json, in ``order`` (section, title) first, as markdown; written to latest.md."""
    data = json.loads((RESULTS / "latest.json").read_text())
    titles = dict(order)
    parts = []
    for section in [s for s, _ in order if s in data] + [s for s in data if s not in titles]:
        body = data[section]
        title = titles.get(section) or body.get("title") or section
        parts.append(f"## {title}\n\n_measured {body['measured_at']}_\n\n{markdown(body['rows'])}\n")
    text = "\n".join(parts)
    (RESULTS / "latest.md").write_text(text)
    return text


def rerender() -> str:
    """Recompute the side-by-side and target tables from the sync sections of latest.json and rewrite latest.md
    (``python -m bench.report``: after a partial or interrupted run)."""
    from bench.__main__ import section_order  # the CLI's order of sections

    data = json.loads((RESULTS / "latest.json").read_text())
    compared = [r for key, body in data.items() if key.endswith("_sync") for r in body["rows"]]
    for section, rows in (("side_by_side", side_by_side(compared)), ("api_targets", targets(compared))):
        data.setdefault(section, {"measured_at": data.get("hubspot_sync", {}).get("measured_at", "")})["rows"] = rows
    (RESULTS / "latest.json").write_text(json.dumps(data, indent=2))
    return write_markdown(section_order())


if __name__ == "__main__":
    print(rerender())
