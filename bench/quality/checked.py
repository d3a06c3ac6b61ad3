"""Per language, how many of the guides' usage examples the real toolchain accepted, and which check ran.

Each case's shipped example is checked again in the scoring process (`draft.example_report`): the checks that
ran ("static", then a tool's such as "go vet" or "python bind") and the problems they found. A check other than
"static" is a tool's; an example is accepted by it when no problem is left. Plain data in, text out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Checked:
    language: str
    checks: tuple[str, ...]  # which checks ran, "static" first
    problems: tuple[str, ...]  # what they found; empty when the example passed them all

    @property
    def tools(self) -> tuple[str, ...]:
        """The tools' checks: not "static", not a "parse only (...)" that says the tool could not run."""
        return tuple(c for c in self.checks if c != "static" and not c.startswith("parse only"))


def toolchain_report(results: list[Checked]) -> list[str]:
    """One line per language, e.g. "go: 4/6 accepted by go vet; 2 not checked by a tool (2 pass the static
    checks)"; "typescript: 0/3 accepted by a tool; 3 not checked by a tool (...)"."""
    languages: dict[str, list[Checked]] = {}
    for r in results:
        languages.setdefault(r.language, []).append(r)
    lines = []
    for lang, rows in languages.items():
        tools = list(dict.fromkeys(t for r in rows for t in r.tools))
        checked = [r for r in rows if r.tools]
        accepted = [r for r in checked if not r.problems]
        line = f"{lang}: {len(accepted)}/{len(rows)} accepted by {', '.join(tools) if tools else 'a tool'}"
        rejected = len(checked) - len(accepted)
        if rejected:
            line += f"; {rejected} rejected"
        untooled = [r for r in rows if not r.tools]
        if untooled:
            passing = sum(not r.problems for r in untooled)
            line += f"; {len(untooled)} not checked by a tool ({passing} pass the static checks)"
        lines.append(line)
    return lines
