// The import page: show a refused form's errors in place (htmx leaves 4xx bodies
// unswapped by default), show how far the upload has gone, and clear the chosen files
// once an import went through.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target.id === "import-results" && event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  // Only a 2xx answer is an import that went through; a refused form keeps what was typed.
  const went = event.detail.xhr.status >= 200 && event.detail.xhr.status < 300;
  if (form instanceof HTMLFormElement && form.classList.contains("import-form") && went) {
    form.reset();
  }
});

// Upload progress: htmx passes on the request's progress events. The bar never goes
// back (the answer's own download reports progress too), and says in words when the
// upload is done and the server is importing.
function uploadProgress() {
  const bar = document.getElementById("upload-progress");
  return bar ? { bar: bar, text: bar.parentElement.querySelector(".upload-percent") } : null;
}

document.addEventListener("htmx:beforeRequest", (event) => {
  const progress = uploadProgress();
  if (!progress || !event.detail.elt.classList.contains("import-form")) return;
  progress.bar.value = 0;
  progress.bar.textContent = "0%";
  progress.text.textContent = "0%";
});

document.addEventListener("htmx:xhr:progress", (event) => {
  const progress = uploadProgress();
  if (!progress || !event.detail.lengthComputable || !event.detail.total) return;
  const percent = Math.max(progress.bar.value, Math.floor((100 * event.detail.loaded) / event.detail.total));
  progress.bar.value = percent;
  progress.bar.textContent = percent + "%";
  progress.text.textContent = percent < 100 ? percent + "% uploaded" : "Uploaded; importing…";
});
