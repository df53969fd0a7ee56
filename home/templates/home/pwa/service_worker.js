/* Parvis service worker: the site shell offline, and Web Push notifications.
 *
 * What it keeps: the shell's styles and scripts, the offline page, and files under /static/
 * (the same for everyone, and versioned). What it never keeps nor serves from its cache:
 * pages (a resident's account, a ballot, a receipt, a form, the admin...), any request that
 * is not a GET, anything from another origin. Pages always come from the network; when the
 * network fails, the offline page is shown instead.
 */
"use strict";

const CONFIG = {{ config|safe }};
const CACHE = "parvis-shell-" + CONFIG.version;

self.addEventListener("install", (event) => {
    // Fetched without cookies: the offline page in the cache is the anonymous one, whoever installs.
    event.waitUntil(
        caches.open(CACHE)
            .then((cache) => cache.addAll(CONFIG.shell.map((url) => new Request(url, {credentials: "omit", cache: "reload"}))))
            .then(() => self.skipWaiting())
    );
});

self.addEventListener("activate", (event) => {
    event.waitUntil(
        caches.keys()
            .then((names) => Promise.all(names.filter((name) => name.startsWith("parvis-") && name !== CACHE)
                .map((name) => caches.delete(name))))
            .then(() => self.clients.claim())
    );
});

function isCacheable(response) {
    const control = response.headers.get("Cache-Control") || "";
    return response.ok && response.type === "basic" && !/no-store|private/.test(control);
}

self.addEventListener("fetch", (event) => {
    const request = event.request;
    if (request.method !== "GET") {
        return;  // forms, votes, uploads: the network only, untouched
    }
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) {
        return;
    }
    if (request.mode === "navigate") {
        // Network only; the cache answers with the offline page, never with a page it kept.
        event.respondWith(fetch(request).catch(() => caches.match(CONFIG.offlineUrl, {cacheName: CACHE})
            .then((offline) => offline || Response.error())));
        return;
    }
    if (url.pathname.startsWith(CONFIG.staticUrl)) {
        event.respondWith(caches.open(CACHE).then((cache) => {
            const fromNetwork = () => fetch(request).then((response) => {
                if (isCacheable(response)) {
                    cache.put(request, response.clone());
                }
                return response;
            });
            if (CONFIG.staticNetworkFirst) {
                // Development: file names carry no hash, so the network wins while there is one.
                return fromNetwork().catch(() => cache.match(request).then((kept) => kept || Response.error()));
            }
            // Production: hashed names never change content, so a kept copy is always right.
            return cache.match(request).then((kept) => kept || fromNetwork());
        }));
    }
    // Anything else (icons, media, JSON, the push endpoints): the browser's own handling.
});

function sameOriginPath(value) {
    // Only a path on this site: a notification can never open another site.
    if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//")) {
        return "/";
    }
    const url = new URL(value, self.location.origin);
    return url.origin === self.location.origin ? url.pathname + url.search + url.hash : "/";
}

// Web Push (the payload is decrypted by the browser): {"title", "body", "url", "tag"}.
self.addEventListener("push", (event) => {
    let payload = {};
    try {
        payload = event.data ? event.data.json() : {};
    } catch (error) {
        payload = {body: event.data ? event.data.text() : ""};
    }
    const options = {body: String(payload.body || ""), data: {url: sameOriginPath(payload.url)}, icon: CONFIG.icon};
    if (payload.tag) {
        options.tag = String(payload.tag);
    }
    event.waitUntil(self.registration.showNotification(String(payload.title || CONFIG.name || ""), options));
});

self.addEventListener("notificationclick", (event) => {
    event.notification.close();
    const target = new URL(sameOriginPath(event.notification.data && event.notification.data.url), self.location.origin);
    event.waitUntil(
        self.clients.matchAll({type: "window", includeUncontrolled: true}).then((windows) => {
            for (const client of windows) {
                if (client.url === target.href && "focus" in client) {
                    return client.focus();
                }
            }
            return self.clients.openWindow(target.href);
        })
    );
});
