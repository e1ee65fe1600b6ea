"""Render the review report as a single offline HTML file.

Everything is inline (CSS, script, previews as ``data:`` URIs): the page opens from disk
with no network.  Photos can be sorted by name, score or exposure change and filtered to
failures; each card shows before/after previews, the settings with their reasons, masks
and the critique (its score with the stars `xmp.critique.rating_for_score` gives, its
paragraphs and its suggestions).
"""

from __future__ import annotations

import base64
import html
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from xmp.critique import rating_for_score

__all__ = ["ReportEntry", "render_report", "write_report"]


@dataclass
class ReportEntry:
    """One photo in the report.

    Attributes:
        path: the photo's path as shown to the user.
        status: ``"ok"``, ``"failed"`` or ``"skipped"``.
        settings: Lightroom-keyed develop settings in slider units.
        reasons: Lightroom name → one-sentence reason.
        masks: local adjustments as in ``--json`` (name, settings, reason).
        before_jpeg / after_jpeg: preview JPEG bytes (same size), when rendered.
        error: why the photo failed or was skipped.
        score: critique score 0..100, when critiqued (shown with its star rating).
        critique: critique text, when critiqued: paragraphs separated by a blank line.
        suggestions: the critique's suggestions as the user reads them
            (`bridge.output.suggestion_line`).
        mask_overlays: mask name → JPEG of the after preview with the mask tinted.
    """

    path: str
    status: str
    settings: Mapping[str, float | str] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)
    masks: Sequence[Mapping[str, object]] = ()
    before_jpeg: bytes | None = None
    after_jpeg: bytes | None = None
    error: str = ""
    score: float | None = None
    critique: str = ""
    suggestions: Sequence[str] = ()
    mask_overlays: Mapping[str, bytes] = field(default_factory=dict)


_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#1d1f21;color:#e6e6e6}
header{padding:12px 20px;background:#111;position:sticky;top:0;z-index:2;display:flex;gap:16px;
 align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0 12px 0 0}
select,label{font:inherit;color:inherit;background:#2a2c2f;border:1px solid #444;padding:3px 6px}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:16px;padding:16px;
 align-items:start}
