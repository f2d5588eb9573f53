#!/bin/bash
# atoll run: unknown, repeated or misplaced keys and unknown or malformed
# sections give exit status 2 and one line naming the file, line and key.
. "$(dirname "$0")/lib/usage.bash"
touch "$TMP/kernel"

check() { # LINE WORD TEXT
	printf '%b' "$3" >"$TMP/c.ini"
	expect_usage_error "$2 on line $1" run "$TMP/c.ini"
	expect_stderr_mentions "$2" "$TMP/c.ini:$1: $2"
}

H='[host]\nmachine_memory = 64M\n'
D="[domain a]\nkernel = $TMP/kernel\nmemory = 8M\n"
check 2 frobnicate '[host]\nfrobnicate = 1\n'
check 3 frob "$H""frob = 2\n$D"
check 6 shares "$H$D""shares = 0\n" # a known key, a bad value
check 3 machine_memory '[host]\nmachine_memory = 64M\nmachine_memory = 32M\n'
check 6 memory "$H$D""memory = 8M\n"
check 1 memory 'memory = 8M\n[host]\n'
check 3 '[guests]' "$H[guests]\n"
check 3 '[domain 42]' "$H[domain 42]\n"
check 6 '[domain a]' "$H$D[domain a]\n"
check 3 'syntax error' "$H""just words\n$D"
check 3 kernel "$H[domain a]\nmemory = 8M\n"
check 3 memory "$H[domain a]\nkernel = $TMP/kernel\n"
exit 0
