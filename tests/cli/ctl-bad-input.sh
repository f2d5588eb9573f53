#!/bin/bash
# The control verbs (list, stats, p2m, pause, unpause, destroy, mem-set)
# refuse bad usage and sockets that are not a live atoll's with one line
# and exit status 2: a path with no socket, a stale socket, a regular file,
# a listener that is not atoll (answers garbage, or nothing), a domain the
# atoll does not know, a size that does not parse.
. "$(dirname "$0")/lib/usage.bash"
fake="$(dirname "$0")/lib/fake_listener.py"

none="$TMP/none.sock"
for v in list stats "p2m d" "pause d" "unpause d" "destroy d" \
	"mem-set d 64M"; do
	# shellcheck disable=SC2086
	expect_usage_error "$v: no socket" $v --socket "$none"
	expect_stderr_mentions "$v: no socket" "$none"
done

touch "$TMP/file.sock"
expect_usage_error "a regular file" list --socket "$TMP/file.sock"
expect_usage_error "empty socket path" list --socket ""
expect_usage_error "socket path too long" list --socket "$TMP/$(printf 'x%.0s' {1..200})"
expect_usage_error "--socket without a value" list --socket
expect_usage_error "unknown option" list --frob --socket "$none"
expect_stderr_mentions "unknown option" --frob
expect_usage_error "extra operand" list extra --socket "$none"
expect_usage_error "p2m without a domain" p2m --socket "$none"
expect_usage_error "pause with two domains" pause a b --socket "$none"
expect_usage_error "mem-set without a size" mem-set d --socket "$none"
for size in 12Q "" M 99999999999999999999999 1.5G 4097B 16E; do
	expect_usage_error "mem-set size '$size'" mem-set d "$size" \
		--socket "$none"
	expect_stderr_mentions "mem-set size '$size'" SIZE
done
expect_usage_error "mem-set size -5" mem-set --socket "$none" d -- -5

if ! command -v python3 >/dev/null; then
	echo "python3 missing: listener cases not run"
	exit 1
fi

# Listeners that are not atoll, started together (python3 may be slow to
# start): a stale socket, one answering garbage, one answering nothing, one
# answering like an atoll that knows no such domain.
fakes=()
for mode in stale garbage silent nodomain; do
	python3 "$fake" "$TMP/$mode.sock" "$mode" &
	fakes+=($!)
done
trap 'kill "${fakes[@]}" 2>/dev/null; rm -rf "$TMP"' EXIT
wait "${fakes[0]}"
for mode in stale garbage silent nodomain; do
	for _ in $(seq 200); do
		[ -S "$TMP/$mode.sock" ] && break
		sleep 0.1
	done
	[ -S "$TMP/$mode.sock" ] || {
		echo "fake listener did not start at $TMP/$mode.sock"
		exit 1
	}
done

expect_usage_error "stale socket" list --socket "$TMP/stale.sock"
expect_stderr_mentions "stale socket" "$TMP/stale.sock"

expect_usage_error "not atoll (garbage)" stats --socket "$TMP/garbage.sock"
expect_stderr_mentions "not atoll (garbage)" "not an atoll"

expect_usage_error "not atoll (silent)" list --socket "$TMP/silent.sock"
expect_stderr_mentions "not atoll (silent)" "did not answer"

expect_usage_error "unknown domain" p2m x --socket "$TMP/nodomain.sock"
expect_stderr_mentions "unknown domain" "no domain"
ATOLL_SOCKET="$TMP/nodomain.sock" expect_usage_error \
	"unknown domain (\$ATOLL_SOCKET)" pause x
exit 0
