// Accessible names for the controls Django's admin and its widgets build without one, on the
// story form: the rich-text editor (a textbox named by nothing), the select2 autocompletes
// (named by their current value; a search box with no label; a list holding the "clear" cross)
// and the tabular inlines' fields (labelled only by their column's header). Re-applied whenever
// the widgets re-render or a row is added.
"use strict";
{
  const labelFor = (id) => document.querySelector(`label[for="${CSS.escape(id)}"]`);
  const text = (element) => (element ? element.textContent.replace(/[:*]\s*$/, "").trim() : "");

  function labelId(label) {
    if (!label.id) label.id = `${label.htmlFor}_label`;
    return label.id;
  }

  function nameRichText() {
    for (const editor of document.querySelectorAll(".prose-editor [role=textbox]")) {
      const field = editor.closest(".form-row")?.querySelector("textarea[id]");
      const label = field && labelFor(field.id);
      if (label && !editor.hasAttribute("aria-labelledby")) {
        editor.setAttribute("aria-labelledby", labelId(label));
        editor.setAttribute("aria-multiline", "true");
      }
    }
  }

  function nameAutocompletes() {
    for (const select of document.querySelectorAll("select.admin-autocomplete[id]")) {
      const label = labelFor(select.id);
      const container = select.nextElementSibling;
      if (!label || !container?.classList.contains("select2")) continue;
      const combobox = container.querySelector(".select2-selection[role=combobox]");
      const value = container.querySelector(".select2-selection__rendered[id]");
      if (combobox && value) {
        combobox.setAttribute("aria-labelledby", `${labelId(label)} ${value.id}`);
        value.setAttribute("aria-labelledby", labelId(label)); // a "textbox" of its own
      }
      for (const search of container.querySelectorAll(".select2-search__field")) {
        if (!search.hasAttribute("aria-label")) search.setAttribute("aria-label", `${text(label)}: search`);
      }
      // Select2 puts its "clear all" cross inside the list of choices: make it one of them.
      for (const clear of container.querySelectorAll("ul > .select2-selection__clear")) {
        clear.setAttribute("role", "listitem");
      }
    }
  }

  function nameTabularFields() {
    for (const table of document.querySelectorAll(".tabular table")) {
      const original = table.querySelector("thead th.original");
      if (original && !original.textContent.trim()) {
        original.innerHTML = '<span class="visually-hidden">Saved</span>';
      }
      for (const [index, row] of [...table.querySelectorAll("tbody tr.form-row")].entries()) {
        for (const field of row.querySelectorAll("td input:not([type=hidden]), td select, td textarea")) {
          if (field.hasAttribute("aria-label") || (field.id && labelFor(field.id))) continue;
          const name = field.name.split("-").pop(); // "quotes-0-text" is the "text" column
          const header = table.querySelector(`thead th.column-${CSS.escape(name)}`);
          const heading = name === "DELETE" ? "Delete" : text(header);
          if (heading) field.setAttribute("aria-label", `${heading}, row ${index + 1}`);
        }
      }
    }
  }

  function nameAll() {
    nameRichText();
    nameAutocompletes();
    nameTabularFields();
  }

  function start() {
    const form = document.querySelector("#content-main form");
    if (!form) return;
    nameAll();
    let queued = false;
    new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        nameAll();
      });
    }).observe(form, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
