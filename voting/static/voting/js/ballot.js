// The ballot on the voter's device: the choice is encrypted here and only the encrypted ballot is sent.
//
// Each [data-ballot-device] holds a form of one or more questions (a contest's ballot, or a consultation's
// questions), the review step (voting/templates/voting/includes/ballot_steps.html) and a hidden cast form.
// The choice form is never submitted: "Continue" checks the rule, encrypts one ballot per question with
// crypto.js against the contest's frozen manifest, and shows each ballot's tracker. The voter then casts
// (the hidden form carries the ballots and trackers, never a choice) or checks the encryption first
// (Benaloh's challenge: the device reveals that ballot's choices and randomness to voting:audit, which
// publishes it and never lets it be cast; the device encrypts the choice again). A device cannot know
// in advance which ballot will be checked, so one that cheats is caught whenever a voter checks.
import * as crypto from "./crypto.js";
import { ballotParameters, encryptBallot } from "./budget-proof.js";

const format = (template, values) => template.replace(/%\((\w+)\)s/g, (_match, key) => String(values[key]));
// A short pause so the status is shown before the computation holds the page (not requestAnimationFrame,
// which a hidden tab never runs).
const nextPaint = () => new Promise((resolve) => setTimeout(resolve, 50));
const toHex = (value) => (typeof value === "bigint" ? value.toString(16).padStart(64, "0") : String(value));

/** One contest of the form: its manifest, its inputs, its rule. */
class Question {
  constructor(fieldset) {
    this.fieldset = fieldset;
    this.contest = fieldset.dataset.contest;
    this.text = fieldset.dataset.question;
    this.manifestHash = fieldset.dataset.manifestHash;
    this.auditUrl = fieldset.dataset.auditUrl;
    this.auditedUrl = fieldset.dataset.auditedUrl;
    this.manifest = JSON.parse(fieldset.querySelector('script[type="application/json"]').textContent);
    this.options = this.manifest.options;
    this.inputs = [...fieldset.querySelectorAll("input[data-position]")];
    this.blankInput = fieldset.querySelector("input[data-blank]");
    this.error = fieldset.querySelector('[data-slot="error"]');
    this.total = fieldset.querySelector('[data-slot="total"]');
    // The manifest shown must be the one whose fingerprint is published (and is every proof's context).
    this.intact = crypto.manifestHash(this.manifest) === this.manifestHash;
    this.params = ballotParameters(this.manifest, this.manifestHash);
  }

  get maxChoices() {
    const count = this.options.length;
    switch (this.manifest.rule) {
      case "single": return 1;
      case "approval": return Math.min(this.manifest.max_choices, count);
      case "plurality": return Math.min(this.manifest.seats, count);
      default: return count; // projects within an envelope: the envelope is the limit
    }
  }

  positions() {
    return this.inputs.filter((input) => input.checked).map((input) => Number(input.dataset.position));
  }

  spent(positions) {
    return positions.reduce((sum, position) => sum + Number(this.options[position].cost || 0), 0);
  }

  /** The message of the rule this selection breaks, or null. */
  problem(positions, messages) {
    const answered = positions.length > 0 || (this.blankInput && this.blankInput.checked);
    if (this.manifest.rule === "single" && !answered) return messages["none-single"];
    if (!positions.length && !this.manifest.allow_blank) return messages.none;
    if (positions.length > this.maxChoices) return format(messages["too-many"], { max: this.maxChoices });
    if (this.manifest.rule === "knapsack") {
      const total = this.spent(positions);
      if (total > Number(this.manifest.envelope)) {
        return format(messages["over-envelope"], { total, envelope: this.manifest.envelope });
      }
    }
    return null;
  }

  /** One 0/1 per slot: the options in manifest order, then the blank slot if the contest has one. */
  choices(positions) {
    return crypto.choicesVector(crypto.ballotShape(this.manifest), new Set(positions));
  }

  labels(positions, messages) {
    return positions.length ? positions.map((position) => this.options[position].label) : [messages.blank];
  }

  showError(message) {
    this.error.textContent = message || "";
    this.error.hidden = !message;
  }

  updateTotal(messages) {
    if (!this.total) return;
    this.total.textContent = format(messages.total, { total: this.spent(this.positions()), envelope: this.manifest.envelope });
  }
}

