#!/usr/bin/env bash
# Builds the Python wheel with maturin, installs it into a fresh virtual environment,
# and runs the installed parlab from there (not from target/) with a PATH that holds no
# Rust toolchain: the way a learner at a workshop gets it. Checks the completions and
# the man page by running them. Then builds the wheel again for manylinux2014 (glibc 2.17,
# old cluster login nodes) with zig as the linker, checks that the binary needs no C
# library symbol newer than GLIBC_2.17, and runs it. Installs what it needs itself:
# python3-venv from apt when `python3 -m venv` fails, maturin and ziglang from pip.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! python3 -m venv "$work/build" >/dev/null 2>&1; then
    echo "wheel.sh: python3 -m venv failed; installing python3-venv"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y python3-venv
    rm -rf "$work/build"
    python3 -m venv "$work/build"
fi
"$work/build/bin/pip" install --quiet 'maturin>=1.16,<2'

# Build the wheel (the release binary, course and font inside).
"$work/build/bin/maturin" build --release --out "$work/wheels"
wheel=$(ls "$work"/wheels/parlab-*.whl)
echo "wheel.sh: built $(basename "$wheel"), $(du -k "$wheel" | cut -f1) KiB"

# A fresh environment that has never seen the source tree; pip installs from the file only.
python3 -m venv "$work/fresh"
"$work/fresh/bin/pip" install --quiet --no-index "$wheel"
mkdir -p "$work/home" "$work/run"

# The installed parlab, with nothing of the build on PATH: no cargo, no rustc, no target/.
installed() {
    (cd "$work/run" && env -i PATH="$work/fresh/bin:/usr/bin:/bin" HOME="$work/home" "$@")
}
[[ $(installed sh -c 'command -v parlab') == "$work/fresh/bin/parlab" ]] || {
    echo "wheel.sh: parlab is not the one installed in the fresh environment" >&2
    exit 1
}
for tool in cargo rustc; do
    if installed sh -c "command -v $tool" >/dev/null; then
        echo "wheel.sh: note: $tool is in /usr/bin or /bin here; parlab does not use it"
    fi
done

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
set -x
installed parlab --version | grep -qx "parlab $version"
installed parlab info
installed parlab run pi --size 1e6 --reps 1 --workers 1,2
installed parlab lessons check
installed parlab doctor
{ set +x; } 2>/dev/null

# Completions: every public subcommand appears; each shell parses its script when present.
for shell in bash zsh fish powershell; do
    installed parlab completions "$shell" >"$work/completion.$shell"
    for subcommand in run plot info batch lessons doctor completions man; do
        grep -q "$subcommand" "$work/completion.$shell" || {
            echo "wheel.sh: $shell completion does not mention $subcommand" >&2
            exit 1
        }
    done
done
bash -n "$work/completion.bash"
if command -v zsh >/dev/null; then zsh -n "$work/completion.zsh"; fi
if command -v fish >/dev/null; then fish --no-execute "$work/completion.fish"; fi

# The man page: roff with a title line; rendered when man is installed.
installed parlab man >"$work/parlab.1"
grep -q '^\.TH' "$work/parlab.1"
if command -v man >/dev/null; then MANPAGER=cat MANWIDTH=80 man -l "$work/parlab.1" >/dev/null; fi

# Old login nodes (RHEL/CentOS 7 and newer): the same wheel for manylinux2014, linked
# with zig against glibc 2.17. A full release build of its own target (minutes).
"$work/build/bin/pip" install --quiet ziglang
started=$SECONDS
PATH="$work/build/bin:$PATH" "$work/build/bin/maturin" build --release --zig \
    --compatibility manylinux2014 --out "$work/wheels2014"
old=$(ls "$work"/wheels2014/parlab-*manylinux2014*.whl)
echo "wheel.sh: built $(basename "$old") in $((SECONDS - started)) s, $(du -k "$old" | cut -f1) KiB"
mkdir "$work/old"
python3 -m zipfile -e "$old" "$work/old"
binary=$(find "$work/old" -path '*.data/scripts/parlab' -type f)
[[ -n $binary ]] || { echo "wheel.sh: no parlab binary in $(basename "$old")" >&2; exit 1; }
newest=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -u -V | tail -1)
echo "wheel.sh: the manylinux2014 binary needs C library symbols up to $newest"
if [[ $(printf '%s\n' "$newest" GLIBC_2.17 | sort -V | tail -1) != GLIBC_2.17 ]]; then
    echo "wheel.sh: $newest is newer than GLIBC_2.17: the wheel would not run on RHEL 7" >&2
    objdump -T "$binary" | grep -E 'GLIBC_2\.(1[89]|[2-9][0-9])' >&2
    exit 1
fi
python3 -m venv "$work/fresh2014"
"$work/fresh2014/bin/pip" install --quiet --no-index "$old"
(cd "$work/run" && env -i PATH="$work/fresh2014/bin:/usr/bin:/bin" HOME="$work/home" \
    parlab run pi --size 1e6 --reps 1 --workers 1,2 --quiet >/dev/null)

echo "wheel.sh: ok ($(basename "$wheel"), $(du -k "$wheel" | cut -f1) KiB; $(basename "$old"))"
