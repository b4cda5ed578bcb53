// The portal's only script (the CSP allows no inline script and no hx-on): CSRF for htmx,
// errors shown, the focus after a 422, drafts of open forms, confirmations, the phone menu.

// Send the CSRF token with every htmx request; read it from the page each time so that a
// token refreshed by a boosted navigation is the one used.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});

// A "删除" button in a table row of a form removes its row (e.g. 相关人物).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-remove-row]");
  if (button) {
    button.closest("tr").remove();
  }
});

// ---- Errors are shown, never swallowed -------------------------------------------------
// A boosted navigation or form shows the error page itself (404 of a client reassigned since,
// 403, 500 with its request id); an in-place action shows the message beside what was clicked.

const NETWORK_ERROR = "无法连接服务器，请检查网络后重试。";

// The element that made the request (an event's own detail.elt is where it was fired).
function requester(detail) {
  return (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
}

// What was clicked: the submit button of a form, else the element that made the request.
function errorAnchor(detail) {
  const config = detail.requestConfig || {};
  const submitter = config.triggeringEvent ? config.triggeringEvent.submitter : null;
  const anchor = submitter || requester(detail);
  return anchor && anchor.isConnected ? anchor : detail.target;
}

function showActionError(detail, message) {
  const anchor = errorAnchor(detail);
  if (!anchor) {
    return;
  }
  let area = anchor.nextElementSibling;
  if (!area || !area.matches(".action-error")) {
    area = document.createElement("span");
    area.className = "action-error";
    area.setAttribute("role", "alert");
    anchor.after(area);
  }
  area.textContent = message;
}

function clearActionError(detail) {
  const anchor = errorAnchor(detail);
  const area = anchor && anchor.nextElementSibling;
  if (area && area.matches(".action-error")) {
    area.remove();
  }
}

function messageOf(html, status) {
  const found = new DOMParser().parseFromString(html || "", "text/html")
    .querySelector("[data-error-message]");
  return found ? found.textContent.trim() : `请求失败（${status}），请刷新页面后重试。`;
}

document.addEventListener("htmx:beforeRequest", (event) => clearActionError(event.detail));

document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  const status = detail.xhr.status;
  if (status < 400 || status === 422) {
    return;
  }
  if (detail.boosted) {
    detail.shouldSwap = true;
    detail.isError = false;
  } else {
    detail.shouldSwap = false;
    showActionError(detail, messageOf(detail.serverResponse, status));
  }
});

document.addEventListener("htmx:sendError", (event) => showActionError(event.detail, NETWORK_ERROR));

// ---- After a 422: the error summary in view, the first field in error focused ----------------

function focusFirstError(root) {
  // The form's summary; a refusal without one (e.g. of a sign-off) says why beside its button.
  const summary = root.querySelector(".form-error") || root.querySelector("main .error");
  const field = root.querySelector(
    '[aria-invalid="true"], .has-error :is(input, select, textarea):not([type="hidden"])',
  );
  if (summary) {
    summary.scrollIntoView({ block: "start" });
  }
  if (field) {
    field.focus({ preventScroll: Boolean(summary) });
  }
}

document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    focusFirstError(document);
  }
});
document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector(".form-error")) {
    focusFirstError(document);
  }
});

// ---- Drafts: what was typed into a form survives an ended session --------------------------
// Kept in this tab's sessionStorage, keyed by the page's path and the form, restored when the
// page shows that form again, removed once the form was saved. Never passwords, files or the
// CSRF token (a form with a password field is not kept at all).

const DRAFT_SKIP = new Set(["password", "hidden", "file", "submit", "button", "reset", "image"]);
const draftKeys = new WeakMap();

function draftFields(form) {
  const seen = new Map();
  const fields = [];
  for (const element of form.elements) {
    if (!element.name || element.name === "csrf_token" || DRAFT_SKIP.has(element.type)
        || element.tagName === "BUTTON" || element.tagName === "FIELDSET") {
      continue;
    }
    const n = seen.get(element.name) || 0;
    seen.set(element.name, n + 1);
    fields.push([`${element.name}#${n}`, element]);
  }
  return fields;
}

