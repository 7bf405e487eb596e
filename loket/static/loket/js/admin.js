/* What the admin's third-party scripts write, made accessible (loaded by
   templates/admin/base_site.html, after them, on every admin page):

   - modeltranslation's language tabs (jQuery UI) put a link inside each tab. The tab is the
     control (it takes focus, arrows move between tabs), so the link loses its href and with
     it its second tab stop (axe: nested-interactive).
   - modeltranslation's language switch is a bare select appended to the page title, showing
     the first language whatever the tabs show. It moves under the title and subtitle, with
     a visible label (axe: select-name), and shows the language of the tabs.
   - select2's box (autocomplete fields) and the read-only text box in it are named by the
     text of the current choice only, which is empty until one is made. They are named by
     their field's label first (axe: aria-input-field-name).

   The texts come from the script tag's data attributes, translated by the template. */
(function () {
  "use strict";

  var strings = document.currentScript ? document.currentScript.dataset : {};

  function untangleTabs(root) {
    root.querySelectorAll('[role="tab"] a[href]').forEach(function (link) {
      link.removeAttribute("href");
    });
  }

  function labelLanguageSwitch() {
    var select = document.getElementById("modeltranslation-main-switch");
    if (!select || select.labels.length || !strings.languageSwitch) {
      return;
    }
    var wrapper = document.createElement("p");
    var label = document.createElement("label");
    wrapper.className = "translation-switch";
    label.htmlFor = select.id;
    label.textContent = strings.languageSwitch;
    var heading = select.closest("h1");
    var title = document.querySelector(".desk-title");
    if (title) {
      title.append(wrapper);
    } else if (heading) {
      heading.insertAdjacentElement("afterend", wrapper);
    } else {
      select.insertAdjacentElement("beforebegin", wrapper);
    }
    wrapper.append(label, " ", select);
    // The tabs open on the page's language; the switch starts on the first language. Show
    // the language the tabs show.
    var active = document.querySelector('[role="tablist"] [role="tab"][aria-selected="true"]');
    if (active) {
      select.selectedIndex = Array.prototype.indexOf.call(active.parentNode.children, active);
    }
  }

  function nameSelect2Boxes(root) {
    root.querySelectorAll("select.select2-hidden-accessible").forEach(function (select) {
      var container = select.nextElementSibling;
      var box = container && container.querySelector(".select2-selection[aria-labelledby]");
      var label = select.labels && select.labels[0];
      if (!box || !label) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "-label";
      }
      var ids = box.getAttribute("aria-labelledby").split(" ");
      if (ids.indexOf(label.id) === -1) {
        box.setAttribute("aria-labelledby", [label.id].concat(ids).join(" "));
      }
      // The read-only text box that shows the choice needs a name of its own.
      var shown = box.querySelector('[role="textbox"]');
      if (shown && !shown.hasAttribute("aria-labelledby")) {
        shown.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  function fix(root) {
    untangleTabs(root);
    nameSelect2Boxes(root);
  }

  var $ = window.django && window.django.jQuery;
  if ($) {
    // After the handlers that build the tabs and the select2 boxes: jQuery runs its ready
    // handlers in the order they were added, and theirs were added before this file ran.
    $(function () {
      fix(document);
      labelLanguageSwitch();
    });
    $(document).on("formset:added", function (event) {
      // Let the other formset:added handlers (tabs, select2) build the new row first.
      window.setTimeout(function () {
        fix(event.target);
      });
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      fix(document);
    });
  }
})();
