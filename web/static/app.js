// The pages' few behaviours, kept out of the HTML so the Content-Security-Policy can forbid
// inline script: `data-confirm` asks before a button submits, `data-back` goes back a page.
"use strict";
document.addEventListener("click", (event) => {
  const asking = event.target.closest("[data-confirm]");
  if (asking && !window.confirm(asking.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  const back = event.target.closest("[data-back]");
  if (back && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
