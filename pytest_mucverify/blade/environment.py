"""The environment a DFOS tool sees on a host: bash sources the account's rc files in a clean
login-like environment and prints what it then holds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import BladeError

RC_UNREADABLE_EXIT = 97

# Sources each rc file in turn in a clean login-like environment and prints the result. A file
# that is missing or unreadable stops with RC_UNREADABLE_EXIT; bash's own complaints (a syntax
# error, a failing command) reach stderr and are reported with the environment.
#
# An rc file may source another (`.qcrc` ends with `source $HOME/.dfosrc`): `source` and `.` are
# wrapped so that such a path (made absolute, `//` and `/./` made `/`, however the rc spells it)
# is first rewritten by the caller's replacements (`R from to`: the switched view, where
# `.dfosrc` is the muc rc) and then mapped through the host's mount table
# (`M logical real`, a demo host's `/home`), given before `--`. The top-level files are sourced
# as given (already real paths). Without replacements or mounts (a real blade's plain view) no
# wrapper is defined: a file sourced through a function would see its `declare`s made local.
_SOURCE_SCRIPT = (
    "__mv_r=(); __mv_m=(); "
    'while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do '
    'if [ "$1" = R ]; then __mv_r+=("$2" "$3"); else __mv_m+=("$2" "$3"); fi; shift 3; done; '
    "shift; "
    '__mv_path() { local f="$1" i n; '
    'case "$f" in /*) ;; *) if [ -n "$__mv_nohome" ]; then f="$HOME/$f"; else f="$PWD/$f"; fi;; esac; '
    r'while [[ "$f" == *//* ]]; do f="${f//\/\//\/}"; done; '
    r'while [[ "$f" == */./* ]]; do f="${f//\/.\//\/}"; done; '
    'for ((i=0; i<${#__mv_r[@]}; i+=2)); do n="${__mv_r[i]}"; '
    'case "$f" in "$n"|"$n"/*) f="${__mv_r[i+1]}${f#"$n"}";; esac; done; '
    'for ((i=0; i<${#__mv_m[@]}; i+=2)); do n="${__mv_m[i]}"; '
    'if [ "$n" = / ]; then case "$f" in /*) f="${__mv_m[i+1]}$f"; break;; esac; '
    'else case "$f" in "$n"|"$n"/*) f="${__mv_m[i+1]}${f#"$n"}"; break;; esac; fi; done; '
    "printf '%s' \"$f\"; }; "
    'if [ "${#__mv_r[@]}" -gt 0 ] || [ "${#__mv_m[@]}" -gt 0 ]; then '
    'source() { local __mv_f; __mv_f=$(__mv_path "$1"); shift; builtin source "$__mv_f" "$@"; }; '
    '. () { local __mv_f; __mv_f=$(__mv_path "$1"); shift; builtin source "$__mv_f" "$@"; }; '
    "fi; "
    'cd "$HOME" 2>/dev/null || __mv_nohome=1; unset OLDPWD; for rc in "$@"; do '
    f'[ -r "$rc" ] || {{ echo "$rc: cannot be read" >&2; exit {RC_UNREADABLE_EXIT}; }}; '
    'builtin source "$rc" </dev/null >/dev/null; '
    "done; unset rc; env -0"
)


@dataclass(frozen=True)
class SourcedEnvironment:
    variables: dict[str, str]
    complaints: list[str] = field(default_factory=list)
    """what bash wrote to stderr while sourcing (syntax errors, failing commands)."""


def source_rc_files(
    run: Callable[..., tuple[int, bytes, str]],
    host: str,
    base: Sequence[str],
    rc_files: Sequence[str],
    real_files: Sequence[str],
    sourced_instead: Mapping[str, str],
    mounts: Sequence[tuple[str, str]],
) -> SourcedEnvironment:
    """Source ``real_files`` (the host's paths of ``rc_files``) with bash on the host, starting
    from the ``base`` variables; complaints name the files as ``rc_files`` do."""
    status, out, err = run(
        "env",
        "-i",
        *base,
        "bash",
        "--noprofile",
        "--norc",
        "-c",
        _SOURCE_SCRIPT,
        "bash",
        *[w for k, v in sourced_instead.items() for w in ("R", k, v)],
        *[w for k, v in mounts for w in ("M", k, v)],
        "--",
        *real_files,
    )
    complaints = [
        _logical_message(line, rc_files, real_files) for line in err.splitlines() if line.strip()
    ]
    if status == RC_UNREADABLE_EXIT:
        raise BladeError(f"{host}: {'; '.join(complaints) or 'an rc file cannot be read'}")
    if status != 0:
        raise BladeError(
            f"{host}: sourcing {', '.join(rc_files)} failed: {'; '.join(complaints) or f'exit {status}'}"
        )
    variables: dict[str, str] = {}
    for item in out.split(b"\0"):
        name, sep, value = item.decode("utf-8", "surrogateescape").partition("=")
        if sep and name:
            variables[name] = value
    return SourcedEnvironment(variables, complaints)


def _logical_message(line: str, logical: Sequence[str], real: Sequence[str]) -> str:
    for shown, actual in zip(logical, real, strict=True):
        line = line.replace(actual, shown)
    return line
