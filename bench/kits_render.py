"""Rendering candidates' campaign kits: one full kit, a batch, peak memory and file sizes, against plain Pillow.

    .venv/bin/python bench/kits_render.py [--repeat 10] [--batch 100] [--json]

Method. Everything runs in this process, on the drawing layer that the
Celery task calls (``councils.kits.render``, no database: the services add
a few queries and file writes around it). A kit is what a candidate
downloads: three JPEG visuals (1080x1080, 1080x1920, 1500x500) with photo,
texts fitted to their boxes and a QR code, the A5 PDF flyer (ReportLab,
bundled font embedded), two text files and the zip of them all. Its photo
is a 1200x1600 JPEG opened like an upload (``imaging.open_picture``: draft
decoding, RGB conversion), so opening is part of the timing.

* baseline: plain Pillow opening the same JPEG, cropping it to 1080x1080 and
  saving it as a JPEG (quality 85): the least any visual costs;
* one kit: the first (cold: fonts loaded, caches empty) and the median of
  ``--repeat`` warm runs; the target is under one second;
* batch: ``--batch`` kits in a row, names of growing length (up to 40
  characters, Greek and Cyrillic among them), every third without a photo
  and every fifth photo in CMYK: seconds, kits/s;
* a 12000x9000 JPEG photo (108 megapixels): one kit, to show that the
  reduced decoding keeps such uploads cheap;
* peak memory: the process's peak RSS (``getrusage``; Pillow's image
  buffers are not Python allocations, so ``tracemalloc`` would miss them),
  read after the imports, after the single kits, after the batch and after
  the 12000x9000 kit (that test picture is written by a subprocess, so
  only its decoding counts here). A batch that leaks would keep growing.

Reported: seconds, ratios to the baseline, sizes of each file in KB.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import subprocess
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw, ImageOps  # noqa: E402

from bench._support import peak_rss_mib  # noqa: E402
from councils.kits import imaging, render  # noqa: E402

MAX_PIXELS = 50_000_000
NAMES = [
    "Léa Roy", "Hélène Caron", "Mathieu Lemoine-Dufresne", "Αικατερίνη Παπαδοπούλου", "Светлана Кузнецова",
    "Marie-Amélie de La Tour-Saint-Jacques Ép.",
]


def photo_bytes(size=(1200, 1600), mode="RGB") -> bytes:
    picture = Image.new("RGB", size, "#c08a5a")
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.ellipse((width * 0.3, height * 0.15, width * 0.7, height * 0.55), fill="#f0c8a0")
    draw.rectangle((width * 0.15, height * 0.62, width * 0.85, height), fill="#335577")
    for y in range(0, height, 7):  # some texture, so JPEG sizes are not those of flat colours
        draw.line((0, y, width, y + 40), fill="#b07a4a")
    buffer = io.BytesIO()
    picture.convert(mode).save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def spec(name: str, photo: bytes | None) -> render.KitSpec:
    opened = imaging.open_picture(io.BytesIO(photo), max_pixels=MAX_PIXELS) if photo else None
    logo = Image.new("RGB", (300, 100), "#ffffff")
    ImageDraw.Draw(logo).rectangle((10, 10, 90, 90), fill="#1d4f91")
    return render.KitSpec(
        candidate=name, council="Centre-ville", election="Élection des conseils de quartier 2027",
        town="Saint-Aubin-sur-Loire", headline="Candidat·e au conseil de quartier Centre-ville",
        dates="Vote en ligne du 12 mars 2027 au 26 mars 2027", call_to_action="Scannez pour voter en ligne",
        vote_url="https://participer.saint-aubin.fr/consultations/elections-conseils-2027/",
        statement="Habitante du quartier depuis vingt ans, je veux des rues plus sûres pour les enfants. " * 3,
        photo=opened, logo=logo, flyer_title="Votez en ligne pour votre conseil de quartier",
        flyer_text="Votre vote est secret et vous pouvez vérifier qu'il a été compté.",
        steps_title="Comment voter en ligne",
        steps=[("Créez votre compte", "avec votre adresse e-mail."), ("Confirmez votre inscription", "carte d'électeur."),
               ("Votez", "cochez vos candidats."), ("Gardez votre reçu", "pour vérifier.")],
        texts={"publications": "Je suis candidat·e… " * 20, "e-mail": "Bonjour, " * 60}, file_stem="kit",
    )


def one_kit(name: str, photo: bytes | None) -> list[render.Rendered]:
    return render.render_kit(spec(name, photo))


def baseline(photo: bytes) -> None:
    picture = Image.open(io.BytesIO(photo)).convert("RGB")
    square = ImageOps.fit(picture, (1080, 1080), Image.Resampling.LANCZOS)
    square.save(io.BytesIO(), format="JPEG", quality=85)


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    args = parser.parse_args()

    photo, cmyk = photo_bytes(), photo_bytes(mode="CMYK")
    start_peak = peak_rss_mib()
    base = statistics.median(timed(baseline, photo) for _ in range(args.repeat))

    cold = timed(one_kit, "Hélène Caron", photo)
    warm = statistics.median(timed(one_kit, "Hélène Caron", photo) for _ in range(args.repeat))
    files = one_kit("Hélène Caron", photo)
    no_photo = statistics.median(timed(one_kit, "Hélène Caron", None) for _ in range(max(3, args.repeat // 2)))

    kit_peak = peak_rss_mib()
    started = time.perf_counter()
    for number in range(args.batch):
        chosen = None if number % 3 == 0 else (cmyk if number % 5 == 0 else photo)
        one_kit(f"{NAMES[number % len(NAMES)]} {number}", chosen)
    batch = time.perf_counter() - started
    batch_peak = peak_rss_mib()

    with tempfile.TemporaryDirectory() as folder:
        huge = Path(folder) / "huge.jpg"
        subprocess.run([sys.executable, "-c", "import sys; from PIL import Image; "
                        "Image.new('RGB', (12000, 9000), '#c08a5a').save(sys.argv[1], quality=70)", str(huge)],
                       check=True)
        huge_seconds = timed(one_kit, "Hélène Caron", huge.read_bytes())
    huge_peak = peak_rss_mib()

    figures = {
        "baseline_s": round(base, 4), "kit_cold_s": round(cold, 3), "kit_warm_s": round(warm, 3),
        "kit_no_photo_s": round(no_photo, 3), "batch": args.batch, "batch_s": round(batch, 2),
        "kits_per_s": round(args.batch / batch, 2), "kit_12000x9000_s": round(huge_seconds, 3),
        "rss_start_mib": round(start_peak, 1), "rss_after_kits_mib": round(kit_peak, 1),
        "rss_after_batch_mib": round(batch_peak, 1), "rss_after_12000x9000_mib": round(huge_peak, 1),
        "sizes_kb": {item.filename.removeprefix("kit-"): item.kilobytes for item in files},
    }
    print(f"baseline (Pillow open + fit + save one 1080x1080 JPEG): {base * 1000:.1f} ms")
    print(f"one full kit, cold:       {cold:.3f} s  ({cold / base:.0f}x baseline)")
    print(f"one full kit, warm:       {warm:.3f} s  ({warm / base:.0f}x baseline)  target < 1 s: "
          f"{'met' if warm < 1 else 'MISSED'}")
    print(f"one kit without photo:    {no_photo:.3f} s")
    print(f"one kit, 12000x9000 photo: {huge_seconds:.3f} s")
    print(f"batch of {args.batch}:             {batch:.2f} s  ({args.batch / batch:.2f} kits/s, "
          f"{batch / args.batch / base:.0f}x baseline per kit)")
    print(f"peak RSS: {start_peak:.0f} MiB after imports, {kit_peak:.0f} MiB after single kits "
          f"(+{kit_peak - start_peak:.0f}), {batch_peak:.0f} MiB after the batch (+{batch_peak - kit_peak:.0f}), "
          f"{huge_peak:.0f} MiB after the 12000x9000 kit (+{huge_peak - batch_peak:.0f})")
    print("file sizes: " + ", ".join(f"{name} {size} KB" for name, size in figures["sizes_kb"].items()))
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
