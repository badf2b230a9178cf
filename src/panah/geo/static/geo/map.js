/* Panah maps. Boundaries come from Panah's own API, so the maps work offline; OpenStreetMap tiles are an
   optional base layer, added only while the browser is online. Settings and texts come from data- attributes. */
(function () {
  "use strict";

  var STYLE = {
    countryAlone: { color: "#0b2f52", weight: 3, fillColor: "#f3efe4", fillOpacity: 0.9 },
    countryOnTiles: { color: "#0b2f52", weight: 3, fillColor: "#f3efe4", fillOpacity: 0.05 },
    province: { color: "#0b4f8a", weight: 2, fillColor: "#e8eef5", fillOpacity: 0.35 },
    district: { color: "#5b6673", weight: 0.8, dashArray: "3 3", fillOpacity: 0 },
    highlight: { weight: 3, color: "#b26a00" }
  };
  var PAKISTAN = [[23.6, 60.8], [37.1, 77.9]];

  function side(position) {
    // Leaflet places controls by physical side; mirror them on right-to-left pages.
    if (document.documentElement.getAttribute("dir") !== "rtl") { return position; }
    return position.indexOf("left") >= 0 ? position.replace("left", "right") : position.replace("right", "left");
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;  // names are data, never markup
    return span;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(url + ": " + r.status); } return r.json(); });
  }

  function showFailure(el) {
    var status = document.getElementById("map-status");
    if (status) { status.textContent = el.dataset.messageFailed; }
  }

  function createMap(el) {
    var map = L.map(el, { zoomControl: false, attributionControl: false, zoomSnap: 0.25 });
    L.control.zoom({ position: side("topleft") }).addTo(map);
    // No prefix: Leaflet's default links to an outside site; the credits shown are those of the data on the map.
    L.control.attribution({ position: side("bottomright"), prefix: false }).addTo(map);
    map.fitBounds(PAKISTAN);
    // On a phone the open layer list would hide half the map: it folds into its button there.
    var narrow = window.matchMedia("(max-width: 640px)").matches;
    var control = L.control.layers({}, {}, { position: side("topright"), collapsed: narrow || el.dataset.geoMap !== "boundaries" });
    control.addTo(map);
    var none = L.layerGroup().addTo(map);
    control.addBaseLayer(none, el.dataset.labelNoBase);
    var tiles = L.tileLayer(el.dataset.tilesUrl, { maxZoom: 18, attribution: el.dataset.attributionOsm });
    var offered = false;
    var loaded = false;
    var failures = 0;
    function offerTiles() {
      if (offered || !navigator.onLine) { return; }
      offered = true;
      control.addBaseLayer(tiles, el.dataset.labelOsm);
      map.removeLayer(none);
      tiles.addTo(map);
    }
    // "Online" can still mean no route to the tile server (a captive portal, a mission VPN): when the first tiles
    // all fail, fall back to the boundaries alone rather than show a half-empty map.
    tiles.on("tileload", function () { loaded = true; });
    tiles.on("tileerror", function () {
      failures += 1;
      if (!loaded && failures >= 4 && map.hasLayer(tiles)) { map.removeLayer(tiles); none.addTo(map); }
    });
    offerTiles();
    window.addEventListener("online", offerTiles);
    return { map: map, control: control, tiles: tiles };
  }

  function countryLayer(view, data, el) {
    var layer = L.geoJSON(data, { interactive: false, attribution: el.dataset.attributionOcha });
    // Offline the filled outline is what shows Pakistan; over tiles it would hide them.
    function restyle() { layer.setStyle(view.map.hasLayer(view.tiles) ? STYLE.countryOnTiles : STYLE.countryAlone); }
    view.tiles.on("add remove", restyle);
    restyle();
    return layer;
  }

  function areaLayer(data, style, attribution, onClick) {
    return L.geoJSON(data, {
      style: style,
      attribution: attribution,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(text(feature.properties.name + " · " + feature.properties.pcode), { sticky: true });
        layer.on("mouseover", function () { layer.setStyle(STYLE.highlight); });
        layer.on("mouseout", function () { layer.setStyle(style); });
        layer.on("click", function () { onClick(feature.properties.pcode); });
      }
    });
  }

  function labelsFor(data) {
    var group = L.layerGroup();
    data.features.forEach(function (f) {
      var p = f.properties.label_point;
      if (!p) { return; }
      var icon = L.divIcon({ className: "map-label", html: text(f.properties.name), iconSize: null });
      L.marker([p[1], p[0]], { icon: icon, interactive: false, keyboard: false }).addTo(group);
    });
    return group;
  }

  function addLegend(map) {
    var source = document.getElementById("map-legend");
    // On a phone the legend stays below the map, where the page already shows it, instead of covering the map.
    if (!source || window.matchMedia("(max-width: 640px)").matches) { return; }
    var legend = L.control({ position: side("bottomleft") });
    legend.onAdd = function () { L.DomEvent.disableClickPropagation(source); return source; };
    legend.addTo(map);
  }

  function focusFromHash(map, layers) {
    var pcode = decodeURIComponent(window.location.hash.slice(1));
    if (!pcode) { return; }
    layers.forEach(function (group) {
      group.eachLayer(function (l) {
        if (l.feature && l.feature.properties.pcode === pcode) { map.fitBounds(l.getBounds()); l.setStyle(STYLE.highlight); }
      });
    });
  }

  function boundariesMap(el) {
    var view = createMap(el);
    addLegend(view.map);
    var open = function (pcode) { window.location.href = el.dataset.areaUrl.replace("PCODE", encodeURIComponent(pcode)); };
    Promise.all([getJSON(el.dataset.countryUrl), getJSON(el.dataset.provincesUrl), getJSON(el.dataset.districtsUrl)])
      .then(function (all) {
        var country = countryLayer(view, all[0], el);
        var provinces = areaLayer(all[1], STYLE.province, el.dataset.attributionOcha, open);
        var districts = areaLayer(all[2], STYLE.district, el.dataset.attributionOsm, open);
        var names = labelsFor(all[1]);
        [country, provinces, districts, names].forEach(function (l) { l.addTo(view.map); });
        view.control.addOverlay(country, el.dataset.labelCountry);
        view.control.addOverlay(provinces, el.dataset.labelProvinces);
        view.control.addOverlay(districts, el.dataset.labelDistricts);
        view.control.addOverlay(names, el.dataset.labelNames);
        focusFromHash(view.map, [provinces, districts]);
      })
      .catch(function () { showFailure(el); });
  }

  function crossingsMap(el) {
    var view = createMap(el);
    Promise.all([getJSON(el.dataset.countryUrl), getJSON(el.dataset.crossingsUrl)])
      .then(function (all) {
        var country = countryLayer(view, all[0], el).addTo(view.map);
        var points = L.layerGroup().addTo(view.map);
        // Trusted points only: an estimate drawn on a map is read as a fact.
        all[1].filter(function (c) { return c.coordinates_trusted && c.latitude !== null; }).forEach(function (c) {
          var icon = L.divIcon({ className: "map-point", iconSize: [12, 12] });
          L.marker([c.latitude, c.longitude], { icon: icon, title: c.name })
            .bindTooltip(text(c.name + " · " + c.coord_status_label))
            .addTo(points);
        });
        view.control.addOverlay(country, el.dataset.labelCountry);
        view.control.addOverlay(points, el.dataset.labelCrossings);
      })
      .catch(function () { showFailure(el); });
  }

  function start() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-geo-map]").forEach(function (el) {
      if (el.dataset.geoMap === "boundaries") { boundariesMap(el); }
      if (el.dataset.geoMap === "crossings") { crossingsMap(el); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
