// The address form's commune chooser follows the postcode as it is typed (without JavaScript, the
// postcode alone is sent first and the page comes back with its communes).
(function () {
  "use strict";
  var form = document.querySelector("form[data-communes-url]");
  if (!form) { return; }
  var postcode = form.querySelector("input[name=postcode]");
  var commune = form.querySelector("select[name=commune]");
  var status = form.querySelector("[data-communes-status]");
  if (!postcode || !commune) { return; }
  var placeholder = commune.options.length ? commune.options[0].textContent : "";
  var asked = "";

  function fill(communes) {
    var chosen = commune.value;
    while (commune.options.length) { commune.remove(0); }
    commune.add(new Option(placeholder, ""));
    communes.forEach(function (item) {
      commune.add(new Option(item.name, String(item.id), false, String(item.id) === chosen || communes.length === 1));
    });
    if (status) {
      status.textContent = communes.length === 0 ? form.dataset.noneText || ""
        : communes.length + " " + (communes.length === 1 ? (form.dataset.oneText || "") : (form.dataset.manyText || ""));
    }
  }

  postcode.addEventListener("input", function () {
    var value = postcode.value.replace(/\s/g, "");
    if (!/^\d{5}$/.test(value) || value === asked) { return; }
    asked = value;
    fetch(form.dataset.communesUrl + "?code_postal=" + encodeURIComponent(value), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { communes: [] }; })
      .then(function (data) { if (asked === value) { fill(data.communes); } })
      .catch(function () { /* the form still works by sending the postcode alone */ });
  });
}());
