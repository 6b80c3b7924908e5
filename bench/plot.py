"""Wall time vs hosts for rig, ansible-playbook, pyinfra and the raw ssh floor (medians of successful runs), no-op and first run side by side."""
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

results = json.load(open(sys.argv[1]))
out = sys.argv[2]
styles = {"rig": "o-", "ansible": "s-", "pyinfra": "^-", "floor": "k--"}
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), dpi=90)
for ax, scenario in zip(axes, ["noop", "first"]):
    for tool, style in styles.items():
        pts = {}
        for s in results["samples"]:
            if s["code"] == 0 and s["tool"] == tool and (s["scenario"] == scenario or (tool == "floor" and s["scenario"] == "probe")):
                pts.setdefault(s["n"], []).append(s["wallS"])
        if not pts:
            continue
        ns = sorted(pts)
        ax.plot(ns, [statistics.median(pts[n]) for n in ns], style, label=tool)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("hosts")
    ax.set_ylabel("wall time, s (median)")
    ax.set_title("no-op re-run" if scenario == "noop" else "first run (everything changes)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
fig.suptitle(f"25-task workload over ssh on loopback ({results['env'].get('cpu', '')})", fontsize=9)
fig.tight_layout()
fig.savefig(out)
