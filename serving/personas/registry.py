"""Load the persona folder into a registry the app can always use.

A broken, duplicate or unreadable persona file never stops the app or the CLI: it is
skipped, and the reason (file, line, field, problem) is logged and kept in
`registry.problems`. Asking for an unknown id gives the default persona and a warning.
With no usable file at all, a built-in counsellor keeps the app answering.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from serving.personas.schema import Persona
from serving.personas.yaml_lines import DuplicateKey, line_of, load_with_lines

log = logging.getLogger(__name__)

DEFAULT_ID = "counselor"
SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class Problem:
    """Why a persona file was skipped: which file, which field, which line, what is wrong."""

    file: Path
    field: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = str(self.file) + (f":{self.line}" if self.line else "")
        return f"{where}: {self.field or '(file)'}: {self.message}"


class PersonaRegistry:
    """The personas of one folder, default first."""

    def __init__(self, personas: list[Persona], problems: list[Problem] | None = None,
                 sources: dict[str, Path] | None = None):
        self.problems: list[Problem] = list(problems or [])
        self.sources: dict[str, Path] = dict(sources or {})
        by_id = {p.id: p for p in personas}
        if DEFAULT_ID in by_id:
            default = by_id[DEFAULT_ID]
        elif personas:
            default = personas[0]
            self.problems.append(Problem(Path("."), "id", f"no persona with id {DEFAULT_ID!r}; "
                                         f"using {default.id!r} as the default"))
        else:
            default = fallback_persona()
            by_id[default.id] = default
        self._default = default
        self._ordered = [default] + [p for p in personas if p.id != default.id]

    @property
    def default(self) -> Persona:
        return self._default

    def all(self) -> list[Persona]:
        return list(self._ordered)

    def ids(self) -> list[str]:
        return [p.id for p in self._ordered]

    def get(self, persona_id: str | None) -> Persona:
        """The persona called `persona_id`; the default for None, and the default with a
        warning for an id no file defines."""
        if persona_id is None:
            return self._default
        for persona in self._ordered:
            if persona.id == persona_id:
                return persona
        log.warning("unknown persona %r; using the default %r", persona_id, self._default.id)
        return self._default

    def __contains__(self, persona_id: object) -> bool:
        return any(p.id == persona_id for p in self._ordered)

    def __len__(self) -> int:
        return len(self._ordered)

    def __iter__(self):
        return iter(self.all())


def persona_files(directory: Path) -> list[Path]:
    """The persona files of a folder in name order; names starting with _ or . are skipped
    (templates, editor backups)."""
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and p.suffix in SUFFIXES and not p.name.startswith(("_", ".")))


def read_persona_file(path: Path) -> tuple[Persona | None, list[Problem]]:
    """Parse and validate one file: the persona, or None and what is wrong with it.

    Untrusted: a symlink leading out of the persona folder is refused without reading it
    (its target is never named or printed), files over `MAX_FILE_BYTES` are not read, and
    YAML aliases are limited (`yaml_lines.MAX_ALIASES`)."""
    try:
        if path.is_symlink() and path.resolve().parent != path.parent.resolve():
            return None, [Problem(path, None, "a symbolic link out of the persona folder; not read")]
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(path, None, f"{size:,} bytes; persona files may have at most "
                                              f"{MAX_FILE_BYTES:,}")]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(path, None, f"cannot read the file: {type(exc).__name__}")]
    try:
        data, lines = load_with_lines(text)
    except DuplicateKey as exc:
        return None, [Problem(path, exc.key, str(exc), exc.line)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(path, None, f"invalid YAML: {reason}", mark.line + 1 if mark else None)]
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        return None, [Problem(path, None, f"expected a mapping of fields (id, name, style, ...), got {kind}", 1)]
    try:
        return Persona.model_validate(data), []
    except ValidationError as exc:
        return None, [_problem(path, error, lines) for error in exc.errors()]


def _problem(path: Path, error: dict, lines: dict[tuple, int]) -> Problem:
    loc = tuple(error.get("loc", ()))
    field = ".".join(str(x) if not isinstance(x, int) else f"[{x}]" for x in loc).replace(".[", "[") or None
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if error.get("type") == "missing":
        message = "required field is missing"
    elif "input" in error and error.get("type") not in {"missing"} and not isinstance(error["input"], (dict, list)):
        message += f" (got {error['input']!r})"
    return Problem(path, field, message, line_of(lines, loc))


def _scan(directory: Path) -> tuple[list[Persona], list[Problem], dict[str, Path]]:
    personas: list[Persona] = []
    problems: list[Problem] = []
    sources: dict[str, Path] = {}
    if not directory.is_dir():
        return [], [Problem(directory, None, "persona folder not found")], {}
    files = persona_files(directory)
    if not files:
        problems.append(Problem(directory, None, "no persona files (*.yaml) in this folder"))
    for path in files:
        persona, found = read_persona_file(path)
        if persona is None:
            problems.extend(found)
            continue
        if persona.id in sources:
            line = _id_line(path)
            problems.append(Problem(path, "id", f"id {persona.id!r} is already used by "
                                    f"{sources[persona.id].name}; this file is skipped", line))
            continue
        personas.append(persona)
        sources[persona.id] = path
    return personas, problems, sources


def _id_line(path: Path) -> int | None:
    try:
        _, lines = load_with_lines(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    return lines.get(("id",))


def validate_dir(path: str | os.PathLike) -> list[Problem]:
    """Every problem in a persona folder (empty when all files are valid)."""
    _, problems, _ = _scan(Path(path))
    return problems


def load_personas(directory: str | os.PathLike | None = None) -> PersonaRegistry:
    """The personas of `directory` (None: `maeum.paths.personas_dir()`), problems logged."""
    from maeum.paths import personas_dir

    folder = personas_dir(directory)
    if folder is None:
        problems = [Problem(Path("personas"), None, "no persona folder found (set MAEUM_PERSONAS_DIR "
                                                    "or pass --personas-dir); using the built-in counsellor")]
        personas, sources = [], {}
    else:
        personas, problems, sources = _scan(Path(folder))
    for problem in problems:
        log.warning("persona skipped: %s", problem)
    registry = PersonaRegistry(personas, problems, sources)
    for problem in registry.problems[len(problems):]:
        log.warning("%s", problem)
    return registry


def fallback_persona() -> Persona:
    """The warm counsellor built into the code, used only when no persona file loads."""
    pairs = [
        ("많이 힘드셨겠어요.", "많이 힘드셨겠어요."),
        ("천천히 이야기해 주세요.", "천천히 이야기해 주세요."),
        ("그 마음 이해해요.", "그 마음 이해해요."),
        ("잠시 쉬어도 괜찮아요.", "잠시 쉬어도 괜찮아요."),
        ("제가 곁에 있을게요.", "제가 곁에 있을게요."),
    ]
    return Persona(
        id=DEFAULT_ID,
        name="마음 상담사",
        description="따뜻한 해요체로 이야기를 들어 주는 기본 상담사예요.",
        avatar="🌱",
        greeting="안녕하세요. 오늘 마음은 어떠세요? 편하게 이야기해 주세요.",
        style={"speech_level": "해요체", "smilestyle": "formal"},
        examples=[{"neutral": n, "persona": p} for n, p in pairs],
        tags=["기본", "상담"],
    )
