// Small helpers for the question forms; every page works without them.
"use strict";
document.addEventListener("click", function (event) {
  // "another year" / "another partner": add one more input like the last of its fieldset
  var button = event.target.closest("[data-add-row]");
  if (!button) return;
  var inputs = button.parentElement.querySelectorAll("input");
  var copy = inputs[inputs.length - 1].cloneNode(false);
  copy.value = "";
  button.parentElement.insertBefore(copy, button);
  copy.focus();
});
document.addEventListener("submit", function (event) {
  // leave empty fields out of the address, so a shared link says only what was asked
  if (event.target.method.toLowerCase() !== "get") return;
  event.target.querySelectorAll("input, select").forEach(function (field) {
    if (!field.value) field.disabled = true;
  });
});
window.addEventListener("pageshow", function (event) {
  // coming back to a page: the fields left out are usable again, and a form kept from before shows the
  // question its answer is for, not what was typed after it
  document.querySelectorAll("input:disabled, select:disabled").forEach(function (field) { field.disabled = false; });
  if (event.persisted) document.querySelectorAll("form.question").forEach(function (form) { form.reset(); });
});
window.addEventListener("load", function () {
  // a timeline wider than the screen (a phone) opens at its latest years, where the question is
  document.querySelectorAll("figure.timeline div.chart").forEach(function (chart) { chart.scrollLeft = chart.scrollWidth; });
});
