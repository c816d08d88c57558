(function () {
  "use strict";
  // Unit list filter: by name (typed) and by submission status (chosen).
  var search = document.getElementById("cari-unit");
  var status = document.getElementById("saring-status");
  var count = document.getElementById("jumlah-unit");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#tabel-unit tbody tr"));
  function norm(t) { return t.toLowerCase().replace(/\s+/g, " ").trim(); }
  function filter() {
    var q = norm(search.value), s = status.value, shown = 0;
    rows.forEach(function (r) {
      var ok = (!q || r.getAttribute("data-cari").indexOf(q) >= 0) && (!s || r.getAttribute("data-putusan") === s);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " dari " + rows.length + " unit ditampilkan";
  }
  search.addEventListener("input", filter);
  status.addEventListener("change", filter);
  filter();

  // Per-unit view, laid out from the embedded data with text nodes only (never as HTML).
  var data = JSON.parse(document.getElementById("data-unit").textContent);
  var pick = document.getElementById("pilih-unit");
  var box = document.getElementById("rincian-unit");
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function badge(state) {
    var tone = data.tone[state] || ["none", "–"];
    var b = el("span", null, "b " + tone[0]);
    var mark = el("span", tone[1]);
    mark.setAttribute("aria-hidden", "true");
    b.appendChild(mark);
    b.appendChild(document.createTextNode(" " + state));
    return b;
  }
  function list(title, items, line) {
    var sec = el("section");
    sec.appendChild(el("h4", title + " (" + items.length + ")"));
    if (!items.length) { sec.appendChild(el("p", "Tidak ada.")); return sec; }
    var ul = el("ul");
    items.forEach(function (it) {
      var li = el("li");
      var ra = data.ra[it[0]] || ["", ""];
      li.appendChild(el("strong", it[0]));
      li.appendChild(document.createTextNode(" " + ra[1] + " "));
      line(li, it);
      ul.appendChild(li);
    });
    sec.appendChild(ul);
    return sec;
  }
  function show() {
    var u = data.units[pick.value];
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (!u) { return; }
    box.appendChild(el("h3", u.nama));
    var p = el("p");
    p.appendChild(badge(u.putusan));
    p.appendChild(document.createTextNode(" " + u.ringkas));
    box.appendChild(p);
    box.appendChild(list("Dipimpin (PD utama)", u.utama, function (li, it) {
      li.appendChild(badge(it[1]));
      li.appendChild(document.createTextNode(" progres " + it[2]));
    }));
    box.appendChild(list("Masih terbuka", u.terbuka, function (li, it) {
      li.appendChild(document.createTextNode("(" + it[1] + ") "));
      li.appendChild(badge(it[2]));
    }));
    box.appendChild(list("Didukung (PD pendukung)", u.pendukung, function (li, it) {
      li.appendChild(badge(it[1]));
    }));
  }
  pick.addEventListener("change", show);
  // A unit's name in the status table opens its view (the link itself scrolls to it).
  document.getElementById("tabel-unit").addEventListener("click", function (ev) {
    var a = ev.target.closest("a[data-pilih]");
    if (a && data.units[a.getAttribute("data-pilih")]) {
      pick.value = a.getAttribute("data-pilih");
      show();
    }
  });
  show();

  // Detail waits behind <details>: a link or an address (#...) to something inside opens it first.
  function reveal(node) {
    for (var d = node && node.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
  }
  function revealHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target) { reveal(target); if (target.tagName === "SECTION") { reveal(target.querySelector("details")); } }
  }
  window.addEventListener("hashchange", revealHash);
  revealHash();
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[href^='#']");
    if (a) {
      var t = document.getElementById(a.getAttribute("href").slice(1));
      if (t) { reveal(t); if (t.tagName === "SECTION") { reveal(t.querySelector("details")); } }
    }
  });
}());
