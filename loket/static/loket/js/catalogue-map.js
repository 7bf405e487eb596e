/*
 * Maps of the public catalogue. Loaded with <script src> (the CSP forbids inline scripts); all
 * settings come from data- attributes on the map element.
 *
 * - #catalogue-map: the sites of the current search, fetched from the map's own compact data
 *   (/<lang>/sites/map.json) with the page's query string and the view shown (zoom and bounds,
 *   asked again when the map has stopped moving, unless the markers already cover it). Points
 *   are clustered on screen with Leaflet.markercluster; where a view holds too many, the server
 *   sends groups instead (a count at the centre of their sites), drawn as markers that zoom in.
 *   Sites whose location is hidden are not in it; the list beside the map names them all.
 * - [data-site-map]: one site's public point on its detail page.
 *
 * Popups are built as DOM nodes with textContent, never as HTML strings, because titles are
 * typed by owners.
 */
(function () {
  "use strict";

  var BRUSSELS = [50.8466, 4.3517];

  function baseMap(element, options) {
    var map = L.map(element, options || {});
    L.tileLayer(element.dataset.tileUrl, {
      attribution: element.dataset.tileAttribution,
      maxZoom: 19,
    }).addTo(map);
    return map;
  }

  function popupFor(site, language) {
    var box = document.createElement("div");
    var heading = document.createElement("p");
    heading.className = "map-popup-title";
    var link = document.createElement("a");
    link.href = site.url;
    link.textContent = site.title;
    heading.appendChild(link);
    box.appendChild(heading);
    var facts = document.createElement("p");
    var surface = site.surface_m2 === null ? "" : site.surface_m2.toLocaleString(language) + " m²";
    facts.textContent = [site.reference, site.commune, surface].filter(Boolean).join(" · ");
    box.appendChild(facts);
    return box;
  }

  // Wait this long after the map stops moving before asking for the new view.
  var DEBOUNCE_MS = 250;

  function clusterMarker(cluster, map, label) {
    var size = cluster.count < 10 ? "small" : cluster.count < 100 ? "medium" : "large";
    var inner = document.createElement("div");
    var number = document.createElement("span");
    number.textContent = String(cluster.count);
    inner.appendChild(number);
    var marker = L.marker(cluster.point, {
      title: label,
      icon: L.divIcon({
        html: inner,
        className: "marker-cluster marker-cluster-" + size,
        iconSize: L.point(40, 40),
      }),
    });
    marker.on("click", function () {
      var bounds = L.latLngBounds(cluster.bounds);
      var zoom = Math.max(map.getZoom() + 1, map.getBoundsZoom(bounds.pad(0.2)));
      map.setView(bounds.getCenter(), Math.min(zoom, map.getMaxZoom()));
    });
    return marker;
  }

  function catalogueMap(element) {
    var map = baseMap(element).setView(BRUSSELS, 12);
    var language = element.dataset.language;
    // Points: Leaflet clusters them on screen. Groups the server made: one marker each.
    var points = L.markerClusterGroup();
    var groups = L.layerGroup();
    map.addLayer(points);
    map.addLayer(groups);
    // What the markers show: the zoom, the bounds (null for the whole map), and whether the
    // server grouped them (if not, every site of the bounds is there, at any closer zoom).
    var loaded = null;
    var asked = 0;
    var timer = null;

    function covers(zoom, bounds) {
      if (!loaded || (loaded.bounds && !loaded.bounds.contains(bounds))) {
        return false;
      }
      return loaded.zoom === zoom || (!loaded.clustered && zoom >= loaded.zoom);
    }

    function address(zoom, bounds) {
      var url = new URL(element.dataset.mapUrl, window.location.href);
      url.searchParams.set("zoom", String(zoom));
      if (bounds) {
        var clamp = function (value, low, high) {
          return Math.min(high, Math.max(low, value)).toFixed(6);
        };
        url.searchParams.set(
          "bbox",
          [
            clamp(bounds.getWest(), -180, 179.99),
            clamp(bounds.getSouth(), -90, 89.99),
            clamp(bounds.getEast(), -179.99, 180),
            clamp(bounds.getNorth(), -89.99, 90),
          ].join(",")
        );
      }
      return url.toString();
    }

    function show(data, first) {
      points.clearLayers();
      groups.clearLayers();
      points.addLayers(
        data.sites.map(function (site) {
          var marker = L.marker(site.point, { title: site.title, alt: site.title });
          marker.bindPopup(popupFor(site, language));
          return marker;
        })
      );
      var extent = L.latLngBounds([]);
      data.sites.forEach(function (site) {
        extent.extend(site.point);
      });
      data.clusters.forEach(function (cluster) {
        var label = element.dataset.clusterLabel.replace(
          "{count}",
          cluster.count.toLocaleString(language)
        );
        var marker = clusterMarker(cluster, map, label);
        groups.addLayer(marker);
        marker.getElement().setAttribute("aria-label", label);
        extent.extend(cluster.bounds);
      });
      var box = data.bbox;
      loaded = {
        zoom: data.zoom,
        bounds: box ? L.latLngBounds([box[1], box[0]], [box[3], box[2]]) : null,
        clustered: data.clustered,
      };
      var total = data.sites.length;
      data.clusters.forEach(function (cluster) {
        total += cluster.count;
      });
      element.dataset.markers = String(total);
      if (first && extent.isValid()) {
        map.fitBounds(extent, { padding: [24, 24], maxZoom: 16 });
      }
    }

    function load(first) {
      var zoom = Math.round(map.getZoom());
      var bounds = first ? null : map.getBounds();
      if (!first && covers(zoom, bounds)) {
        return;
      }
      asked += 1;
      var number = asked;
      fetch(address(zoom, bounds), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          // An answer to an older view than the one asked last is dropped.
          if (number === asked) {
            show(data, first);
          }
        })
        .catch(function () {
          element.dataset.markers = "error";
        });
    }

    map.on("moveend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, DEBOUNCE_MS, false);
    });
    load(true);
  }

  function siteMap(element) {
    var point = [parseFloat(element.dataset.latitude), parseFloat(element.dataset.longitude)];
    var approximate = element.dataset.approximate === "true";
    var map = baseMap(element, { scrollWheelZoom: false }).setView(point, approximate ? 15 : 16);
    if (approximate) {
      L.circle(point, { radius: 250 }).addTo(map);
    } else {
      var label = element.dataset.markerLabel;
      L.marker(point, { title: label, alt: label }).addTo(map);
    }
  }

  var catalogue = document.getElementById("catalogue-map");
  if (catalogue) {
    catalogueMap(catalogue);
  }
  document.querySelectorAll("[data-site-map]").forEach(siteMap);
})();