function drafted(form) {
  return form.method === "post" && !form.querySelector('input[type="password"]');
}

function draftKey(form) {
  const action = new URL(form.getAttribute("action") || location.href, location.href).pathname;
  const twins = [...document.querySelectorAll("form")]
    .filter((other) => other.getAttribute("action") === form.getAttribute("action"));
  return `draft:${location.pathname}:${action}:${twins.indexOf(form)}`;
}

function valueOf(element) {
  if (element.type === "checkbox" || element.type === "radio") {
    return element.checked;
  }
  if (element.type === "select-multiple") {
    return [...element.selectedOptions].map((option) => option.value);
  }
  return element.value;
}

function setValue(element, value) {
  if (element.type === "checkbox" || element.type === "radio") {
    element.checked = value;
  } else if (element.type === "select-multiple") {
    for (const option of element.options) {
      option.selected = value.includes(option.value);
    }
  } else {
    element.value = value;
  }
}

function saveDraft(form) {
  const values = Object.fromEntries(draftFields(form).map(([key, el]) => [key, valueOf(el)]));
  try {
    sessionStorage.setItem(draftKey(form), JSON.stringify(values));
  } catch {
    // Storage full or disabled: the form still works, only without a draft.
  }
}

function restoreDrafts(root) {
  const forms = root.matches && root.matches("form") ? [root] : root.querySelectorAll("form");
  for (const form of forms) {
    if (!drafted(form) || form.querySelector('[aria-invalid="true"], .has-error')) {
      continue; // a form answered with errors already shows what was typed
    }
    const stored = sessionStorage.getItem(draftKey(form));
    if (!stored) {
      continue;
    }
    const values = JSON.parse(stored);
    let changed = false;
    for (const [key, element] of draftFields(form)) {
      if (key in values && JSON.stringify(valueOf(element)) !== JSON.stringify(values[key])) {
        setValue(element, values[key]);
        changed = true;
      }
    }
    if (changed && !form.querySelector(".draft-note")) {
      const note = document.createElement("p");
      note.className = "draft-note";
      note.setAttribute("role", "status");
      note.textContent = "已恢复您尚未保存的输入。";
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "link-button";
      discard.dataset.draftDiscard = "";
      discard.textContent = "放弃这些输入";
      note.append(discard);
      form.prepend(note);
    }
  }
}

for (const type of ["input", "change"]) {
  document.addEventListener(type, (event) => {
    const form = event.target.form;
    if (form && drafted(form)) {
      saveDraft(form);
    }
  });
}
document.addEventListener("click", (event) => {
  const discard = event.target.closest("[data-draft-discard]");
  if (discard) {
    sessionStorage.removeItem(draftKey(discard.form));
    location.reload();
  }
});
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = requester(event.detail);
  if (form.tagName === "FORM" && drafted(form)) {
    draftKeys.set(form, draftKey(form));
  }
});
document.addEventListener("htmx:afterRequest", (event) => {
  // 2xx only: a 422 keeps the draft, and so does an ended session (401 and a log-in redirect).
  const key = draftKeys.get(requester(event.detail));
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  if (key && status >= 200 && status < 300) {
    sessionStorage.removeItem(key);
  }
});
document.addEventListener("htmx:load", (event) => restoreDrafts(event.detail.elt));
document.addEventListener("DOMContentLoaded", () => restoreDrafts(document));

// ---- Confirm what cannot be undone ------------------------------------------------------
// A button with data-confirm="…" asks first, in a styled dialog saying what will happen
// (data-confirm-if="field=value": only when the form's field has that value). Works with or
// without htmx: on 确定 the button is clicked again, past the question.

let confirmed = null;

