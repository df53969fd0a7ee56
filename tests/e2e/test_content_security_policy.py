"""The Content-Security-Policy breaks nothing: the browser reports no violation on residents' pages.

No ``bypass_csp`` here (nor in the axe checks, which inject axe-core through
Playwright's evaluate, outside the page's policy): Chromium logs every
blocked script, style, image or frame to the console, which we listen to.
"""

from tests.accounts.factories import PASSWORD, make_resident

from .test_accessibility import PAGES

LOGGED_IN_PAGES = ["/compte/profil/", "/compte/profil/supprimer/", "/compte/password/change/", "/vote/garant/",
                   "/mon-benevolat/", "/budget-participatif/", "/consultations/elections-conseils-2027/"]


def listen(page) -> list[str]:
    reports = []
    page.on("console", lambda message: reports.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.on("pageerror", lambda error: reports.append(f"{page.url}: {error}"))
    return reports


def test_no_csp_violation_on_residents_pages(phone, demo):
    reports = listen(phone)
    for path in PAGES:
        response = phone.goto(demo + path)
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        phone.wait_for_load_state("load")

    make_resident("amina@example.org", display_name="Amina")
    phone.goto(demo + "/compte/login/")
    phone.get_by_label("E-mail").fill("amina@example.org")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")
    phone.wait_for_url("**/compte/profil/")
    for path in LOGGED_IN_PAGES:
        phone.goto(demo + path)
        phone.wait_for_load_state("load")
    assert reports == []


def test_the_policy_is_enforced_and_a_hosted_video_still_plays_after_consent(desktop, demo):
    reports = listen(desktop)
    response = desktop.goto(demo + "/voter-en-ligne-en-4-minutes/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    # An injected inline script is refused by the browser itself (the policy is really enforced).
    desktop.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';
                               document.body.appendChild(s); }""")
    assert desktop.evaluate("() => window.__pwned") is None
    assert any("Content Security Policy" in report for report in reports)
    reports.clear()
    # The video block's consent button (home/templates/home/blocks/video_block.html), for a PeerTube instance
    # and for YouTube's no-cookie host: parvis.js builds the iframe on click, and the policy lets it load.
    for embed in ["https://video.example.org/videos/embed/abc", "https://www.youtube-nocookie.com/embed/abcdefgh"]:
        desktop.evaluate("""(src) => { const box = document.createElement('div'); box.className = 'video-consent';
            box.innerHTML = '<button type="button" data-video-consent="' + src + '" data-video-title="Vidéo">Lire</button>';
            document.querySelector('main').prepend(box); }""", embed)
        desktop.locator("[data-video-consent]").first.click()
        desktop.locator(f'iframe[src="{embed}"]').wait_for(state="attached")
    desktop.wait_for_timeout(500)
    assert [r for r in reports if "frame-src" in r or "Refused to frame" in r] == []
