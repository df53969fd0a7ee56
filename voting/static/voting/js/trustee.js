// The trustee's page: the step due, done on this device (voting/templates/voting/trustee_page.html).
//
// The page fetches the task, computes the answer with trustee-core.js and
// posts only that answer (public values and proofs). The key file is read
// with FileReader and its passphrase from a field that has no name: neither
// is ever part of a request. Messages come translated from the page
// (#trustee-messages), so this file holds no user-facing text.
import { answer as answerTask, newKeys, openKeyFile } from "./trustee-core.js";

const root = document.getElementById("trustee-step");
const MIN_PASSPHRASE = 12;
const KEY_FILE_ERRORS = new Set(["wrong-passphrase", "other-vote", "other-trustee", "not-a-key-file", "damaged",
  "short-passphrase", "shuffle-unproven"]);

/** A translated message of the page, with {placeholders} filled in. */
function text(code, values = {}) {
  const element = document.querySelector(`#trustee-messages [data-msg="${code}"]`);
  const template = element ? element.textContent.trim() : code;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** An error whose message the page shows as it is (its code names the translated text). */
class PageError extends Error {
  constructor(code, values = {}, field = null) {
    super(text(code, values));
    this.code = code;
    this.field = field;
  }
}

const errorBox = root && root.querySelector("#step-error");
const statusBox = root && root.querySelector("#step-status");

function showError(message, field = null) {
  statusBox.textContent = "";
  statusBox.className = "";
  errorBox.textContent = message;
  root.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }
}

function showStatus(message, success = false) {
  errorBox.textContent = "";
  statusBox.className = success ? "alert alert-success" : "text-body-secondary";
  statusBox.textContent = message;
}

function busy(form, isBusy) {
  form.setAttribute("aria-busy", isBusy ? "true" : "false");
  form.querySelectorAll("button").forEach((button) => { button.disabled = isBusy; });
}

async function fetchTask() {
  let response;
  try {
    response = await fetch(root.dataset.taskUrl, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
    });
  } catch {
    throw new PageError("network");
  }
  if (response.status === 404) throw new PageError("nothing-to-do");
  if (!response.ok) throw new PageError("network");
  const task = await response.json();
  if (task.step !== root.dataset.step) throw new PageError("step-changed");
  return task;
}

/** Post the device's answer; resolve to the server's message, or throw its error. */
async function sendAnswer(answer) {
  let response;
  try {
    response = await fetch(root.dataset.answerUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
      body: JSON.stringify(answer),
    });
  } catch {
    throw new PageError("network");
  }
  let reply = null;
  try {
    reply = await response.json();
  } catch {
    reply = null;
  }
  if (response.ok && reply && reply.message) return reply.message;
  if (reply && reply.error) {
    const refused = new Error(reply.error);
    refused.fromServer = true;
    throw refused;
  }
  throw new PageError("network");
}

/** The step is done: say so and what comes next (the server's message), offer to update the page. */
function done(message, ...hide) {
  hide.forEach((element) => { if (element) element.hidden = true; });
  showStatus(message, true);
  root.querySelector("#step-done").hidden = false;
  statusBox.setAttribute("tabindex", "-1");
  statusBox.focus();
}

/** The message for a refusal of the trustee's device (trustee-core's error codes). */
function deviceError(error) {
  if (error instanceof PageError || (error && error.fromServer)) return error.message;
  if (error && KEY_FILE_ERRORS.has(error.code)) return text(error.code);
  return text("task-refused", { detail: (error && error.message) || String(error) });
}

// Step 1: make the keys, have the key file saved, then send the public keys.

function strength(passphrase) {
  if (passphrase.length < MIN_PASSPHRASE) return "strength-short";
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/, /\s/].filter((re) => re.test(passphrase)).length;
  const words = passphrase.trim().split(/\s+/).length;
  if (passphrase.length >= 24 || (passphrase.length >= 18 && (kinds >= 3 || words >= 4))) return "strength-strong";
  if (passphrase.length >= 16 || kinds >= 3) return "strength-good";
  return "strength-fair";
}