.card{background:#2a2c2f;border-radius:6px;padding:12px;overflow:hidden}
.card.failed,.card.skipped{border-left:4px solid #e0584f}
.card h2{font-size:14px;margin:0 0 8px;word-break:break-all}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;margin-left:6px}
.ok .badge{background:#2f6f3e}.failed .badge,.skipped .badge{background:#8a2f2a}
.compare{position:relative;line-height:0;user-select:none}
.compare img{width:100%;display:block}
.compare .before{position:absolute;top:0;left:0;height:100%;overflow:hidden;width:50%;
 border-right:2px solid #fff}
.compare .before img{max-width:none}
.slider{width:100%;margin:6px 0 0}
.tags{font-size:12px;color:#aaa;display:flex;justify-content:space-between}
table{border-collapse:collapse;width:100%;margin-top:8px;font-size:13px}
td{border-top:1px solid #3a3c3f;padding:3px 4px;vertical-align:top}
td.k{white-space:nowrap;color:#9cc3ff}td.v{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.r{color:#bbb}
.error{color:#ff8a80}.score{float:right;font-weight:bold}
.stars{color:#f0c24b;margin-left:6px}
.critique{color:#ccc}.critique p{margin:6px 0}.critique ul{margin:6px 0;padding-left:18px}
.mask{overflow:hidden}.overlay{float:right;width:140px;margin:0 0 4px 8px;border-radius:3px}
"""

_SCRIPT = """
const main=document.querySelector('main');
function apply(){
  const key=document.getElementById('sort').value, only=document.getElementById('filter').value;
  const cards=[...main.children];
  cards.sort((a,b)=>{
    if(key==='name') return a.dataset.name.localeCompare(b.dataset.name);
    return parseFloat(b.dataset[key])-parseFloat(a.dataset[key]);
  });
  for(const c of cards){main.appendChild(c);
    c.hidden = only!=='all' && c.dataset.status!==only;}
}
document.getElementById('sort').onchange=apply;
document.getElementById('filter').onchange=apply;
for(const r of document.querySelectorAll('input.slider')){
  const box=r.previousElementSibling, b=box.querySelector('.before'), img=b.querySelector('img');
  const fit=()=>{img.style.width=box.querySelector('.after').clientWidth+'px';};
  r.oninput=()=>{b.style.width=r.value+'%';}; fit(); window.addEventListener('resize',fit);
}
apply();
// A marker for automated checks: how many previews decoded.
window.addEventListener('load',()=>{document.body.dataset.decodedImages=
  [...document.images].filter(i=>i.complete&&i.naturalWidth>0).length;});
"""


def _data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def _format(value: float | str) -> str:
    if isinstance(value, str):
        return html.escape(value)
    return f"{value:+.2f}" if abs(value - round(value)) > 1e-9 else f"{value:+.0f}"


def _card(entry: ReportEntry) -> str:
    esc = html.escape
    name = Path(entry.path).name
    parts = [f"<h2>{esc(name)}<span class=badge>{esc(entry.status)}</span>"]
    if entry.score is not None:
        stars = rating_for_score(entry.score)
        parts.append(f"<span class=score>{entry.score:.0f}/100<span class=stars "
                     f"title='{stars} of 5 stars'>{'★' * stars}</span></span>")
    parts.append("</h2>")
    if entry.before_jpeg and entry.after_jpeg:
        parts.append(
            "<div class=compare>"
            f"<img class=after alt='after' src='{_data_uri(entry.after_jpeg)}'>"
            f"<div class=before><img alt='before' src='{_data_uri(entry.before_jpeg)}'></div></div>"
            "<input class=slider type=range min=0 max=100 value=50 aria-label='before/after'>"
            "<div class=tags><span>◀ before</span><span>after ▶</span></div>"
        )
    if entry.error:
        parts.append(f"<p class=error>{esc(entry.error)}</p>")
    if entry.settings:
        rows = "".join(
            f"<tr><td class=k>{esc(k)}</td><td class=v>{_format(v)}</td>"
            f"<td class=r>{esc(entry.reasons.get(k, ''))}</td></tr>"
            for k, v in entry.settings.items()
        )
        parts.append(f"<table>{rows}</table>")
    for mask in entry.masks:
        local = cast(Mapping[str, float], mask.get("settings") or {})
        values = ", ".join(f"{k} {_format(v)}" for k, v in local.items())
        overlay = entry.mask_overlays.get(str(mask.get("name", "")))
        picture = (f"<img class=overlay alt='mask {esc(str(mask.get('name', '')))}' "
                   f"src='{_data_uri(overlay)}'>" if overlay else "")
        parts.append(
            f"<p class=mask>{picture}<b>Mask {esc(str(mask.get('name', '')))}</b>: {esc(values)} "
            f"<span class=r>{esc(str(mask.get('reason', '')))}</span></p>"
        )
    if entry.critique or entry.suggestions:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in entry.critique.split("\n\n")
                             if p.strip())
        items = "".join(f"<li>{esc(line)}</li>" for line in entry.suggestions)
        parts.append(f"<div class=critique>{paragraphs}"
                     f"{f'<ul>{items}</ul>' if items else ''}</div>")
    exposure = entry.settings.get("Exposure2012", 0.0)
    attrs = {
        "name": name.lower(),
        "status": entry.status,
        "score": f"{entry.score if entry.score is not None else -1:.1f}",
        "exposure": f"{abs(float(exposure)) if not isinstance(exposure, str) else 0:.2f}",
    }
    data = " ".join(f"data-{k}='{esc(v)}'" for k, v in attrs.items())
    return f"<section class='card {esc(entry.status)}' {data} title='{esc(entry.path)}'>" + "".join(
        parts
    ) + "</section>"


def render_report(entries: Sequence[ReportEntry], *, title: str = "Atelier review") -> str:
    """The report page as an HTML string."""
    counts = {s: sum(e.status == s for e in entries) for s in ("ok", "failed", "skipped")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    cards = "\n".join(_card(e) for e in entries)
    meta = json.dumps({"photos": len(entries), **counts})
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>"
        f"<script type='application/json' id=summary>{meta}</script></head><body>"
        f"<header><h1>{html.escape(title)}</h1><span>{len(entries)} photos: {summary}</span>"
        "<label>Sort <select id=sort><option value=name>name</option>"
        "<option value=score>score</option><option value=exposure>exposure change</option>"
        "</select></label><label>Show <select id=filter><option value=all>all</option>"
        "<option value=ok>done</option><option value=failed>failures</option>"
        "<option value=skipped>skipped</option></select></label></header>"
        f"<main>{cards}</main><script>{_SCRIPT}</script></body></html>"
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_report(
    path: Path, entries: Sequence[ReportEntry], *, title: str = "Atelier review"
) -> Path:
    """Write the report atomically to ``path`` and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(render_report(entries, title=title))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
