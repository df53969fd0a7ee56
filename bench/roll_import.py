"""Importing electoral rolls of growing size: rows/s and peak memory, against csv.reader.

    .venv/bin/python bench/roll_import.py [--rows 1200000] [--sizes 100000,400000,1200000]
                                         [--encoding utf-8|latin-1|cp1252] [--layout short|reu]
                                         [--reimport | --no-reimport] [--keep-db]

Method. For each size, a roll CSV is generated on the fly into a temporary
file: the columns towns get from their electoral software
(``nom;prenoms;date_naissance;bureau;code_postal;adresse``), French family
and given names with accents (compound given names, particles, apostrophes),
DD/MM/YYYY birth dates, polling stations and addresses; ``--encoding
latin-1`` writes the Latin-1 variant (names restricted to Latin-1
characters), ``--encoding cp1252`` the Windows-1252 one (with œ and ’),
which the importer tells apart after a failed UTF-8 pass. ``--layout reu``
writes the national register's extract instead: its 26 columns (birth and
usage names, birthplace, the address in parts…), most of which are ignored.

Each measurement runs in its own subprocess so ``ru_maxrss`` (peak RSS) is
that step's alone:

* baseline: plain ``csv.reader`` over the same file (same encoding,
  ``;``), counting rows; no Django;
* ``import_roll`` into a new roll (production settings, PostgreSQL database
  ``parvis_bench_roll``, Redis cache for the progress, ``PRIVATE_ROOT`` in a
  temporary directory): the file is first stored with the roll's private
  storage (not timed), then ``voting.services.roll.import_roll`` is timed;
* with ``--reimport`` (default), a second upload of the same file into the
  same roll, as when a town corrects its list before sealing: the import
  must then replace the previous entries.

Reported per size: seconds, rows/s, the ratio to the csv.reader baseline,
peak RSS of the process, and how much the peak grew during the timed step
(RSS after Django setup and file storage -> peak). Flat memory means the
growth does not depend on the size. Every loop is bounded by the row count.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import (  # noqa: E402
    ADMIN_URL,
    create_database,
    database_url,
    drop_database,
    migrate,
    peak_rss_mib,
    production_env,
    run_json,
)

DATABASE = "parvis_bench_roll"
HEADER = ["nom", "prenoms", "date_naissance", "bureau", "code_postal", "adresse"]
FAMILY = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Lefèvre", "Lefebvre", "Mercier", "Girard", "Bonnet", "Dupré", "Lemaître", "Bénard", "Gérard", "Fournier",
    "Chênevière", "Béranger", "Hébert", "Lévêque", "Mérieux", "Périer", "Thévenin", "Crépin", "Aubépine",
    "Deschênes", "Pâris", "Côté", "Brûlé", "Goüin", "Noël", "Loïc", "Müller", "Ibáñez", "Gonçalves",
    "Da Silva", "De La Fontaine", "D'Ornano", "Le Goff", "Le Bihan", "N'Diaye", "Saint-Exupéry", "Étienne",
    "Éluard", "Ozanne", "Vallée", "Boulanger", "Rousseau", "Faure", "André", "Fontaine", "Chevalier",
]
FAMILY_UTF8_ONLY = ["Nguyễn", "Œuvrard", "Cœurdacier", "Trần", "Łukasiewicz", "Ørsted"]
FAMILY_CP1252_ONLY = ["Œuvrard", "Cœurdacier", "D’Ornano", "L’Hermitte"]
REU_HEADER = [
    "Code du département", "Libellé du département", "Code de la commune", "Libellé de la commune",
    "Code du bureau de vote", "Libellé du bureau de vote", "Numéro d'ordre dans le bureau de vote", "Type de liste",
    "Nom de naissance", "Nom d'usage", "Prénoms", "Sexe", "Date de naissance", "Code de la commune de naissance",
    "Libellé de la commune de naissance", "Code du pays de naissance", "Libellé du pays de naissance", "Nationalité",
    "Numéro de voie", "Type et libellé de voie", "Complément 1", "Complément 2", "Lieu-dit", "Code postal", "Commune",
    "Pays",
]
GIVEN = [
    "Marie", "Jean", "Pierre", "Michel", "André", "Hélène", "Françoise", "Élodie", "Zoé", "Léa", "Chloé",
    "Noémie", "Anaïs", "Maëlle", "Gaëtan", "Raphaël", "Loïc", "Jérôme", "Frédéric", "Cécile", "Benoît",
    "Agnès", "Josée", "Thérèse", "Amélie", "Aurélien", "Clément", "Sébastien", "Inès", "Mathéo",
]
STREETS = [
    "rue de l'Église", "place du Marché", "avenue de la Gare", "rue des Lilas", "chemin des Prés",
    "boulevard Hébert", "impasse des Chênes", "rue Pasteur", "allée des Érables", "quai de la Loire",
    "route de Nantes", "rue du Général-de-Gaulle", "place de l'Hôtel-de-Ville", "rue Émile-Zola",
]


def write_roll(path: Path, rows: int, encoding: str, seed: int, layout: str = "short") -> int:
    """Write a roll of ``rows`` voters; return its size in bytes."""
    rng = random.Random(seed)
    family = FAMILY + (FAMILY_UTF8_ONLY if encoding.startswith("utf") else FAMILY_CP1252_ONLY if encoding == "cp1252" else [])
    origin = date(1925, 1, 1)
    span = (date(2008, 12, 31) - origin).days
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(REU_HEADER if layout == "reu" else HEADER)
        for order in range(rows):
            name = rng.choice(family).upper() if rng.random() < 0.3 else rng.choice(family)
            given = rng.choice(GIVEN)
            if rng.random() < 0.35:
                given += rng.choice((" ", "-")) + rng.choice(GIVEN)
            born = origin + timedelta(days=rng.randrange(span))
            station = f"{rng.randrange(1, 60):03d}"
            postcode = rng.choice(("49000", "49100", "49130", "44000", "75011"))
            address = f"{rng.randrange(1, 250)} {rng.choice(STREETS)}"
            if layout == "reu":
                number, street = address.split(" ", 1)
                usage = rng.choice(family) if rng.random() < 0.3 else ""
                writer.writerow([
                    "49", "MAINE-ET-LOIRE", "49007", "Angers", station, f"Bureau {station}", order + 1, "LP", name, usage,
                    given, rng.choice("FM"), born.strftime("%d/%m/%Y"), f"{rng.randrange(1000, 96000):05d}", "", "99100",
                    "FRANCE", "Française", number, street, "", "", "", postcode, "ANGERS", "FRANCE",
                ])
                continue
            writer.writerow([name, given, born.strftime("%d/%m/%Y"), station, postcode, address])
    return path.stat().st_size


# --------------------------------------------------------------------------- steps (subprocesses)


def step_csv(args) -> dict:
    start_rss = peak_rss_mib()
    start = time.perf_counter()
    rows = 0
    with open(args.csv, encoding=args.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for _row in reader:
            rows += 1
    seconds = time.perf_counter() - start
    return {"rows": rows, "seconds": seconds, "peak": peak_rss_mib(), "growth": peak_rss_mib() - start_rss}


def step_import(args) -> dict:
    import django

    django.setup()
    from django.core.files import File
    from django.db import connection

    from voting.models import RollEntry, VoterRoll
    from voting.services.roll import import_roll

    if args.roll:
        roll = VoterRoll.objects.get(pk=args.roll)
    else:
        roll = VoterRoll.objects.create(name=f"Liste bench {args.rows}")
    with open(args.csv, "rb") as handle:
        roll.source_file.save("liste.csv", File(handle), save=True)  # streamed copy, not timed
    start_rss = peak_rss_mib()
    start = time.perf_counter()
    roll = import_roll(roll=roll)
    seconds = time.perf_counter() - start
    peak = peak_rss_mib()
    entries = RollEntry.objects.filter(roll=roll).count()
    if roll.status != VoterRoll.Status.READY or entries != args.rows or roll.rows_total != args.rows:
        raise SystemExit(f"import failed: status {roll.status}, {entries} entries, errors {roll.errors[:3]}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('voting_rollentry'))")
        size = cursor.fetchone()[0]
    return {"roll": roll.pk, "rows": entries, "seconds": seconds, "peak": peak, "growth": peak - start_rss,
            "table": size, "file_deleted": not roll.source_file}


def step_clear(_args) -> dict:
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE voting_rollentry, voting_voterroll CASCADE")
    return {}


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_200_000, help="largest roll; default sizes are 1/12, 1/3, 1")
    parser.add_argument("--sizes", help="comma-separated row counts (overrides --rows)")
    parser.add_argument("--encoding", choices=["utf-8", "latin-1", "cp1252"], default="utf-8")
    parser.add_argument("--layout", choices=["short", "reu"], default="short",
                        help="short: nom;prenoms;…; reu: the national register's 26-column extract")
    parser.add_argument("--reimport", action=argparse.BooleanOptionalAction, default=True,
                        help="also time a second upload of the same file into the same roll")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--step", choices=["csv", "import", "clear"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--roll", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps({"csv": step_csv, "import": step_import, "clear": step_clear}[args.step](args)))
        return

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.rows // 12, args.rows // 3, args.rows]
    if any(not 1 <= s <= 10_000_000 for s in sizes):
        parser.error("sizes must be in [1, 10,000,000]")
    work = Path(tempfile.mkdtemp(prefix="parvis_bench_roll_"))
    private = work / "private"
    private.mkdir()
    env = production_env(database_url(args.admin_url, DATABASE), PRIVATE_ROOT=str(private))
    create_database(args.admin_url, DATABASE)
    me = str(Path(__file__).resolve())
    try:
        migrate(env)
        print(f"encoding {args.encoding}, layout {args.layout}; each step in its own process; peak = ru_maxrss, "
              "growth = peak during the timed step minus RSS before it")
        print(f"{'rows':>10}  {'step':<28}{'seconds':>9}{'rows/s':>10}{'cost':>8}{'peak MiB':>10}{'growth MiB':>12}")
        growths = []
        for size in sizes:
            path = work / f"roll_{size}.csv"
            start = time.perf_counter()
            nbytes = write_roll(path, size, args.encoding, seed=size, layout=args.layout)
            print(f"{size:>10,}  (generated {nbytes / 2**20:.0f} MiB in {time.perf_counter() - start:.1f} s)")
            common = ["--csv", str(path), "--rows", str(size), "--encoding", args.encoding]
            base = run_json(env, [me, "--step", "csv", *common], timeout=3600)
            assert base["rows"] == size, base
            base_rate = size / base["seconds"]
            print(f"{size:>10,}  {'csv.reader (baseline)':<28}{base['seconds']:>9.2f}{base_rate:>10,.0f}{'1.0x':>8}"
                  f"{base['peak']:>10.0f}{base['growth']:>12.0f}")
            first = run_json(env, [me, "--step", "import", *common], timeout=7200)
            rate = size / first["seconds"]
            print(f"{size:>10,}  {'import_roll (new roll)':<28}{first['seconds']:>9.2f}{rate:>10,.0f}"
                  f"{base_rate / rate:>7.1f}x{first['peak']:>10.0f}{first['growth']:>12.0f}"
                  f"   table {first['table']}, file deleted: {first['file_deleted']}")
            row = [size, first["peak"], first["growth"]]
            if args.reimport:
                again = run_json(env, [me, "--step", "import", *common, "--roll", str(first["roll"])], timeout=7200)
                rate = size / again["seconds"]
                print(f"{size:>10,}  {'import_roll (re-import)':<28}{again['seconds']:>9.2f}{rate:>10,.0f}"
                      f"{base_rate / rate:>7.1f}x{again['peak']:>10.0f}{again['growth']:>12.0f}")
                row += [again["peak"], again["growth"]]
            growths.append(row)
            path.unlink()
            run_json(env, [me, "--step", "clear"], timeout=600)
        small, large = growths[0], growths[-1]
        factor = large[0] / small[0]
        print(f"\nrows x{factor:.0f} ({small[0]:,} -> {large[0]:,}): import peak RSS {small[1]:.0f} -> {large[1]:.0f} MiB "
              f"(growth {small[2]:.0f} -> {large[2]:.0f} MiB)"
              + (f"; re-import peak {small[3]:.0f} -> {large[3]:.0f} MiB (growth {small[4]:.0f} -> {large[4]:.0f} MiB)"
                 if args.reimport else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.keep_db:
            print(f"kept database {DATABASE}")
        else:
            drop_database(args.admin_url, DATABASE)


if __name__ == "__main__":
    main()
