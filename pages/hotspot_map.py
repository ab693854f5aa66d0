"""热点地图: grids coloured by grade, rate or Gi* hotspot class, case density, red-light cases, street lines."""
from __future__ import annotations

import streamlit as st

from gridgov import hotmap, metrics
from gridgov.i18n import t
from ui import data, filters, geodata, grading_view, hotspot_view


def render() -> None:
    lang, cfg = filters.lang(), data.settings()
    span = metrics.data_span(data.fetch)
    st.title(t("hotspots_title", lang))
    chosen = None if span.empty else hotspot_view.pick_filters(span, cfg, lang)
    if chosen is None:
        st.info(t("no_data", lang))
        return
    f, colour, layers = chosen
    geometry = geodata.geometry()
    md = hotmap.build(data.fetch, f, cfg, geodata.neighbours(cfg.hotspots), span.as_of, geometry.centre_latitude)
    as_of = f"{span.as_of:%Y-%m-%d %H:%M}" if span.as_of else "—"
    st.caption(t("hs_caption", lang, period=grading_view.half_label(f.period, lang, span.as_of),
                 scope=f.street or t("all_streets", lang), basis=t("basis_" + f.basis, lang),
                 half=md.half.title(lang), as_of=as_of))

    deck, legend = hotspot_view.hotspot_map(md, geometry, colour, layers, cfg, lang)
    st.pydeck_chart(deck, on_select=lambda: grading_view.select_from_map("hotspot_map", "hs_grid"),
                    selection_mode="single-object", key="hotspot_map", height=620)
    st.markdown(legend, unsafe_allow_html=True)
    st.caption(hotspot_view.offline_note(cfg, layers, lang) + " "
               + t("hs_red_note", lang, total=md.red_total, shown=md.red.height))

    st.info(t("hs_click", lang))
    shown = md.grids if f.street is None else md.grids.filter(md.grids["street_name"] == f.street)
    grid_id = grading_view.pick_grid(shown, "hs_grid", lang, "hs_grid")
    if grid_id:
        hotspot_view.grid_panel(md, grid_id, cfg, lang)

    st.subheader(t("hs_gi_title", lang))
    hotspot_view.gi_section(md, cfg, lang)
