#!/bin/sh
# Counts the instructions one op of a Go benchmark executes, with valgrind's
# callgrind: unlike ns/op, the count is the same on every run whatever else
# the machine is doing (docs: behavior/README.md, "Size and speed").
#   scripts/bench-instructions.sh ./behavior 'BenchmarkDecodeToScore/login'
# Needs valgrind (apt-get install valgrind).
set -eu
pkg=${1:?package}; bench=${2:?benchmark regexp}; n=${3:-1000}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
CGO_ENABLED=0 go test -c -o "$dir/b.test" "$pkg"
count() {
	# One P, no GC and no asynchronous preemption: callgrind follows one
	# thread of work, and signals would confuse it.
	(cd "$pkg" && GOMAXPROCS=1 GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
		--callgrind-out-file="$dir/cg.out" "$dir/b.test" -test.run '^$' -test.bench "$bench" \
		-test.benchtime "${1}x" 2>&1) | sed -n 's/.*Collected : //p'
}
a=$(count "$n"); b=$(count $((2 * n)))
# The difference of two runs cancels the start-up and set-up cost.
echo "$bench: $(((b - a) / n)) instructions/op"
