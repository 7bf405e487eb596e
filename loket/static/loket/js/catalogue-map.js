/*
 * Maps of the public catalogue. Loaded with <script src> (the CSP forbids inline scripts); all
 * settings come from data- attributes on the map element.
 *
 * - #catalogue-map: the sites of the current search, fetched from the map's own compact data
 *   (/<lang>/sites/map.json) with the page's query string, clustered with Leaflet.markercluster.
 *   Sites whose location is hidden are not in it; the list beside the map names them.
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

  function catalogueMap(element) {
    var map = baseMap(element).setView(BRUSSELS, 12);
    var cluster = L.markerClusterGroup();
    map.addLayer(cluster);
    fetch(element.dataset.mapUrl, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var language = element.dataset.language;
        data.sites.forEach(function (site) {
          var marker = L.marker(site.point, { title: site.title, alt: site.title });
          marker.bindPopup(popupFor(site, language));
          cluster.addLayer(marker);
        });
        if (cluster.getLayers().length) {
          map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 16 });
        }
        element.dataset.markers = String(cluster.getLayers().length);
      })
      .catch(function () {
        element.dataset.markers = "error";
      });
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
