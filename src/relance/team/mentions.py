"""Who a note mentions: `@` followed by a teammate's handle.

The rule (docs/team.md): a teammate is mentioned by `@` and one of
  - their full name, as written in their profile ("@Claire Martin"),
  - their email's local part ("@claire.martin" for claire.martin@atelier.fr),
  - their first name ("@Claire") when no other active teammate has it.
Case does not matter. The `@` must start a word (an email address in the text
mentions nobody) and the handle must end a word ("@Clairette" is not "@Claire").
When several handles fit, the longest wins, so "@Claire Martin" is not read as
"@Claire". A first name that several teammates share mentions nobody: write the
full name or the email's local part instead.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Teammate:
    id: int
    first_name: str
    last_name: str
    email: str

    def handles(self):
        full = f"{self.first_name} {self.last_name}".strip()
        found = {self.email.split("@")[0], full, self.first_name}
        return {h.casefold() for h in found if h}


def handle_index(teammates):
    """{handle: teammate id}, ambiguous handles left out, longest handle first."""
    owners = {}
    for mate in teammates:
        for handle in mate.handles():
            owners.setdefault(handle, set()).add(mate.id)
    unique = {h: ids.pop() for h, ids in owners.items() if len(ids) == 1}
    return dict(sorted(unique.items(), key=lambda item: -len(item[0])))


def mentioned(text, teammates):
    """The ids of the teammates `text` mentions, in order of first mention."""
    index = handle_index(teammates)
    folded = text.casefold()
    found = []
    for at, char in enumerate(folded):
        if char != "@" or (at and _in_word(folded[at - 1])):
            continue
        mate = _handle_at(folded, at + 1, index)
        if mate is not None and mate not in found:
            found.append(mate)
    return found


def _handle_at(folded, start, index):
    for handle, mate in index.items():
        end = start + len(handle)
        if folded.startswith(handle, start) and (end == len(folded)
                                                 or not _in_word(folded[end])):
            return mate
    return None


def _in_word(char):
    return char.isalnum() or char == "_"