function setUpCertificate() {
  const makeForm = root.querySelector("#make-keys");
  const saveBox = root.querySelector("#save-keys");
  const registerForm = root.querySelector("#register-keys");
  const passphrase = makeForm.querySelector("#passphrase");
  const again = makeForm.querySelector("#passphrase-again");
  const hint = makeForm.querySelector("#passphrase-strength");
  const link = saveBox.querySelector("#key-file-link");
  const saved = registerForm.querySelector("#key-file-saved");
  let pendingAnswer = null;

  passphrase.addEventListener("input", () => {
    hint.textContent = passphrase.value ? text(strength(passphrase.value)) : "";
  });

  makeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (passphrase.value.length < MIN_PASSPHRASE) return showError(text("short-passphrase"), passphrase);
    if (again.value !== passphrase.value) return showError(text("passphrases-differ"), again);
    busy(makeForm, true);
    showStatus(text("making-keys"));
    try {
      const task = await fetchTask();
      const { keyFile, answer } = await newKeys(task, passphrase.value);
      const content = typeof keyFile === "string" ? keyFile : JSON.stringify(keyFile, null, 2);
      link.href = URL.createObjectURL(new Blob([content], { type: "application/json" }));
      link.download = `cle-garant-${root.dataset.trustee}-vote-${root.dataset.contest}.json`;
      pendingAnswer = answer;
      passphrase.value = again.value = "";
      hint.textContent = "";
      makeForm.hidden = true;
      saveBox.hidden = false;
      showStatus(text("keys-made"));
      saveBox.querySelector("#save-keys-heading").focus();
    } catch (error) {
      showError(deviceError(error), error && error.code === "short-passphrase" ? passphrase : null);
    } finally {
      busy(makeForm, false);
    }
  });

  registerForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!saved.checked) return showError(text("not-saved"), saved);
    saved.removeAttribute("aria-invalid");
    busy(registerForm, true);
    showStatus(text("sending"));
    try {
      done(await sendAnswer(pendingAnswer), registerForm);
      pendingAnswer = null;
    } catch (error) {
      showError(deviceError(error));
    } finally {
      busy(registerForm, false);
    }
  });
  window.addEventListener("pagehide", () => { if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href); });
  makeForm.hidden = false;
}

// Steps 2 to 4: open the key file, answer the task, send the answer.

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new PageError("unreadable-file"));
    reader.readAsText(file);
  });
}

function trusteeName(index) {
  const cell = document.querySelector(`#trustees-progress tr[data-trustee-index="${index}"] .trustee-name`);
  return cell ? cell.textContent.trim() : String(index);
}

function setUpKeyStep() {
  const form = root.querySelector("#use-key");
  const fileInput = form.querySelector("#key-file");
  const passphrase = form.querySelector("#key-passphrase");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = fileInput.files && fileInput.files[0];
    if (!file) return showError(text("no-file"), fileInput);
    if (!passphrase.value) return showError(text("no-passphrase"), passphrase);
    busy(form, true);
    showStatus(text("opening"));
    let answer;
    try {
      const keyFile = await readFile(file);
      const task = await fetchTask();
      let secrets = await openKeyFile(keyFile, passphrase.value, { ceremony: task.ceremony, trustee: task.trustee });
      answer = await answerTask(task, secrets);
      secrets = null;
      passphrase.value = "";
    } catch (error) {
      busy(form, false);
      const field = error && error.code === "wrong-passphrase" ? passphrase
        : error && KEY_FILE_ERRORS.has(error.code) ? fileInput : null;
      if (field === passphrase) passphrase.value = "";
      return showError(deviceError(error), field);
    }
    try {
      if (answer.complaint) {
        showStatus(text("complaint", { name: trusteeName(answer.complaint.accused) }));
      } else {
        showStatus(text("sending"));
      }
      const message = await sendAnswer(answer);
      done(answer.complaint ? `${text("complaint", { name: trusteeName(answer.complaint.accused) })} ${message}` : message,
        form);
    } catch (error) {
      showError(deviceError(error));
    } finally {
      busy(form, false);
    }
  });
  form.hidden = false;
}

if (root) {
  if (root.dataset.step === "certificate") setUpCertificate();
  else setUpKeyStep();
}
