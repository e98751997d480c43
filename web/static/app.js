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

// A page that answers a posted form with its refusal (`data-form-page`, web/resume.py) takes
// the POST's place in the history as the form's own page with ?restore=1, and parks what was
// typed there: Back, Forward or a refresh then load that page with the text put back, instead
// of asking to resend the form. A parked entry waits until it is put back or a form is sent.
const formOf = (entry) =>
  Array.from(document.forms).find((f) => (f.getAttribute("action") || "") === entry.action);
const keepParked = (entry, form) => {
  const save = () => {
    if (form) entry.fields = keptFields(form);
    try {
      sessionStorage.setItem(KEPT, JSON.stringify(entry));
    } catch (_full) {
      /* storage full or off: nothing kept */
    }
  };
  save();
  window.addEventListener("pagehide", save); // what is typed after the refusal too
};
const park = (raw, formPage) => {
  history.replaceState(null, "", formPage + location.hash); // the anchor it opens at stays
  if (!raw) return;
  const entry = { ...JSON.parse(raw), page: new URL(formPage, location.href).pathname, parked: true };
  keepParked(entry, formOf(entry));
};

document.addEventListener("DOMContentLoaded", () => {
  const params = new URLSearchParams(location.search);
  if (document.querySelector("[data-login-form]")) return; // keep it until after the login
  const raw = sessionStorage.getItem(KEPT);
  if (document.body.dataset.formPage) {
    park(raw, document.body.dataset.formPage);
    return;
  }
  if (!raw) return;
  const entry = JSON.parse(raw);
  if (params.get("restore") !== "1" || entry.page !== location.pathname) {
    if (!entry.parked) sessionStorage.removeItem(KEPT);
    return;
  }
  sessionStorage.removeItem(KEPT);
  const form = formOf(entry);
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
  if (entry.parked) keepParked(entry, form); // for the next Back or refresh to this page
});

// 指标体系编辑 (`data-weight-sum`): the 分值 total and each branch's 小计 follow what is typed;
// an unusable 分值 is named as such, not counted as 0. The server checks again on 保存.
const cents = (text) => {
  const match = /^\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
  return value > 0 ? value : null;
};
const points = (value) => (value / 100).toFixed(2);

const sumWeights = (form) => {
  const nodes = Array.from(form.querySelectorAll(".node"));
  const levelOf = (node) => Number(node.className.match(/node-l(\d)/)[1]);
  const weightOf = (node) => cents(node.querySelector('input[name$="-weight"]')?.value || "");
  let total = 0;
  let invalid = 0;
  nodes.forEach((node, i) => {
    const level = levelOf(node);
    if (level === 3) {
      const weight = weightOf(node);
      if (weight === null) invalid += 1;
      else total += weight;
      return;
    }
    let subtotal = 0;
    for (const below of nodes.slice(i + 1)) {
      if (levelOf(below) <= level) break;
      if (levelOf(below) === 3) subtotal += weightOf(below) || 0;
    }
    const shown = node.querySelector(".subtotal strong");
    if (shown) shown.textContent = points(subtotal);
  });
  const shownTotal = document.getElementById("weight-total");
  shownTotal.textContent = points(total);
  shownTotal.className = total === 10000 && !invalid ? "sum-ok" : "sum-bad";
  document.getElementById("weight-invalid").textContent = invalid
    ? `（${invalid} 项分值无效，未计入）`
    : "";
};

document.addEventListener("input", (event) => {
  const form = event.target.closest("[data-weight-sum]");
  if (form && event.target.name && event.target.name.endsWith("-weight")) sumWeights(form);
});
