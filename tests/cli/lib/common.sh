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