function confirmDialog() {
  let dialog = document.getElementById("confirm-dialog");
  if (!dialog) {
    dialog = document.createElement("dialog");
    dialog.id = "confirm-dialog";
    dialog.className = "confirm";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
    const text = document.createElement("p");
    text.id = "confirm-dialog-text";
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    for (const [answer, label, cls] of [["cancel", "取消", ""], ["ok", "确定", "primary"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.answer = answer;
      button.textContent = label;
      button.className = cls;
      buttons.append(button);
    }
    dialog.append(text, buttons);
    dialog.addEventListener("click", (event) => {
      const button = event.target.closest("[data-answer]");
      if (button) {
        dialog.close(button.dataset.answer);
      }
    });
    dialog.addEventListener("close", () => {
      const proceed = confirmed;
      confirmed = null;
      if (dialog.returnValue === "ok" && proceed) {
        proceed();
      }
    });
    document.body.append(dialog);
  }
  return dialog;
}

function needsConfirmation(button) {
  const condition = button.dataset.confirmIf;
  if (!condition) {
    return true;
  }
  const [name, value] = condition.split("=");
  const field = button.form && button.form.elements.namedItem(name);
  return Boolean(field) && field.value === value;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (!button || button.dataset.confirmed || !needsConfirmation(button)) {
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
  const dialog = confirmDialog();
  dialog.querySelector("#confirm-dialog-text").textContent = button.dataset.confirm;
  dialog.returnValue = "";
  confirmed = () => {
    button.dataset.confirmed = "yes";
    button.click();
    delete button.dataset.confirmed;
  };
  dialog.showModal();
  dialog.querySelector('[data-answer="cancel"]').focus();
}, true);

// ---- The navigation folds behind a menu button on a phone --------------------------------

document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-menu-toggle]");
  if (toggle) {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    document.getElementById(toggle.getAttribute("aria-controls")).classList.toggle("open", open);
  }
});

// A menu group opens on a click or tap (on hover without script); a click elsewhere, Escape or
// the keyboard's focus leaving it closes it.
function closeNavGroups(except) {
  document.querySelectorAll(".navgroup.open").forEach((group) => {
    if (group !== except) {
      group.classList.remove("open");
      group.querySelector("[data-navgroup]").setAttribute("aria-expanded", "false");
    }
  });
}

document.addEventListener("click", (event) => {
  const label = event.target.closest("[data-navgroup]");
  const group = label ? label.closest(".navgroup") : null;
  closeNavGroups(group);
  if (group) {
    const open = group.classList.toggle("open");
    label.setAttribute("aria-expanded", String(open));
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    closeNavGroups(null);
  }
});

document.addEventListener("focusout", (event) => {
  const group = event.target.closest?.(".navgroup.open");
  if (group && !group.contains(event.relatedTarget)) {
    closeNavGroups(null);
  }
});

// ---- Periods: the month picker (_macros/periods.html) ----
// A <details> popover of month links that works without script; here it closes on Escape
// or a click elsewhere, opens on the shown month, and arrow keys move between the months.
document.addEventListener("toggle", (event) => {
  const picker = event.target;
  if (picker.matches?.("[data-month-picker]") && picker.open) {
    const shown = picker.querySelector("a[aria-current]") || picker.querySelector(".month-picker-panel a");
    shown?.focus();
  }
}, true);

document.addEventListener("click", (event) => {
  for (const picker of document.querySelectorAll("[data-month-picker][open]")) {
    if (!picker.contains(event.target)) {
      picker.open = false;
    }
  }
});

document.addEventListener("keydown", (event) => {
  const picker = (event.target instanceof Element) && event.target.closest("[data-month-picker]");
  if (!picker) {
    return;
  }
  if (event.key === "Escape" && picker.open) {
    picker.open = false;
    picker.querySelector("summary").focus();
    return;
  }
  const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -6, ArrowDown: 6 };
  const links = [...picker.querySelectorAll(".month-picker-panel a")];
  const at = links.indexOf(event.target);
  if (at >= 0 && event.key in steps) {
    event.preventDefault();
    links[Math.min(Math.max(at + steps[event.key], 0), links.length - 1)].focus();
  }
});

// ---- Client pickers (_macros/pickers.html) ----
// The text box fetches matching clients (htmx); here one of them is chosen — by click, or
// with the arrow keys and Enter — into the hidden client id. Typing again unsets the choice.
const pickerParts = (picker) => ({
  hidden: picker.querySelector("input[type=hidden]"),
  search: picker.querySelector("input[type=search]"),
  list: picker.querySelector(".pick-options"),
});

