"""Read pip-audit's JSON report: fail on a known vulnerability, say plainly what could not be audited.

Called by ``make audit``. pip-audit asks PyPI's vulnerability data for each
installed package; a package it could not look up is listed as not audited
(never counted as safe). Exit status: 1 when a vulnerability is known, or
when ``AUDIT_STRICT=1`` and some package could not be audited or the report
is missing; else 0.
"""

import json
import os
import sys
from pathlib import Path


def main(path: str) -> int:
    strict = os.environ.get("AUDIT_STRICT") == "1"
    report = Path(path)
    if not report.exists():
        print("pip-audit: NO AUDIT PERFORMED (it could not run or reach its vulnerability service; see above).")
        return 1 if strict else 0
    dependencies = json.loads(report.read_text())["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    print(f"pip-audit: {audited} packages audited, {len(vulnerable)} with a known vulnerability, "
          f"{len(skipped)} NOT audited.")
    if skipped:
        reasons = sorted({d["skip_reason"].split(":")[0] for d in skipped})
        print("  not audited because: " + "; ".join(reasons))
    if vulnerable:
        return 1
    return 1 if strict and skipped else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
