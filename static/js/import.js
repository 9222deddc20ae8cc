// The import page: show a refused form's errors in place (htmx leaves 4xx bodies
// unswapped by default) and clear the chosen files once an import went through.
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
