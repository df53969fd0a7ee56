"""The verifier's checks of the count: the trustees' decryptions, the results (overall, per group, with
paper) and an equal-shares count, from the published record alone (:mod:`voting.verify_checks` runs them).

No Django here, like :mod:`voting.verify`.
"""

from __future__ import annotations

from voting import verify_groups, verify_shares
from voting.crypto import Ciphertext, DiscreteLogError, NotEnoughSharesError, PartialDecryption, decrypt_tally, verify_partial_decryption
from voting.verify_base import FORMAT, CheckFailed, CheckSkipped, Json, whole_number


class TallyChecks:
    """The count's checks, mixed into :class:`voting.verify_checks.RecordVerifier` (whose state they read)."""

    def _decrypted_sums(self) -> tuple[Ciphertext, ...]:
        """What the trustees decrypted: the overall totals, then each group's (format /4)."""
        sums = self.need(self.sums, "reading the encrypted totals")
        if self._grouped():
            sums = (*sums, *self.need(self.group_sums, "checking the groups"))
        return sums

    def check_partial_decryptions(self) -> str:
        public = self.need(self.public, "reading the election key")
        sums = self._decrypted_sums()
        context = self.need(self.context, "reading the manifest")
        bad, seen = [], set()
        for index, data in enumerate(self.record["partial_decryptions"]):
            try:
                partial = PartialDecryption.from_dict(data)
            except ValueError:
                bad.append(f"#{index + 1} (unreadable)")
                continue
            if partial.trustee in seen:
                bad.append(f"#{index + 1} (trustee {partial.trustee} again)")
            elif verify_partial_decryption(partial, public, sums, context):
                self.partials.append(partial)
            else:
                bad.append(f"#{index + 1} (trustee {partial.trustee})")
            seen.add(partial.trustee)
        if bad:
            raise CheckFailed(
                f"{', '.join(bad)} not proven correct: forged, or not a decryption of these totals"
            )
        trustees = ", ".join(str(p.trustee) for p in self.partials)
        return f"each is proven correct (trustees {trustees})"

    def check_decryption(self) -> str:
        public = self.need(self.public, "reading the election key")
        sums = self._decrypted_sums()
        context = self.need(self.context, "reading the manifest")
        n_ballots = len(self.need(self.entries, "reading the ballots"))
        try:
            result = decrypt_tally(public, sums, self.partials, context, n_ballots)
        except NotEnoughSharesError:
            raise CheckFailed(
                f"impossible: {len(self.partials)} correct trustee decryption(s), "
                f"{public.threshold} needed"
            ) from None
        except DiscreteLogError:
            raise CheckFailed(
                f"the totals do not decrypt to counts between 0 and {n_ballots}: they do not "
                "come from the ballots of this record"
            ) from None
        n_slots = len(self.need(self.sums, "reading the encrypted totals"))
        self.counts, self.group_counts = result.counts[:n_slots], result.counts[n_slots:]
        return f"counts recovered with trustees {', '.join(map(str, result.trustees))}"

    def check_online_result(self) -> str:
        decrypted = self.need(self.counts, "the decryption")
        shape = self.need(self.shape, "reading the ballot rules")
        option_keys = self.need(self.option_keys, "reading the ballot rules")
        n_ballots = len(self.need(self.entries, "reading the ballots"))
        online = self.record["result"]["online"]
        if set(online["counts"]) != set(option_keys):
            raise CheckFailed("the counts must list exactly the manifest's options")
        rows = [
            *(
                (f"option {key}", online["counts"][key], count)
                for key, count in zip(option_keys, decrypted, strict=False)
            ),
            ("blank votes", online["blank"], decrypted[-1] if shape.blank else 0),
            ("ballots", online["ballots"], n_ballots),
        ]
        if wrong := [
            f"{what}: published {published!r}, decrypted {actual}"
            for what, published, actual in rows
            if type(published) is not int or published != actual
        ]:
            raise CheckFailed("differs from the decryption: " + "; ".join(wrong))
        figures = "; ".join(f"{what}: {actual}" for what, _, actual in rows)
        return f"exactly the decrypted figures: {figures}"

    def check_group_results(self) -> str:
        if not self._grouped():
            raise CheckSkipped("no groups in records before parvis-record/4")
        self.need(self.group_sums, "checking the groups")
        shape = self.need(self.shape, "reading the ballot rules")
        try:
            return verify_groups.check_group_results(
                self.record["groups"], self.need(self.group_counts, "the decryption"),
                self.need(self.option_keys, "reading the ballot rules"), shape.n_slots, shape.blank,
                self.record["result"]["online"])
        except verify_groups.GroupsCheckFailed as failed:
            raise CheckFailed(str(failed)) from None

    def check_total_result(self) -> str:
        option_keys = self.need(self.option_keys, "reading the ballot rules")
        result = self.record["result"]
        online, paper, total = result["online"], result["paper"], result["total"]
        if set(total["counts"]) != set(option_keys) or not set(paper["counts"]) <= set(option_keys):
            raise CheckFailed("counts must be for the manifest's options only")
        rows = [
            (
                f"option {key}",
                total["counts"][key],
                online["counts"][key],
                paper["counts"].get(key, 0),
            )
            for key in option_keys
        ]
        rows.append(("blank votes", total["blank"], online["blank"], paper["blank"]))
        figures = [(what, *(whole_number(value, what) for value in values)) for what, *values in rows]
        if wrong := [
            f"{what}: {t} is not {o} online + {p} on paper"
            for what, t, o, p in figures
            if t != o + p
        ]:
            raise CheckFailed("; ".join(wrong))
        return (
            "online + paper for every option and for blank votes (paper figures are as "
            "declared by the polling stations)"
        )

    def _equal_shares(self) -> Json:
        """The record's equal-shares count, or a skip when it has none to check."""
        if self.need(self.version, "reading the format") not in ("parvis-record/3", FORMAT):
            raise CheckSkipped("no equal-shares count in records before parvis-record/3")
        try:
            return verify_shares.section(self.record, self.need(self.manifest, "reading the manifest"))
        except verify_shares.SharesNotApplicable as reason:
            raise CheckSkipped(str(reason)) from None
        except verify_shares.SharesCheckFailed as failed:
            raise CheckFailed(str(failed)) from None

    def check_shuffle(self) -> str:
        data = self._equal_shares()
        try:
            return verify_shares.check_shuffle(
                data, self.need(self.entries, "reading the ballots"),
                self.need(self.shape, "reading the ballot rules").n_options,
                self.need(self.public, "reading the election key"),
                self.need(self.context, "reading the manifest"), self.record["head_hash"],
            )
        except verify_shares.SharesCheckFailed as failed:
            raise CheckFailed(str(failed)) from None

    def check_shuffle_decryptions(self) -> str:
        data = self._equal_shares()
        public = self.need(self.public, "reading the election key")
        context = self.need(self.context, "reading the manifest")
        try:
            self.mix_partials = verify_shares.check_decryptions(data, public, context)
            return verify_shares.check_approvals(data, self.mix_partials, public, self.manifest, context, self.counts)
        except verify_shares.SharesCheckFailed as failed:
            raise CheckFailed(str(failed)) from None

    def check_winners(self) -> str:
        data = self._equal_shares()
        try:
            return verify_shares.check_winners(data, self.need(self.manifest, "reading the manifest"))
        except verify_shares.SharesCheckFailed as failed:
            raise CheckFailed(str(failed)) from None
