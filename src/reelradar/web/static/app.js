// reelradar's own few lines of script: keyboard shortcuts and the upload progress bar.
// Everything works without it; htmx (vendored beside this file) does the partial page updates.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    // "/" jumps to the search box, as on many sites; not while typing in a field.
    const t = event.target;
    const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const box = document.getElementById("q") || document.getElementById("quick-q");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    }
  });
  function progress(event) {
    const form = event.target.closest ? event.target.closest("#import-form") : null;
    if (!form) return;
    const bar = document.getElementById("import-progress");
    const text = document.getElementById("import-progress-text");
    const d = event.detail || {};
    if (event.type === "htmx:xhr:loadstart") { bar.hidden = false; bar.value = 0; text.textContent = "uploading…"; }
    if (event.type === "htmx:xhr:progress" && d.lengthComputable && d.total) {
      bar.value = Math.round((100 * d.loaded) / d.total);
      text.textContent = bar.value < 100 ? "uploading… " + bar.value + "%" : "matching titles…";
    }
    if (event.type === "htmx:afterRequest") { bar.value = 100; text.textContent = "done"; }
  }
  ["htmx:xhr:loadstart", "htmx:xhr:progress", "htmx:afterRequest"].forEach(function (name) {
    document.addEventListener(name, progress);
  });
  // After a partial update, move focus to the new content's heading for keyboard and screen-reader users.
  document.addEventListener("htmx:afterSwap", function (event) {
    const report = document.getElementById("h-report");
    if (report && event.detail && event.detail.target && event.detail.target.id === "import-report") {
      report.setAttribute("tabindex", "-1"); report.focus();
    }
  });
})();
