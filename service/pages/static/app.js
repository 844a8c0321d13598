// Progressive enhancement only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Buttons with data-confirm ask before their form is sent.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Buttons with data-print print the page (the password slip).
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
  // The first invalid field takes the focus, so keyboard and screen-reader users land on it.
  var invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) { invalid.focus(); }
  // Region pickers: a higher level's change refills the levels below it from the catalogue.
  var NOMINAL = ["市辖区", "县"];
  document.querySelectorAll("[data-region-picker]").forEach(function (box) {
    var selects = {};
    box.querySelectorAll("select[data-region-level]").forEach(function (s) {
      selects[s.getAttribute("data-region-level")] = s;
    });
    function fill(select, parent, prefixName) {
      var blank = select.options[0];
      select.innerHTML = "";
      select.appendChild(blank);
      select.value = "";
      if (!parent) { return; }
      fetch("/api/v1/catalog/regions?page_size=100&parent=" + encodeURIComponent(parent))
        .then(function (r) { return r.json(); })
        .then(function (body) {
          (body.data || []).forEach(function (region) {
            var option = document.createElement("option");
            option.value = region.code;
            option.textContent = NOMINAL.indexOf(region.name) >= 0 && prefixName
              ? prefixName + "（" + region.name + "）" : region.name;
            select.appendChild(option);
          });
          select.setAttribute("data-loaded", parent);
        });
    }
    if (selects.province && selects.city) {
      selects.province.addEventListener("change", function () {
        var chosen = selects.province.options[selects.province.selectedIndex];
        fill(selects.city, selects.province.value, chosen ? chosen.textContent : "");
        if (selects.county) { fill(selects.county, "", ""); }
      });
    }
    if (selects.city && selects.county) {
      selects.city.addEventListener("change", function () {
        fill(selects.county, selects.city.value, "");
      });
    }
  });
  // Major pickers: search the catalogue by name, alias or pinyin initials; a result becomes a
  // ticked box (unticking removes it). The search box's own text is cleared once a major is added.
  document.querySelectorAll("[data-major-picker]").forEach(function (box) {
    var search = box.querySelector("[data-major-search]");
    var results = box.querySelector("[data-major-results]");
    var chips = box.querySelector("[data-major-chips]");
    var form = box.closest("form");
    var levelSelect = form ? form.querySelector("select[name=major_level]") : null;
    var timer = null;
    function chosen(code) {
      return chips.querySelector("input[value='" + code + "']");
    }
    function add(major) {
      var existing = chosen(major.code);
      if (existing) { existing.checked = true; return; }
      var item = document.createElement("li");
      var label = document.createElement("label");
      label.className = "chip";
      var box = document.createElement("input");
      box.type = "checkbox"; box.name = "major_codes"; box.value = major.code; box.checked = true;
      var level = document.createElement("span");
      level.className = "muted";
      level.textContent = "（" + major.level + "）";
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + major.name));
      label.appendChild(level);
      item.appendChild(label);
      chips.appendChild(item);
    }
    function show(list) {
      results.innerHTML = "";
      list.forEach(function (major) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = "添加：" + major.name + "（" + major.level + "，" + major.class_name + "）";
        button.addEventListener("click", function () {
          add(major); results.innerHTML = ""; search.value = ""; search.focus();
        });
        item.appendChild(button);
        results.appendChild(item);
      });
    }
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = search.value.trim();
      if (!text) { results.innerHTML = ""; return; }
      timer = window.setTimeout(function () {
        var url = "/api/v1/catalog/majors?page_size=8&q=" + encodeURIComponent(text);
        if (levelSelect && levelSelect.value) { url += "&level=" + encodeURIComponent(levelSelect.value); }
        fetch(url).then(function (r) { return r.json(); }).then(function (body) {
          if (search.value.trim() === text) { show(body.data || []); }
        });
      }, 200);
    });
    search.addEventListener("keydown", function (event) {
      // Enter adds the first result instead of sending the form.
      var first = results.querySelector("button");
      if (event.key === "Enter" && first) { event.preventDefault(); first.click(); }
    });
  });
});
document.addEventListener("DOMContentLoaded", function () {
  // A print button (the school's account slip) opens the browser's print dialog.
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
});
