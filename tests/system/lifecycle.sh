#!/bin/bash
# Domains in a running host (docs/config.md, docs/control-api.md):
#  - `atoll create CONFIG` adds a domain (paths relative to the client's
#    directory), `atoll create -` reads standard input;
#  - a create that fails half-way (the second domain's reservation cannot
#    be guaranteed) changes nothing: the first is not left behind;
#  - bad input: an unknown key, a [host] section, an unreadable file
#    (exit 2, one line naming file:line:key), a name in use (exit 1);
#  - a guest that resets (atoll-os end=reboot) is restarted with the same
#    config (on_reboot = restart, the default), with on_reboot = destroy
#    it ends; `atoll reboot DOM` resets a domain, which restarts;
#  - the end-of-run summary shows a destroyed domain as destroyed.
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-90}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)
ATOLL=$(realpath "$ATOLL")
cp "$os" "$tmp/os.elf"
mkdir "$tmp/cfg"

cat >"$tmp/run.ini" <<INI
[host]
machine_memory = 64
control_socket = $sock

[domain base]
memory = 16
reservation = 8
kernel = $os
cmdline = workload=idle ticks=$((100000 * SLOW))
INI
atoll_start "$tmp/run.ini"
ctl() { (cd "$tmp" && timeout $((10 * SLOW)) "$ATOLL" "$@" --socket "$sock" </dev/null); }
atoll_up base # before it, a create could take id 1
names() { ctl list | awk 'NR > 1 { printf "%s:%s ", $2, $3 }'; }

# A good create, its kernel path relative to the client's directory.
cat >"$tmp/extra.ini" <<INI
[domain extra]
memory = 8
kernel = os.elf
cmdline = workload=idle ticks=$((100000 * SLOW))
INI
ctl create extra.ini >"$tmp/c.out" 2>"$tmp/c.err" || fail "create: $(cat "$tmp/c.err")"
grep -q "^created extra (id 2)$" "$tmp/c.out" || fail "create printed '$(cat "$tmp/c.out")'"
runs() { names | grep -q "$1:running"; }
wait_until $((10 * SLOW)) runs extra || fail "extra not running: $(names)"
# From standard input.
sed 's/extra/piped/' "$tmp/extra.ini" | (cd "$tmp" && "$ATOLL" create - --socket "$sock") \
	>/dev/null 2>"$tmp/c.err" || fail "create -: $(cat "$tmp/c.err")"
wait_until $((10 * SLOW)) runs piped || fail "piped not running: $(names)"
ctl destroy piped || fail "destroy piped"
before=$(names)

# expect_fail STATUS WHAT FILE: create FILE fails with STATUS, one line
# WHAT on stderr, and the domains are as before.
expect_fail() {
	ctl create "$3" >/dev/null 2>"$tmp/f.err"
	local rc=$?
	[ $rc = "$1" ] || fail "create $3: exit status $rc, want $1: $(cat "$tmp/f.err")"
	[ "$(wc -l <"$tmp/f.err")" = 1 ] && grep -q -- "$2" "$tmp/f.err" ||
		fail "create $3: stderr '$(cat "$tmp/f.err")', want '$2'"
	[ "$(names)" = "$before" ] || fail "create $3 changed the domains: $(names)"
}
# Half-way: ok1 fits, big's reservation cannot be guaranteed.
cat >"$tmp/half.ini" <<INI
[domain ok1]
memory = 8
kernel = os.elf

[domain big]
memory = 60
reservation = 60
kernel = os.elf
INI
expect_fail 1 "domain 'big' cannot be created" half.ini
grep -q "ok1" <<<"$(ctl list)" && fail "ok1 was left behind"
printf '[domain bad]\nkernel = os.elf\nmemory = 8\nflavour = vanilla\n' >"$tmp/bad.ini"
expect_fail 2 "bad.ini:4: flavour: unknown key" bad.ini
printf '[host]\nmachine_memory = 64\n[domain h]\nkernel = os.elf\n' >"$tmp/host.ini"
expect_fail 2 "host.ini:1: \[host\]" host.ini
printf '[domain nok]\nkernel = missing.elf\nmemory = 8\n' >"$tmp/nok.ini"
expect_fail 2 "nok.ini:2: kernel" nok.ini
expect_fail 2 "nosuch.ini" nosuch.ini
sed 's/extra/base/' "$tmp/extra.ini" >"$tmp/dup.ini"
expect_fail 1 "a domain 'base' exists already" dup.ini

# A guest that resets restarts (on_reboot defaults to restart) ...
cat >"$tmp/boot.ini" <<INI
[domain bouncy]
memory = 8
kernel = os.elf
cmdline = workload=idle ticks=5 end=reboot

[domain once]
memory = 8
kernel = os.elf
cmdline = workload=idle ticks=5 end=reboot
on_reboot = destroy
INI
ctl create boot.ini >/dev/null 2>"$tmp/c.err" || fail "create boot.ini: $(cat "$tmp/c.err")"
twice() { grep -q "domain bouncy restarted (restart 2)" "$tmp/err"; }
wait_until $((30 * SLOW)) twice || fail "bouncy was not restarted twice"
gone() { names | grep -q "once:shutdown"; }
wait_until $((10 * SLOW)) gone || fail "once (on_reboot = destroy) did not end: $(names)"
# bouncy restarts all the time, under a new domain each time: a destroy
# that comes between the old one and the new (no domain, or "the domain is
# gone") is tried again, until one destroys it.
destroys() { ctl destroy "$1" >/dev/null 2>"$tmp/d.err"; }
wait_until $((20 * SLOW)) destroys bouncy ||
	fail "destroy bouncy: $(cat "$tmp/d.err")"
ctl destroy once || fail "destroy once"

# ... and so does a domain `atoll reboot` resets.
id1=$(ctl list | awk '$2 == "extra" { print $1 }')
ctl reboot extra || fail "reboot extra"
again() { grep -q "domain extra restarted (restart 1)" "$tmp/err" && runs extra; }
wait_until $((10 * SLOW)) again || fail "extra did not restart: $(names)"
id2=$(ctl list | awk '$2 == "extra" { print $1 }')
[ "$id2" != "$id1" ] || fail "extra kept id $id1 after a reboot"
ctl reboot nosuch >/dev/null 2>&1
[ $? = 2 ] || fail "reboot of an unknown domain: not exit status 2"

ctl destroy extra || fail "destroy extra"
atoll_stop
grep -Eq "^  extra +destroyed" "$tmp/err" ||
	fail "the summary does not show extra as destroyed: $(grep -A6 summary "$tmp/err")"
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "lifecycle: ok (create, create -, a half-way failure left nothing, resets restarted, reboot gave extra id $id2)"
