# Varnish in front of Parvis (tested by tests/parvis/test_reverse_proxy.py with Debian's varnish 7).
#
# Parvis says what may be shared: anonymous pages carry "Cache-Control: public, max-age=0,
# s-maxage=N" (N at most until the next phase change), everything that depends on the visitor
# "private". Publishing in Wagtail sends PURGE requests (wagtail.contrib.frontend_cache), honoured
# from the machine itself only. Set the backend to where gunicorn listens.
vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed-in residents (session) and pending messages: never from the cache, never into it.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # For anonymous visitors only the language cookie can change a page: drop the rest (Vary: Cookie).
    if (req.http.Cookie ~ "(^|;\s*)django_language=") {
        set req.http.Cookie = regsub(req.http.Cookie, "^(?:.*;\s*)?(django_language=[^;]*).*$", "\1");
    } else {
        unset req.http.Cookie;
    }
    # Vary: Accept-Language: one variant per language the site speaks, not per browser.
    if (req.http.Accept-Language ~ "^\s*en" || (req.http.Accept-Language ~ "en" && req.http.Accept-Language !~ "fr")) {
        set req.http.Accept-Language = "en";
    } else {
        set req.http.Accept-Language = "fr";
    }
    return (hash);
}

sub vcl_backend_response {
    # Serve a just-expired page for a few seconds while one request fetches the new one (election-day rush).
    set beresp.grace = 5s;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "hit";
    } else {
        set resp.http.X-Varnish-Cache = "miss";
    }
}
