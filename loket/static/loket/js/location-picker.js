/*
 * The owner's location picker: a Leaflet map beside the latitude and longitude inputs.
 *
 * Clicking the map or dragging the marker writes the point into the inputs; typing in the
 * inputs moves the marker. Without JavaScript the map stays hidden and the two inputs work as
 * plain number fields. No inline script (see the CSP): everything comes from data- attributes.
 */
(function () {
  "use strict";

  var container = document.getElementById("location-map");
  if (!container || typeof L === "undefined") {
    return;
  }

  var BRUSSELS = [50.8466, 4.3528];
  var latInput = document.getElementById(container.dataset.latitudeInput);
  var lonInput = document.getElementById(container.dataset.longitudeInput);
  var communeInput = document.getElementById(container.dataset.communeInput);
  var readOnly = container.dataset.readOnly === "true";
  var centres = {};
  var centresElement = document.getElementById(container.dataset.centres);
  if (centresElement) {
    centres = JSON.parse(centresElement.textContent);
  }
  if (!latInput || !lonInput) {
    return;
  }

  container.hidden = false;
  var help = document.getElementById("location-map-help");
  if (help && !readOnly) {
    help.hidden = false;
  }

  function currentPoint() {
    var lat = parseFloat(latInput.value);
    var lon = parseFloat(lonInput.value);
    if (isNaN(lat) || isNaN(lon)) {
      return null;
    }
    return [lat, lon];
  }

  function communeCentre() {
    var centre = communeInput && centres[communeInput.value];
    return centre ? [parseFloat(centre[0]), parseFloat(centre[1])] : null;
  }

  var start = currentPoint();
  var map = L.map(container, {
    center: start || communeCentre() || BRUSSELS,
    zoom: start ? 17 : communeCentre() ? 14 : 12,
    scrollWheelZoom: false,
  });
  L.tileLayer(container.dataset.tileUrl, {
    attribution: container.dataset.attribution,
    maxZoom: 19,
  }).addTo(map);

  var marker = null;

  function writeInputs(latlng) {
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    latInput.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function placeMarker(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    marker = L.marker(latlng, {
      draggable: !readOnly,
      keyboard: !readOnly,
      title: container.dataset.markerLabel,
      alt: container.dataset.markerLabel,
    }).addTo(map);
    marker.on("dragend", function () {
      writeInputs(marker.getLatLng());
    });
  }

  if (start) {
    placeMarker(L.latLng(start[0], start[1]));
  }

  if (!readOnly) {
    map.on("click", function (event) {
      placeMarker(event.latlng);
      writeInputs(event.latlng);
    });

    function followInputs() {
      var point = currentPoint();
      if (point) {
        placeMarker(L.latLng(point[0], point[1]));
        map.panTo(point);
      }
    }
    latInput.addEventListener("input", followInputs);
    lonInput.addEventListener("input", followInputs);

    if (communeInput) {
      communeInput.addEventListener("change", function () {
        var centre = communeCentre();
        if (centre && !currentPoint()) {
          map.setView(centre, 14);
        }
      });
    }
  }
})();
