"""Reading and writing Pabulib ``.pb`` files (approval votes).

Pabulib (pabulib.org; Stolicki, Szufa and Talmon, "Pabulib: A Participatory
Budgeting Library", arXiv:2012.06539) is the public library of real
participatory-budgeting elections. A ``.pb`` file is UTF-8 text in three
sections, in this order, each a section name on its own line, a header
line, then rows of ``;``-separated fields (quoted with ``"`` when a field
holds ``;`` or ``"``, as CSV)::

    META                     PROJECTS                   VOTES
    key;value                project_id;cost;name...    voter_id;vote;age...
    budget;2500              1;600;Park                 1;1,2,4;34
    vote_type;approval       2;800;Library              2;2;51

Parvis exports a finished budget vote's anonymous profile this way and reads
such files to simulate a rule on a past or another town's election. Only
``approval`` votes are supported. :func:`read_pb` is strict: anything wrong
raises :class:`PabulibError` saying where (line number) and what, and
nothing half-read is returned.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SECTIONS = ("META", "PROJECTS", "VOTES")
REQUIRED_META = ("description", "country", "unit", "instance", "num_projects", "num_votes", "budget", "vote_type", "rule")
"""The keys pabulib.org's format page marks obligatory (dates aside, missing from many older files)."""
_WHOLE = re.compile(r"(0|[1-9][0-9]*)(\.0+)?")


class PabulibError(ValueError):
    """A ``.pb`` file that cannot be used, with the line at fault if any."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass(frozen=True)
class PabulibProject:
    """A row of PROJECTS: its id, its whole cost, and the other columns as text."""

    id: str
    cost: int
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PabulibVoter:
    """A row of VOTES: the voter's id, the approved project ids, the other columns."""

    id: str
    approved: tuple[str, ...]
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PabulibElection:
    """One participatory-budgeting election, as a ``.pb`` file holds it."""

    meta: Mapping[str, str]
    projects: tuple[PabulibProject, ...]
    voters: tuple[PabulibVoter, ...]

    @property
    def budget(self) -> int:
        return _whole(self.meta["budget"], "budget")

    @property
    def costs(self) -> dict[str, int]:
        return {project.id: project.cost for project in self.projects}

    @property
    def ballots(self) -> list[tuple[str, ...]]:
        """Each voter's approved project ids: the input of :mod:`voting.rules`."""
        return [voter.approved for voter in self.voters]


def _whole(text: str, what: str, line: int | None = None) -> int:
    """A non-negative whole amount; ``"1200.00"`` is accepted, ``"12.5"`` or ``"-3"`` are not."""
    match = _WHOLE.fullmatch(text.strip())
    if match is None:
        raise PabulibError(f"{what} must be a non-negative whole number, not {text!r}", line)
    return int(match.group(1))


def _rows(text: str) -> list[tuple[int, list[str]]]:
    rows = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";", quotechar='"', strict=True)
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as exc:
        raise PabulibError(f"unreadable quoting ({exc})", reader.line_num) from None
    return rows


def _split_sections(rows: list[tuple[int, list[str]]]) -> dict[str, list[tuple[int, list[str]]]]:
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current = None
    for line, row in rows:
        if len(row) == 1 and row[0] in SECTIONS:
            name = row[0]
            expected = SECTIONS[len(sections)] if len(sections) < len(SECTIONS) else None
            if name != expected:
                raise PabulibError(f"section {name} is out of place: expected {expected or 'the end of the file'}", line)
            sections[name] = []
            current = name
            continue
        if current is None:
            raise PabulibError("the file must start with the META section", line)
        sections[current].append((line, row))
    missing = [name for name in SECTIONS if name not in sections]
    if missing:
        raise PabulibError(f"missing section(s): {', '.join(missing)}")
    for name in SECTIONS:
        if not sections[name]:
            raise PabulibError(f"section {name} has no header line")
    return sections


