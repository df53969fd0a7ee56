"""pabutools as the reference for Parvis' budget rules (a test dependency only)."""


def pabutools_winners(costs, ballots, envelope):
    """pabutools' MES (cost utilities, add1) then its greedy completion, with our tie-break."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
    from pabutools.tiebreaking import TieBreakingRule

    votes = {p: sum(p in b for b in ballots) for p in costs}
    # Parvis never funds a project nobody voted for; pabutools' greedy would: leave those out.
    projects = {p: Project(str(p), cost) for p, cost in costs.items() if votes[p]}
    instance = Instance(projects.values(), budget_limit=envelope)
    profile = ApprovalProfile([ApprovalBallot(projects[p] for p in ballot) for ballot in ballots], instance=instance)
    by_name = {str(p): p for p in costs}
    tie = TieBreakingRule(lambda inst, prof, proj: (-votes[by_name[proj.name]], proj.cost, by_name[proj.name]))
    mes = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1, tie_breaking=tie)
    full = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, initial_budget_allocation=mes, tie_breaking=tie)
    return [by_name[p.name] for p in full]
