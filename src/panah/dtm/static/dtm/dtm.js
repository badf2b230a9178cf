/* Displacement dashboard: district choropleth over Panah's own boundaries (works offline: no tile layer), and
   filters that apply on change. Figures and colours come from the DTM API; texts from data- attributes. */
(function () {
  "use strict";

  var PAKISTAN = [[23.6, 60.8], [37.1, 77.9]];
  var PROVINCE = { color: "#0b2f52", weight: 1.5, fill: false, interactive: false };
  var HIGHLIGHT = { weight: 2.5, color: "#0b2f52" };

  function side(position) {
    // Leaflet places controls by physical side; mirror them on right-to-left pages.
    if (document.documentElement.getAttribute("dir") !== "rtl") { return position; }
    return position.indexOf("left") >= 0 ? position.replace("left", "right") : position.replace("right", "left");
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(url + ": " + r.status); } return r.json(); });
  }

  function grouped(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"); }

  function tooltip(el, props, figure) {
    // Built from text nodes: names are data, never markup.
    var box = document.createElement("div");
    box.className = "dtm-tip";
    var title = document.createElement("strong");
    title.textContent = props.name;
    var code = document.createElement("span");
    code.className = "mono";
    code.textContent = " " + props.pcode;
    box.appendChild(title);
    box.appendChild(code);
    var lines = figure
      ? [el.dataset.labelIndividuals + ": " + grouped(figure.individuals),
         el.dataset.labelChange + ": " + (figure.change === null ? el.dataset.labelFirst
           : (figure.change > 0 ? "+" : "") + grouped(figure.change))]
      : [el.dataset.labelNoFigure];
    lines.forEach(function (line) {
      var div = document.createElement("div");
      div.textContent = line;
      box.appendChild(div);
    });
    return box;
  }

  function districtLayer(el, boundaries, layer) {
    var byPcode = {};
    layer.districts.forEach(function (d) { byPcode[d.pcode] = d; });
    var province = el.dataset.province;
    var features = boundaries.features.filter(function (f) {
      return !province || f.properties.parent_pcode === province;
    });
    return L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function (feature) {
        var figure = byPcode[feature.properties.pcode];
        return { color: "#ffffff", weight: 0.6, fillOpacity: 0.9, fillColor: figure ? figure.colour : layer.no_data_colour };
      },
      onEachFeature: function (feature, path) {
        path.bindTooltip(tooltip(el, feature.properties, byPcode[feature.properties.pcode]), { sticky: true });
        path.on("mouseover", function () { path.setStyle(HIGHLIGHT); path.bringToFront(); });
        path.on("mouseout", function () { path.setStyle({ color: "#ffffff", weight: 0.6 }); });
      }
    });
  }

  function addLegend(map) {
    var legend = document.getElementById("dtm-legend");
    // On a phone the legend stays below the map instead of covering it.
    if (!legend || window.matchMedia("(max-width: 640px)").matches) { return; }
    var control = L.control({ position: side("bottomleft") });
    control.onAdd = function () { legend.classList.add("leaflet-control"); L.DomEvent.disableClickPropagation(legend); return legend; };
    control.addTo(map);
  }

  function choropleth(el) {
    var map = L.map(el, { zoomControl: false, attributionControl: false, zoomSnap: 0.25 });
    L.control.zoom({ position: side("topleft") }).addTo(map);
    L.control.attribution({ position: side("bottomright"), prefix: false }).addTo(map).addAttribution(el.dataset.attribution);
    map.fitBounds(PAKISTAN);
    addLegend(map);
    Promise.all([getJSON(el.dataset.districtsUrl), getJSON(el.dataset.provincesUrl), getJSON(el.dataset.figuresUrl)])
      .then(function (all) {
        var districts = districtLayer(el, all[0], all[2]).addTo(map);
        var province = el.dataset.province;
        L.geoJSON({ type: "FeatureCollection", features: all[1].features.filter(function (f) {
          return !province || f.properties.pcode === province;
        }) }, { style: PROVINCE, interactive: false }).addTo(map);
        if (province && districts.getLayers().length) { map.fitBounds(districts.getBounds()); }
        el.dataset.ready = "true";
      })
      .catch(function () { document.getElementById("dtm-map-status").textContent = el.dataset.messageFailed; });
  }

  function autosubmit(form) {
    // A chosen operation or province shows at once; the button stays for keyboards and for pages without JS.
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.name === "operation") { var round = form.querySelector("select[name=round]"); if (round) { round.disabled = true; } }
        form.submit();
      });
    });
  }

  function start() {
    document.querySelectorAll("form[data-autosubmit]").forEach(autosubmit);
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-dtm-map]").forEach(choropleth);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