def _table(rows: list[tuple[int, list[str]]], section: str, required: Sequence[str]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    header_line, header = rows[0]
    if len(set(header)) != len(header):
        raise PabulibError(f"{section}: a column is named twice", header_line)
    absent = [name for name in required if name not in header]
    if absent:
        raise PabulibError(f"{section}: missing column(s) {', '.join(absent)}", header_line)
    table = []
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise PabulibError(f"{section}: {len(row)} fields where the header has {len(header)}", line)
        table.append((line, dict(zip(header, row, strict=True))))
    return header, table


def read_pb(text: str) -> PabulibElection:
    """Parse and check a ``.pb`` file's text (approval votes only)."""
    sections = _split_sections(_rows(text))
    _, meta_rows = _table(sections["META"], "META", ("key", "value"))
    meta: dict[str, str] = {}
    for line, row in meta_rows:
        if row["key"] in meta:
            raise PabulibError(f"META: the key {row['key']!r} is given twice", line)
        meta[row["key"]] = row["value"]
    absent = [key for key in REQUIRED_META if key not in meta]
    if absent:
        raise PabulibError(f"META: missing key(s) {', '.join(absent)}")
    if meta["vote_type"] != "approval":
        raise PabulibError(f"META: only approval votes are supported, not {meta['vote_type']!r}")
    budget = _whole(meta["budget"], "META budget")

    _, project_rows = _table(sections["PROJECTS"], "PROJECTS", ("project_id", "cost"))
    projects: dict[str, PabulibProject] = {}
    for line, row in project_rows:
        pid = row.pop("project_id")
        if not pid:
            raise PabulibError("PROJECTS: empty project_id", line)
        if pid in projects:
            raise PabulibError(f"PROJECTS: project {pid!r} is listed twice", line)
        projects[pid] = PabulibProject(pid, _whole(row.pop("cost"), f"the cost of project {pid!r}", line), row)

    _, vote_rows = _table(sections["VOTES"], "VOTES", ("voter_id", "vote"))
    voters: list[PabulibVoter] = []
    seen: set[str] = set()
    max_sum = _whole(meta["max_sum_cost"], "META max_sum_cost") if meta.get("max_sum_cost") else None
    for line, row in vote_rows:
        vid, vote = row.pop("voter_id"), row.pop("vote")
        if vid in seen:
            raise PabulibError(f"VOTES: voter {vid!r} is listed twice", line)
        seen.add(vid)
        approved = tuple(p.strip() for p in vote.split(",")) if vote else ()
        unknown = [p for p in approved if p not in projects]
        if unknown:
            raise PabulibError(f"VOTES: voter {vid!r} votes for unknown project(s) {', '.join(unknown)}", line)
        if len(set(approved)) != len(approved):
            raise PabulibError(f"VOTES: voter {vid!r} approves a project twice", line)
        if max_sum is not None and sum(projects[p].cost for p in approved) > max_sum:
            raise PabulibError(f"VOTES: voter {vid!r} chose projects costing more than max_sum_cost ({max_sum})", line)
        voters.append(PabulibVoter(vid, approved, row))

    if _whole(meta["num_projects"], "META num_projects") != len(projects):
        raise PabulibError(f"META: num_projects is {meta['num_projects']} but PROJECTS lists {len(projects)}")
    if _whole(meta["num_votes"], "META num_votes") != len(voters):
        raise PabulibError(f"META: num_votes is {meta['num_votes']} but VOTES lists {len(voters)}")
    selected = [p for p in projects.values() if p.fields.get("selected") == "1"]
    if sum(p.cost for p in selected) > budget:
        raise PabulibError(f"PROJECTS: the selected projects cost {sum(p.cost for p in selected)}, over the budget ({budget})")
    return PabulibElection(meta, tuple(projects.values()), tuple(voters))


def write_pb(election: PabulibElection) -> str:
    """The ``.pb`` text of ``election``; :func:`read_pb` gives it back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    project_columns = list(dict.fromkeys(k for p in election.projects for k in p.fields))
    voter_columns = list(dict.fromkeys(k for v in election.voters for k in v.fields))
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(election.meta.items())
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", *project_columns])
    writer.writerows([p.id, p.cost, *(p.fields.get(c, "") for c in project_columns)] for p in election.projects)
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote", *voter_columns])
    writer.writerows([v.id, ",".join(v.approved), *(v.fields.get(c, "") for c in voter_columns)] for v in election.voters)
    return out.getvalue()


def election_from_profile(
    *,
    meta: Mapping[str, str],
    projects: Sequence[tuple[str, int, str]],
    ballots: Sequence[Sequence[str]],
    selected: Sequence[str] = (),
) -> PabulibElection:
    """An anonymous election to export: ``projects`` as ``(id, cost, name)``,
    voters numbered 1, 2, ... in the given (shuffled) order. ``meta`` must
    hold the obligatory keys but the counts, which are filled in."""
    chosen = set(selected)
    full_meta = {**meta, "num_projects": str(len(projects)), "num_votes": str(len(ballots)), "vote_type": "approval"}
    election = PabulibElection(
        full_meta,
        tuple(PabulibProject(pid, cost, {"name": name, "selected": "1" if pid in chosen else "0"}) for pid, cost, name in projects),
        tuple(PabulibVoter(str(i), tuple(ballot)) for i, ballot in enumerate(ballots, start=1)),
    )
    return read_pb(write_pb(election))  # the same checks as an import
