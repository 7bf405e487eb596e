/*
 * Maps of the public catalogue. Loaded with <script src> (the CSP forbids inline scripts); all
 * settings come from data- attributes on the map element.
 *
 * - #catalogue-map: the sites of the current search, fetched from the open-data GeoJSON with
 *   the page's own query string, clustered with Leaflet.markercluster. Sites whose location is
 *   hidden have no geometry and stay off the map; the list beside it names them.
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

  function titleFor(properties, language) {
    var other = language === "fr" ? "nl" : "fr";
    var own = language === "fr" ? "fr" : "nl";
    return properties["title_" + own] || properties["title_" + other] || properties.reference;
  }

  function communeFor(properties, language) {
    return language === "fr" ? properties.commune_fr : properties.commune_nl;
  }

  function popupFor(properties, element) {
    var language = element.dataset.language;
    var box = document.createElement("div");
    var heading = document.createElement("p");
    heading.className = "map-popup-title";
    var link = document.createElement("a");
    link.href = element.dataset.detailUrl.replace(
      "__reference__",
      encodeURIComponent(properties.reference)
    );
    link.textContent = titleFor(properties, language);
    heading.appendChild(link);
    box.appendChild(heading);
    var facts = document.createElement("p");
    var surface = Math.round(properties.total_surface_m2).toLocaleString(language);
    facts.textContent = [properties.reference, communeFor(properties, language), surface + " m²"]
      .filter(Boolean)
      .join(" · ");
    box.appendChild(facts);
    return box;
  }

  function catalogueMap(element) {
    var map = baseMap(element).setView(BRUSSELS, 12);
    var cluster = L.markerClusterGroup();
    map.addLayer(cluster);
    fetch(element.dataset.geojsonUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        var language = element.dataset.language;
        collection.features.forEach(function (feature) {
          if (!feature.geometry) {
            return;
          }
          var coordinates = feature.geometry.coordinates;
          var title = titleFor(feature.properties, language);
          var marker = L.marker([coordinates[1], coordinates[0]], { title: title, alt: title });
          marker.bindPopup(popupFor(feature.properties, element));
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
