#!/usr/bin/env bash
# Runs every fuzz target of the module (every func Fuzz* that go test -list
# finds), one after another, each for the given time:
#
#	scripts/fuzz-all.sh [fuzztime] [package...]
#
# fuzztime is go test's -fuzztime (default 60s; "1000x" counts inputs), the
# packages default to ./... . FUZZ_PARALLEL sets -parallel (the number of
# fuzzing processes; go test's default is GOMAXPROCS), FUZZ_SKIP an extended
# regular expression of the targets to leave out, matched against
# "<import path>.<target>".
#
# It prints a line per target and a summary, keeps going after a failure so
# as to report them all, and exits non-zero if any target failed or any
# package's tests did not build. A failing input is kept where go test puts
# it, <package>/testdata/fuzz/<target>/, as a regression seed to commit with
# the fix; the output of a failed run is kept in the log named on its line.
# One failure is not the target's (see deadline_race): it passes once the
# target's corpus passes again.
set -uo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:-60s}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- ./...
parallel=()
[ -n "${FUZZ_PARALLEL:-}" ] && parallel=(-parallel="$FUZZ_PARALLEL")

# A run that outlives its fuzz time by far has hung: go test's own -timeout
# does not cover fuzzing. Building the instrumented test binary and running
# the stored corpus come before the fuzz time starts, hence the margin. A
# fuzz time other than a whole number of s, m or h gets no bound.
limit=()
bound=
if [[ $fuzztime =~ ^([0-9]+)([smh])$ ]]; then
	bound=${BASH_REMATCH[1]}
	case ${BASH_REMATCH[2]} in
	m) bound=$((bound * 60)) ;;
	h) bound=$((bound * 3600)) ;;
	esac
	bound=$((bound + 600))
	limit=(timeout -s INT -k 60 "$bound")
fi

# deadline_race reports whether the failed run in log shows only the race
# of Go's fuzz coordinator before Go 1.27 (go.dev/issue/75804): when
# -fuzztime runs out, it can report its own deadline, a bare "context
# deadline exceeded" without a failing input, as the target's failure. A
# failure of the target itself names a _test.go line or writes an input.
deadline_race() {
	grep -Eq '^[[:space:]]+context deadline exceeded$' "$1" &&
		! grep -Eq 'Failing input written|_test\.go:[0-9]+|^panic:|hung or terminated' "$1"
}

logs=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-all.XXXXXX")
failed=()
total=0
skipped=0
builds_failed=0

# go test -list prints a package's matching names, then its "ok" line.
listing=$(go test -list '^Fuzz' "$@" 2>"$logs/list.err")
list_rc=$?
targets=()
names=()
while IFS= read -r line; do
	case $line in
	Fuzz*) names+=("$line") ;;
	ok*)
		pkg=$(printf '%s\n' "$line" | awk '{print $2}')
		for n in ${names[@]+"${names[@]}"}; do targets+=("$pkg $n"); done
		names=()
		;;
	FAIL[[:space:]]?*)
		printf 'FAIL %-58s (its tests do not build)\n' "$(printf '%s\n' "$line" | awk '{print $2}')"
		builds_failed=$((builds_failed + 1))
		names=()
		;;
	*) names=() ;;
	esac
done <<<"$listing"
if [ $list_rc -ne 0 ]; then
	echo "fuzz-all: go test -list failed (exit $list_rc):"
	sed 's/^/	/' "$logs/list.err"
	[ $builds_failed -gt 0 ] || builds_failed=1
fi

echo "fuzz-all: ${#targets[@]} targets, $fuzztime each, log directory $logs"
for t in ${targets[@]+"${targets[@]}"}; do
	pkg=${t% *}
	name=${t#* }
	if [ -n "${FUZZ_SKIP:-}" ] && printf '%s\n' "$pkg.$name" | grep -Eq -- "$FUZZ_SKIP"; then
		printf 'skip %-58s %s\n' "$pkg" "$name"
		skipped=$((skipped + 1))
		continue
	fi
	log="$logs/$(printf '%s' "$pkg" | tr '/' '_').$name.log"
	total=$((total + 1))
	start=$SECONDS
	${limit[@]+"${limit[@]}"} go test -run='^$' -fuzz="^$name\$" -fuzztime="$fuzztime" ${parallel[@]+"${parallel[@]}"} "$pkg" >"$log" 2>&1
	rc=$?
	took=$((SECONDS - start))
	execs=$(grep -o 'execs: [0-9]*' "$log" | tail -n 1 | awk '{print $2}')
	note=
	if [ $rc -ne 0 ] && deadline_race "$log" && go test -run="^$name\$" "$pkg" >>"$log" 2>&1; then
		rc=0
		note=" (the Go fuzz coordinator's race at the deadline, go.dev/issue/75804; no input implicated)"
	fi
	if [ $rc -eq 0 ]; then
		printf 'ok   %-58s %-22s %5ss %12s execs%s\n' "$pkg" "$name" "$took" "${execs:-?}" "$note"
		rm -f "$log"
		continue
	fi
	why="exit $rc"
	if [ -n "$bound" ] && { [ $rc -eq 124 ] || [ $rc -eq 137 ]; }; then
		why="hung: stopped after ${bound}s"
	fi
	printf 'FAIL %-58s %-22s %5ss %12s execs (%s; log %s)\n' "$pkg" "$name" "$took" "${execs:-?}" "$why" "$log"
	grep -v '^fuzz: elapsed:' "$log" | tail -n 20 | sed 's/^/	/'
	failed+=("$pkg.$name")
done

if [ ${#failed[@]} -eq 0 ] && [ $builds_failed -eq 0 ]; then
	echo "fuzz-all: all $total targets passed ($fuzztime each), $skipped skipped"
	rm -f "$logs/list.err"
	rmdir "$logs" 2>/dev/null
	exit 0
fi
echo "fuzz-all: ${#failed[@]} of $total targets failed${failed[*]+: ${failed[*]}}; $builds_failed packages did not build; $skipped skipped"
exit 1
