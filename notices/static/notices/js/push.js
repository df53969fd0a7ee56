/* Opt-in to web push: registers /sw.js, subscribes with the site's VAPID key and posts the subscription.
   The button stays hidden without JavaScript or where the browser cannot receive push. */
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = base64url + "=".repeat((4 - (base64url.length % 4)) % 4);
    var raw = atob(padded.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function csrfToken() {
    var input = document.querySelector("[data-push-csrf]");
    return input ? input.value : "";
  }

  async function enable(box, status) {
    var permission = await Notification.requestPermission();
    if (permission !== "granted") {
      status.textContent = box.dataset.pushDenied;
      return;
    }
    await navigator.serviceWorker.register("/sw.js");
    var registration = await navigator.serviceWorker.ready;
    var subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(box.dataset.pushKey),
    });
    var response = await fetch(box.dataset.pushUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(subscription),
    });
    var answer = await response.json().catch(function () { return {}; });
    status.textContent = answer.message || answer.error || box.dataset.pushFailed;
  }

  function setUp(box) {
    var button = box.querySelector("[data-push-enable]");
    var status = box.querySelector("[data-push-status]");
    var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    if (!supported || !box.dataset.pushKey) {
      box.querySelector("[data-push-unsupported]").hidden = false;
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      enable(box, status).catch(function () {
        status.textContent = box.dataset.pushFailed;
      }).finally(function () { button.disabled = false; });
    });
  }

  document.querySelectorAll("[data-push]").forEach(setUp);
})();
