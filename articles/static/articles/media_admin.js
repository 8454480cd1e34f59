// The media library's admin pages: drag-and-drop multi-upload (each file posted on its own
// with its words, so a refused one stays with its message while the rest go on), and the
// focal point set by clicking the picture.
(function () {
  "use strict";

  function setUpUpload(root) {
    var list = root.querySelector("[data-upload-list]");
    var rowTemplate = root.querySelector("[data-upload-row]");
    var uploadAll = root.querySelector("[data-upload-all]");
    var zone = root.querySelector("[data-dropzone]");
    var input = root.querySelector("[data-files]");
    var token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
    var rows = [];

    function refresh() {
      uploadAll.disabled = !rows.some(function (r) { return !r.done; });
    }

    function add(files) {
      Array.prototype.forEach.call(files, function (file) {
        var row = rowTemplate.content.firstElementChild.cloneNode(true);
        var entry = { file: file, row: row, done: false };
        row.querySelector(".upload-row__name").textContent = file.name + " (" + Math.round(file.size / 1024) + " KB)";
        row.querySelector("input[name=title]").value = file.name.replace(/\.[^.]+$/, "");
        // A data: URL, which the CSP's img-src allows (blob: it does not).
        var reader = new FileReader();
        reader.onload = function () { row.querySelector(".upload-row__preview").src = reader.result; };
        reader.readAsDataURL(file);
        row.querySelector("[data-remove]").addEventListener("click", function () {
          rows = rows.filter(function (r) { return r !== entry; });
          row.remove();
          refresh();
        });
        rows.push(entry);
        list.append(row);
      });
      refresh();
      var first = list.querySelector(".upload-row:not(.upload-row--done) input[name=alt_text]");
      if (first) first.focus();
    }

    async function send(entry) {
      var data = new FormData();
      data.append("file", entry.file);
      entry.row.querySelectorAll("input[type=text]").forEach(function (field) {
        data.append(field.name, field.value);
      });
      var status = entry.row.querySelector(".upload-row__status");
      status.textContent = "Uploading…";
      entry.row.classList.remove("upload-row--error");
      var response = await fetch(root.dataset.uploadUrl, {
        method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": token },
      });
      var answer = await response.json().catch(function () { return { errors: { file: ["The server did not answer; try again."] } }; });
      if (response.ok) {
        entry.done = true;
        entry.row.classList.add("upload-row--done");
        status.textContent = "";
        var link = document.createElement("a");
        link.href = answer.url;
        link.textContent = "Uploaded: " + answer.title;
        status.append(link);
        entry.row.querySelectorAll("input, [data-remove]").forEach(function (el) { el.disabled = true; });
      } else {
        entry.row.classList.add("upload-row--error");
        status.textContent = Object.values(answer.errors || {}).flat().join(" ");
      }
    }

    uploadAll.addEventListener("click", async function () {
      uploadAll.disabled = true;
      for (var entry of rows.filter(function (r) { return !r.done; })) {
        await send(entry);
      }
      refresh();
    });
    input.addEventListener("change", function () { add(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dropzone--over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dropzone--over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      add(event.dataTransfer.files);
    });
  }

  function setUpFocal(box) {
    var form = box.closest("form");
    var x = form.querySelector("#id_focal_x");
    var y = form.querySelector("#id_focal_y");
    var mark = box.querySelector(".focal__mark");
    function place() {
      mark.style.left = (parseFloat(x.value) * 100) + "%";
      mark.style.top = (parseFloat(y.value) * 100) + "%";
    }
    box.querySelector("img").addEventListener("click", function (event) {
      var rect = event.target.getBoundingClientRect();
      x.value = ((event.clientX - rect.left) / rect.width).toFixed(2);
      y.value = ((event.clientY - rect.top) / rect.height).toFixed(2);
      place();
    });
    [x, y].forEach(function (field) { field.addEventListener("input", place); });
    place();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var upload = document.querySelector(".library-upload");
    if (upload) setUpUpload(upload);
    var focal = document.querySelector("[data-focal]");
    if (focal) setUpFocal(focal);
  });
})();
