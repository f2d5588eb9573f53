#!/bin/bash
# atoll run: a bad value gives exit status 2 and one line naming the
# file, the line and the key; nothing starts.
. "$(dirname "$0")/lib/usage.bash"
touch "$TMP/kernel"

# check LINE KEY TEXT: TEXT as a config file whose error is on LINE at KEY.
check() {
	local line=$1 key=$2
	printf '%b' "$3" >"$TMP/c.ini"
	expect_usage_error "$key on line $line" run "$TMP/c.ini"
	expect_stderr_mentions "$key" "$TMP/c.ini:$line: $key:"
}

H='[host]\nmachine_memory = 64M\n'
D="[domain a]\nkernel = $TMP/kernel\n"
check 2 machine_memory '[host]\nmachine_memory = 12X\n'
check 2 machine_memory '[host]\nmachine_memory = 4097B\n'
check 2 machine_memory '[host]\nmachine_memory = 2048G\n'
check 2 machine_memory '[host]\nmachine_memory = 4K\n'
check 3 swap_size "${H}swap_size = 1M\n$D"
check 5 vcpus "$H$D""vcpus = 9\nmemory = 8M\n"
check 5 vcpus "$H$D""vcpus = x\nmemory = 8M\n"
check 5 memory "$H$D""memory = lots\n"
check 6 memory "$H$D""maxmem = 8M\nmemory = 16M\n"
check 5 maxmem "$H$D""maxmem = 128G\n"
check 6 reservation "$H$D""memory = 8M\nreservation = 16M\n"
check 6 limit "$H$D""memory = 8M\nlimit = 4M\n"
check 5 kernel "$H[domain a]\nmemory = 8M\nkernel = $TMP/missing\n"
check 6 initrd "$H$D""memory = 8M\ninitrd = $TMP/missing\n"
check 6 bios "$H$D""memory = 8M\nbios = $TMP/missing\n"
check 3 wss_sample "$H""wss_sample = 1025\n$D""memory = 8M\n"
check 3 wss_sample "$H""wss_sample = -1\n$D""memory = 8M\n"
check 3 wss_period "$H""wss_period = 5ms\n$D""memory = 8M\n"
check 3 wss_period "$H""wss_period = 601s\n$D""memory = 8M\n"
check 3 swap_file "$H""swap_file = $TMP/no/dir/swap\n$D""memory = 8M\n"
check 10 reservation "[host]\nmachine_memory = 16M\n$D""memory = 12M\nreservation = 12M\n[domain b]\nkernel = $TMP/kernel\nmemory = 12M\nreservation = 12M\n"
exit 0
