// Konsol rbxl: a few lines of plain JavaScript, served from the package (no CDN, no inline script).
"use strict";
(function () {
  function text(el, s) { el.textContent = s; el.hidden = false; }

  var form = document.getElementById("unggah");
  if (form) {
    var input = document.getElementById("berkas"), list = document.getElementById("daftar");
    var status = document.getElementById("status"), bar = document.getElementById("kemajuan");
    var perFile = Number(form.dataset.batasBerkas), perRequest = Number(form.dataset.batasKiriman);
    var show = function () {
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (f) {
        var li = document.createElement("li");
        li.textContent = f.name + " (" + Math.ceil(f.size / 1024) + " KB)" + (f.size > perFile ? ": terlalu besar, tidak akan diterima" : "");
        list.appendChild(li);
      });
    };
    input.addEventListener("change", show);
    var zone = document.getElementById("seret");
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("aktif"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("aktif"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault(); zone.classList.remove("aktif");
      input.files = e.dataTransfer.files; show();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!input.files.length) { text(status, "Belum ada berkas yang dipilih."); return; }
      var total = 0;
      Array.prototype.forEach.call(input.files, function (f) { total += f.size; });
      if (total > perRequest) { text(status, form.dataset.pesanBesar); return; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Rbxl-CSRF", form.elements.csrf.value);
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) { bar.value = Math.round(100 * ev.loaded / ev.total); }
        text(status, "Mengunggah...");
      });
      xhr.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = {}; }
        if (xhr.status === 200 && answer.tugas) { window.location.assign(answer.tugas); return; }
        text(status, answer.pesan || ("Unggahan gagal (kode " + xhr.status + ")."));
        status.classList.add("gagal");
      });
      xhr.addEventListener("error", function () { text(status, "Unggahan terputus: konsol tidak dapat dihubungi."); });
      xhr.send(new FormData(form));
    });
  }

  var job = document.getElementById("tugas");
  if (job && job.dataset.keadaan === "berjalan") {
    var poll = function () {
      fetch("/tugas/" + job.dataset.id + ".json", {credentials: "same-origin"}).then(function (r) { return r.json(); })
        .then(function (j) {
          var bar = document.getElementById("kemajuan"), step = document.getElementById("langkah");
          if (bar && j.percent !== null) { bar.value = j.percent; }
          if (step) { step.textContent = j.done + (j.total ? " / " + j.total : ""); }
          if (j.state !== "berjalan") { window.location.reload(); } else { window.setTimeout(poll, 700); }
        }).catch(function () { window.setTimeout(poll, 2000); });
    };
    window.setTimeout(poll, 500);
  }
})();