function closePicker(picker) {
  const { search, list } = pickerParts(picker);
  list.replaceChildren();
  search.setAttribute("aria-expanded", "false");
  search.removeAttribute("aria-activedescendant");
}

function choosePick(picker, option) {
  const { hidden, search } = pickerParts(picker);
  hidden.value = option.dataset.clientId;
  search.value = option.dataset.clientLabel;
  closePicker(picker);
  hidden.dispatchEvent(new Event("change", { bubbles: true }));
}

function movePick(picker, step) {
  const { search, list } = pickerParts(picker);
  const options = [...list.querySelectorAll("[data-client-id]")];
  if (!options.length) {
    return;
  }
  const at = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
  const next = options[(at + step + options.length + (at < 0 && step < 0 ? 1 : 0)) % options.length];
  options.forEach((o) => o.setAttribute("aria-selected", String(o === next)));
  search.setAttribute("aria-activedescendant", next.id);
  next.scrollIntoView({ block: "nearest" });
}

document.addEventListener("input", (event) => {
  const picker = (event.target instanceof Element) && event.target.closest("[data-client-picker]");
  if (picker && event.target.type === "search") {
    pickerParts(picker).hidden.value = "";
    if (!event.target.value.trim()) {
      closePicker(picker);
    }
  }
});

document.addEventListener("htmx:afterSwap", (event) => {
  const list = event.detail?.target;
  if (!(list instanceof Element) || !list.matches(".pick-options")) {
    return;
  }
  const picker = list.closest("[data-client-picker]");
  if (!picker) {
    return;
  }
  const { hidden, search } = pickerParts(picker);
  if (hidden.value || !search.value.trim()) {
    closePicker(picker); // an answer arriving after the choice was made
    return;
  }
  list.querySelectorAll("[data-client-id]").forEach((o, i) => { o.id = `${list.id}-${i}`; });
  search.setAttribute("aria-expanded", String(list.children.length > 0));
});

document.addEventListener("keydown", (event) => {
  const picker = (event.target instanceof Element) && event.target.closest("[data-client-picker]");
  if (!picker || event.target.type !== "search") {
    return;
  }
  const { list } = pickerParts(picker);
  const options = list.querySelectorAll("[data-client-id]");
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    movePick(picker, event.key === "ArrowDown" ? 1 : -1);
  } else if (event.key === "Enter" && options.length) {
    event.preventDefault(); // choose, do not submit the form
    choosePick(picker, list.querySelector('[aria-selected="true"]') || options[0]);
  } else if (event.key === "Escape" && list.children.length) {
    event.preventDefault();
    closePicker(picker);
  }
});

document.addEventListener("click", (event) => {
  const option = (event.target instanceof Element) && event.target.closest(".pick-options [data-client-id]");
  if (option) {
    choosePick(option.closest("[data-client-picker]"), option);
    return;
  }
  for (const picker of document.querySelectorAll("[data-client-picker]")) {
    if (!picker.contains(event.target)) {
      closePicker(picker);
    }
  }
});

// Parts of a form that belong to one choice only: data-shown-when="name=value" (or
// "name!=value") shows the part while the form's radio "name" is (is not) at "value" — the
// 经办人 of an institutional client. Without script every part shows; the server checks.
function showChosenParts(root) {
  root.querySelectorAll("[data-shown-when]").forEach((part) => {
    const [, name, negated, value] = part.dataset.shownWhen.match(/^([\w-]+)(!?)=(.*)$/);
    const chosen = part.closest("form")?.querySelector(`[name="${name}"]:checked`);
    const matches = (chosen ? chosen.value : "") === value;
    part.hidden = negated ? matches : !matches;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.form) showChosenParts(event.target.form);
});
document.addEventListener("DOMContentLoaded", () => showChosenParts(document));
document.addEventListener("htmx:load", (event) => showChosenParts(event.detail.elt));
