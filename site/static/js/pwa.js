// Parvis as an installable app: registers the service worker (served at /sw.js, see home/pwa.py)
// and offers the browser's install prompt on the "install the app" page. Nothing here is needed
// for the site to work.
(function () {
    "use strict";
    var script = document.currentScript;
    if ("serviceWorker" in navigator && window.isSecureContext && script) {
        navigator.serviceWorker.register(script.getAttribute("data-service-worker"), {scope: "/"}).catch(function () {
            // An old browser or private mode: the site works as before, without offline page or push.
        });
    }

    var deferred = null;
    window.addEventListener("beforeinstallprompt", function (event) {
        var prompt = document.querySelector("[data-install-prompt]");
        if (!prompt) { return; }
        event.preventDefault();  // shown on our page only, when the resident asks
        deferred = event;
        prompt.hidden = false;
    });
    document.addEventListener("click", function (event) {
        if (!deferred || !event.target.closest("[data-install-button]")) { return; }
        deferred.prompt();
        deferred = null;
        document.querySelector("[data-install-prompt]").hidden = true;
    });
    window.addEventListener("appinstalled", function () {
        var installed = document.querySelector("[data-installed]");
        if (installed) { installed.hidden = false; }
    });
    var reload = document.querySelector("[data-reload]");
    if (reload) {
        // The offline page's "try again" reloads the address the resident wanted, not the home page.
        reload.addEventListener("click", function (event) { event.preventDefault(); window.location.reload(); });
    }
})();
