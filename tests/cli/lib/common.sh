# Sourced by tests/cli/*.sh: a scratch folder, failure counting, and the check every bad-input
# test makes (DESIGN.md "Errors": exit 2, one line on stderr, nothing half-written).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_rejected EXPECTED_TEXT COMMAND...: COMMAND must exit 2 with exactly one stderr line
# containing EXPECTED_TEXT, print nothing on stdout, and leave no file at $work/out.
expect_rejected() {
  local expected="$1"
  shift
  rm -f "$work/out"
  "$@" >"$work/stdout" 2>"$work/stderr"
  local rc=$?
  local lines
  lines=$(wc -l <"$work/stderr")
  [ "$rc" -eq 2 ] || fail "$*: exit $rc, expected 2"
  [ "$lines" -eq 1 ] || fail "$*: $lines stderr lines, expected 1: $(cat "$work/stderr")"
  grep -q -- "$expected" "$work/stderr" || fail "$*: stderr lacks '$expected': $(cat "$work/stderr")"
  [ ! -e "$work/out" ] || fail "$*: output file was created"
  [ ! -s "$work/stdout" ] || fail "$*: wrote to stdout"
}

# finish NAME: exits non-zero if any check failed.
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
  fi
  echo "$1: all checks passed"
}

# require_python MODULES: skip the script (exit 0) when /usr/bin/python3 cannot import MODULES
# (a comma-separated list, e.g. "onnx, numpy"); the scripts write their models with it.
require_python() {
  if ! /usr/bin/python3 -c "import $1" >/dev/null 2>&1; then
    echo "skip: /usr/bin/python3 has no $1"
    exit 0
  fi
}

# check WHAT NEEDLE RC ARGS...: `$tessera ARGS...` must exit RC with NEEDLE in its output; an
# error (RC 2) must be one line.
check() {
  local what="$1" needle="$2" want="$3"
  shift 3
  local out rc
  out=$("$tessera" "$@" 2>&1)
  rc=$?
  if [[ $rc -ne $want || "$out" != *"$needle"* ]]; then
    fail "$what: rc=$rc, want $want and '$needle': tessera $*: $out"
  fi
  if [[ $want -eq 2 && $(printf '%s\n' "$out" | wc -l) -ne 1 ]]; then
    fail "$what: not one line: $out"
  fi
}
