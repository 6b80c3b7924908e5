/** The run report's stylesheet (inline: the page loads nothing). Colours follow Ansible's output: green ok, amber
 *  changed, red failed, cyan skipped. */
export const STYLE = `
:root{--ok:#2e9d48;--changed:#c98a00;--failed:#d33a2c;--skipped:#2b9bb3;--unreachable:#a1124e;--muted:#6b7280;--line:#e5e7eb;--bg:#fff;--fg:#111827;--code:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;padding:20px 28px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:26px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta{color:var(--muted);margin:0}.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:var(--muted);margin-left:6px}
.badge.check{background:var(--skipped)}.badge.exit-ok{background:var(--ok)}.badge.exit-bad{background:var(--failed)}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:3px 10px;border-bottom:1px solid var(--line);text-align:right}
th:first-child,td:first-child{text-align:left}th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase}
td.n0{color:#c0c4cc}td.ok{color:var(--ok)}td.changed{color:var(--changed);font-weight:600}td.failed,td.unreachable{color:var(--failed);font-weight:600}td.skipped{color:var(--skipped)}
td.host.bad{color:var(--failed)}td.host.changed{color:var(--changed)}td.host.good{color:var(--ok)}
svg.timeline{display:block;max-width:1200px;font:11px system-ui,"DejaVu Sans",sans-serif}
svg .axis{fill:var(--muted);text-anchor:middle}svg .tick{stroke:var(--line)}svg .play-start{stroke:#6366f1;stroke-dasharray:3 3}
svg .host{text-anchor:end;fill:var(--fg)}svg .bar-label{fill:#fff;pointer-events:none}
svg .bar{stroke:#fff;stroke-width:.5}svg .bar.ok{fill:var(--ok)}svg .bar.changed{fill:var(--changed)}svg .bar.failed{fill:var(--failed)}
svg .bar.skipped{fill:#a5d8e3}svg .bar.unreachable{fill:var(--unreachable)}svg .bar.connect{fill:#9ca3af}svg .bar.facts{fill:#4b5563}
svg .bar.handler{stroke:#6366f1;stroke-width:2}svg .bar.ignored{fill-opacity:.45}
.legend{display:flex;flex-wrap:wrap;gap:12px;color:var(--muted);font-size:12px;margin:6px 0 0 0;padding:0;list-style:none}
.legend i{display:inline-block;width:12px;height:10px;margin-right:4px;border-radius:2px;vertical-align:-1px}
.item{border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:8px 12px}.item.failed{border-left:4px solid var(--failed)}.item.changed{border-left:4px solid var(--changed)}
.item.ignored{border-left:4px solid var(--muted);background:#fafafa}.item.ignored h3{color:var(--muted)}
ul.items{list-style:none;padding-left:4px}ul.items li{margin:2px 0}ul.items .status{font-weight:600}.status.ok{color:var(--ok)}.status.changed{color:var(--changed)}.status.failed{color:var(--failed)}.status.skipped{color:var(--skipped)}
td.ignored{color:var(--muted);font-weight:600}
.item h3{font-size:14px;margin:0}.item .where{color:var(--muted);font:12px ui-monospace,"DejaVu Sans Mono",monospace}
.item ul{margin:4px 0;padding-left:20px}
pre{background:var(--code);padding:8px 10px;border-radius:4px;overflow:auto;font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;margin:6px 0;white-space:pre-wrap;word-break:break-all}
pre.diff .add{color:#116329;background:#dafbe1}pre.diff .del{color:#82071e;background:#ffebe9}pre.diff .hunk{color:#0550ae}pre.diff .head{font-weight:600}
.none{color:var(--muted);font-style:italic}.hosts-count{color:var(--muted);font-weight:normal}
details summary{cursor:pointer;color:var(--muted)}
`;
