// Parvis: progressive enhancements only; every page works without JavaScript.
(function () {
    "use strict";
    // Hosted videos load only when the resident asks for them (no third-party request before consent).
    document.addEventListener("click", function (event) {
        var button = event.target.closest("[data-video-consent]");
        if (!button) { return; }
        var container = button.closest(".video-consent");
        var iframe = document.createElement("iframe");
        iframe.src = button.getAttribute("data-video-consent");
        iframe.title = button.getAttribute("data-video-title");
        iframe.allow = "fullscreen; picture-in-picture";
        iframe.setAttribute("allowfullscreen", "");
        var wrapper = document.createElement("div");
        wrapper.className = "ratio ratio-16x9";
        wrapper.appendChild(iframe);
        container.replaceWith(wrapper);
        iframe.focus();
    });
})();
