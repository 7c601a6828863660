"""The Direct tab's styles: the page around the strip (the strip's own are in ``strip.py``)."""

from director.ui.direct.strip import STRIP_CSS

DIRECT_CSS = STRIP_CSS + """
.dr-steps { display: flex; flex-wrap: wrap; gap: 8px 18px; font-size: 14px; color: var(--body-text-color-subdued); padding: 2px 2px 6px; }
.dr-steps b { display: inline-grid; place-items: center; width: 22px; height: 22px; margin-right: 6px; border-radius: 50%;
  background: var(--color-accent); color: white; font-size: 12px; }
#dr-live { background: #0b0d12; border-radius: 8px; }
#dr-start { font-size: 17px; font-weight: 700; }
#dr-status { min-height: 2.2em; font-variant-numeric: tabular-nums; }
#dr-table-msg p, #dr-table-msg li { color: #dc2626; }
.dr-add { align-items: end; }
#dr-mp4, #dr-out-file { min-height: 0; }
@media (max-width: 640px) {
  .dr-steps { font-size: 13px; }
  #dr-table table { min-width: 620px; }
  #dr-table .table-wrap, #dr-table .table-container { overflow-x: auto; }
  .dr-tick:nth-child(even) { display: none; }
  .dr-label { max-width: 92px; }
  .dr-mark { max-width: 45%; }
}
"""
