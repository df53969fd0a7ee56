// Campaign kit: "Copy" buttons put a text or the share link on the clipboard; the fields stay selectable without JavaScript.
(function () {
    "use strict";
    var status = document.getElementById("kit-copied");
    document.addEventListener("click", function (event) {
        var button = event.target.closest("[data-copy]");
        if (!button) { return; }
        var field = document.getElementById(button.getAttribute("data-copy"));
        if (!field) { return; }
        var announce = function () {
            if (status) {
                status.textContent = "";
                status.textContent = status.getAttribute("data-copied-message");
            }
            button.classList.add("kit-copied");
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(field.value).then(announce, function () { field.select(); });
        } else {
            field.select();
            try { if (document.execCommand("copy")) { announce(); } } catch (error) { /* the text stays selected */ }
        }
    });
})();
