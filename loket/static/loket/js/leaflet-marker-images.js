/*
 * Leaflet's default marker images, by the addresses the page gives. Loaded right after
 * leaflet.js by templates/includes/leaflet_marker_images.html.
 *
 * Leaflet guesses where its images are from the background image of a class in leaflet.css.
 * Under the hashed static storage that image is marker-icon.<hash>.png, so the guess ends in
 * a file name, and the icon, its retina version and the shadow all return 404. The script tag
 * carries their {% static %} addresses (hashed or plain) instead; the CSP forbids an inline
 * script, and a data- attribute needs none.
 */
(function () {
  "use strict";

  var images = document.currentScript.dataset;
  // A string stops Leaflet's guess; the URLs below are whole, so the prefix is empty.
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: images.markerIcon,
    iconRetinaUrl: images.markerIconRetina,
    shadowUrl: images.markerShadow,
  });
})();