/** A ballot form and its review step. */
class Device {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector("[data-ballot-choose]");
    this.castForm = root.querySelector("[data-ballot-cast]");
    this.review = root.querySelector('[data-step="review"]');
    this.slot = (name) => this.review.querySelector(`[data-slot="${name}"]`);
    this.messages = Object.fromEntries(
      [...root.querySelectorAll("[data-msg]")].map((span) => [span.dataset.msg, span.textContent.trim()]),
    );
    this.questions = [...root.querySelectorAll("[data-ballot-question]")].map((fieldset) => new Question(fieldset));
    this.selection = null;
    this.encrypted = null;
  }

  start() {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault(); // the choices never leave this device in clear
      this.toReview();
    });
    this.form.addEventListener("change", (event) => {
      const question = this.questions.find((q) => q.fieldset.contains(event.target));
      if (!question) return;
      question.showError(null);
      question.updateTotal(this.messages);
    });
    this.review.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button || button.disabled) return;
      const action = { cast: () => this.cast(), audit: () => this.audit(), change: () => this.change() }[button.dataset.action];
      if (action) action();
    });
    for (const question of this.questions) {
      question.updateTotal(this.messages);
      crypto.preparePublicKey(question.params.publicKey); // the key's table, before the voter is waiting
    }
    this.root.querySelectorAll("[data-module-pending]").forEach((element) => { element.hidden = true; });
    this.form.querySelector('[data-action="continue"]').disabled = false;
  }

  setStatus(key, extra = "") {
    this.slot("status").textContent = key ? this.messages[key] + extra : "";
  }

  setBusy(busy) {
    this.review.setAttribute("aria-busy", busy ? "true" : "false");
    this.review.querySelectorAll("button[data-action]").forEach((button) => { button.disabled = busy; });
  }

  toReview() {
    let first = null;
    const selection = [];
    for (const question of this.questions) {
      const positions = question.positions();
      const problem = question.problem(positions, this.messages);
      question.showError(problem);
      if (problem && !first) first = question;
      selection.push({ question, positions, choices: problem ? null : question.choices(positions) });
    }
    if (first) {
      (first.inputs.find((input) => input.checked) || first.inputs[0] || first.blankInput).focus();
      return;
    }
    this.selection = selection;
    this.fillSummary();
    this.slot("audit").hidden = true;
    this.slot("audit-error").hidden = true;
    this.form.hidden = true;
    this.review.hidden = false;
    this.review.querySelector("h3").focus();
    this.encrypt("encrypting", "encrypted");
  }

  fillSummary() {
    const summary = this.slot("summary");
    summary.replaceChildren();
    for (const { question, positions } of this.selection) {
      if (this.questions.length > 1) {
        const heading = document.createElement("p");
        heading.className = "mb-1";
        heading.textContent = question.text;
        summary.append(heading);
      }
      const list = document.createElement("ul");
      list.className = "ballot-summary";
      for (const label of question.labels(positions, this.messages)) {
        const item = document.createElement("li");
        const strong = document.createElement("strong");
        strong.textContent = label;
        item.append(strong);
        list.append(item);
      }
      summary.append(list);
    }
  }

  async encrypt(working, done) {
    this.encrypted = null;
    this.slot("encrypted").hidden = true;
    this.setBusy(true);
    this.setStatus(working);
    await nextPaint(); // let the status show before the computation holds the page
    try {
      const ballots = [];
      for (const { question, choices } of this.selection) {
        if (!question.intact) throw new Error(`the manifest of contest ${question.contest} does not match its fingerprint`);
        ballots.push(encryptBallot(question.params, choices));
      }
      this.encrypted = ballots;
    } catch (error) {
      console.error(error);
      this.setBusy(false);
      this.setStatus("encrypt-failed");
      return;
    }
    this.fillTrackers();
    this.slot("encrypted").hidden = false;
    this.setBusy(false);
    this.setStatus(done);
  }

  fillTrackers() {
    const trackers = this.slot("trackers");
    trackers.replaceChildren();
    this.selection.forEach(({ question }, index) => {
      if (this.questions.length > 1) {
        const label = document.createElement("p");
        label.className = "small mb-0";
        label.textContent = question.text;
        trackers.append(label);
      }
      const code = document.createElement("code");
      code.className = "d-block text-break fs-6 mb-2 ballot-tracker";
      code.id = `tracker-${question.contest}`;
      code.textContent = this.encrypted[index].tracker;
      trackers.append(code);
    });
  }

  cast() {
    if (!this.encrypted) return;
    const single = this.castForm.querySelector('input[name="ballot"]');
    if (single) {
      single.value = this.encrypted[0].json;
      this.castForm.querySelector('input[name="tracker"]').value = this.encrypted[0].tracker;
    } else {
      const ballots = {};
      const trackers = {};
      this.selection.forEach(({ question }, index) => {
        ballots[question.contest] = this.encrypted[index].json;
        trackers[question.contest] = this.encrypted[index].tracker;
      });
      this.castForm.querySelector('input[name="ballots"]').value = JSON.stringify(ballots);
      this.castForm.querySelector('input[name="trackers"]').value = JSON.stringify(trackers);
    }
    this.encrypted = null; // the nonces of the cast ballots are forgotten: only the ballots leave
    this.setBusy(true);
    this.setStatus("casting");
    this.castForm.submit();
  }

  async audit() {
    if (!this.encrypted) return;
    const ballots = this.encrypted;
    this.encrypted = null; // these ballots are opened: they can never be cast
    this.slot("encrypted").hidden = true;
    this.slot("audit").hidden = true;
    this.slot("audit-error").hidden = true;
    this.setBusy(true);
    this.setStatus("auditing");
    const token = this.castForm.querySelector('input[name="csrfmiddlewaretoken"]').value;
    const answers = [];
    try {
      for (const [index, { question, choices }] of this.selection.entries()) {
        const response = await fetch(question.auditUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
          body: JSON.stringify({ ballot: ballots[index].json, choices, nonces: ballots[index].nonces.map(toHex) }),
        });
        let answer = null;
        try { answer = await response.json(); } catch { /* not JSON: handled below */ }
        if (!response.ok || !answer || answer.error || !Array.isArray(answer.labels)) {
          this.auditFailed(answer && answer.error ? answer.error : this.messages["audit-failed"], !answer || !answer.error);
          return;
        }
        answers.push(answer);
      }
    } catch (error) {
      console.error(error);
      this.auditFailed(this.messages["audit-failed"], true);
      return;
    }
    const faithful = this.showAudit(answers);
    if (!faithful) {
      this.auditFailed(this.messages.mismatch, false);
      return;
    }
    this.slot("audit").querySelector("h4").focus();
    await this.encrypt("encrypting", "reencrypted");
  }

  /** What the server found in each opened ballot, compared with what the voter chose. */
  showAudit(answers) {
    const contents = this.slot("audit-contents");
    const links = this.slot("audit-links");
    contents.replaceChildren();
    links.replaceChildren();
    let faithful = true;
    this.selection.forEach(({ question, positions }, index) => {
      const found = answers[index].labels;
      const expected = question.labels(positions, this.messages);
      const optionLabels = new Set(question.options.map((option) => option.label));
      const same = positions.length
        ? found.length === expected.length && found.every((label, i) => label === expected[i])
        : found.length === 1 && !optionLabels.has(found[0]);
      faithful = faithful && same;
      const line = document.createElement("p");
      const template = this.questions.length > 1 ? this.messages["contained-question"] : this.messages.contained;
      line.textContent = format(template, { question: question.text, labels: found.join(", ") });
      line.dataset.tracker = answers[index].tracker;
      contents.append(line);
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = question.auditedUrl;
      link.textContent = this.questions.length > 1
        ? format(this.messages["audited-link-question"], { question: question.text }) : this.messages["audited-link"];
      item.append(link);
      links.append(item);
    });
    this.slot("audit-faithful").hidden = !faithful;
    const audit = this.slot("audit");
    audit.classList.toggle("alert-success", faithful);
    audit.classList.toggle("alert-warning", !faithful);
    audit.hidden = false;
    return faithful;
  }

  /** The check failed or found a different choice: say so prominently and offer no casting. */
  auditFailed(message, retry) {
    const error = this.slot("audit-error");
    error.textContent = message;
    error.hidden = false;
    this.setBusy(false);
    this.setStatus(null);
    this.slot("encrypted").hidden = true;
    if (retry && this.selection) {
      // A network failure: nothing was published, but these ballots' secrets were offered; encrypt afresh.
      this.encrypt("encrypting", "encrypted");
    }
    error.focus();
  }

  change() {
    this.encrypted = null;
    this.selection = null;
    this.setStatus(null);
    this.review.hidden = true;
    this.form.hidden = false;
    const first = this.questions[0];
    (first.inputs.find((input) => input.checked) || first.inputs[0] || first.blankInput).focus();
  }
}

for (const root of document.querySelectorAll("[data-ballot-device]")) {
  if (root.dataset.ready) continue;
  root.dataset.ready = "true";
  new Device(root).start();
}
