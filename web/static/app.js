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

// 接着填 (web/resume.py): what is typed into a form is kept in this tab as it is sent; if the
// server sends the person back with ?restore=1 (the login had expired), it is put back.
const KEPT = "jixiao.typed";
const ticked = (el) => el.type === "checkbox" || el.type === "radio";
const keptFields = (form) =>
  Array.from(form.elements)
    .filter((el) => el.name && el.name !== "csrf_token")
    .filter((el) => !["file", "password", "hidden", "submit", "button"].includes(el.type))
    .map((el) => {
      if (ticked(el)) return [el.name, el.value, el.checked];
      if (el.multiple) return [el.name, Array.from(el.selectedOptions).map((o) => o.value)];
      return [el.name, el.value];
    });

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  if (form.closest("[data-login-form]")) return;
  const entry = { page: location.pathname, action: form.getAttribute("action") || "", fields: keptFields(form) };
  try {
    sessionStorage.setItem(KEPT, JSON.stringify(entry));
  } catch (_full) {
    /* storage full or off: nothing kept */
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const params = new URLSearchParams(location.search);
  if (document.querySelector("[data-login-form]")) return; // keep it until after the login
  const raw = sessionStorage.getItem(KEPT);
  sessionStorage.removeItem(KEPT);
  if (!raw || params.get("restore") !== "1") return;
  const entry = JSON.parse(raw);
  if (entry.page !== location.pathname) return;
  const form = Array.from(document.forms).find((f) => (f.getAttribute("action") || "") === entry.action);
  if (!form) return;
  for (const [name, value, checked] of entry.fields) {
    form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((el) => {
      if (ticked(el)) {
        if (el.value === value) el.checked = checked;
      } else if (el.multiple && Array.isArray(value)) {
        Array.from(el.options).forEach((o) => (o.selected = value.includes(o.value)));
      } else {
        el.value = value;
      }
    });
  }
  form.setAttribute("data-restored", "1");
  form.scrollIntoView({ block: "center" });
});
