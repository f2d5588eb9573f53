# Helpers for tests/cli/*.sh: bad input must give exit status 2, exactly
# one line on stderr starting with "atoll: ", and nothing on stdout.
# A test sources this file, then calls expect_usage_error for each case;
# the first failure prints one line and exits 1.

ATOLL=${1:-}
if [ -z "$ATOLL" ] || [ ! -x "$ATOLL" ]; then
	echo "usage: $0 PATH-TO-ATOLL (got '${ATOLL}')"
	exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/atoll-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

# expect_usage_error WHAT ARGS...: run atoll ARGS and check the contract.
expect_usage_error() {
	local what=$1 rc lines
	shift
	timeout 10 "$ATOLL" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" != 2 ]; then
		echo "$what: exit status $rc, expected 2 (stderr: $(head -c 200 "$TMP/err" | tr '\n' ' '))"
		exit 1
	fi
	if [ "$lines" != 1 ]; then
		echo "$what: $lines lines on stderr, expected 1: $(head -c 200 "$TMP/err" | tr '\n' '|')"
		exit 1
	fi
	if ! grep -q '^atoll: ' "$TMP/err"; then
		echo "$what: stderr line lacks the 'atoll: ' prefix: $(cat "$TMP/err")"
		exit 1
	fi
	if [ -s "$TMP/out" ]; then
		echo "$what: unexpected output on stdout: $(head -c 200 "$TMP/out")"
		exit 1
	fi
}

# expect_stderr_mentions WHAT WORD: the last diagnostic names WORD.
expect_stderr_mentions() {
	if ! grep -qF -- "$2" "$TMP/err"; then
		echo "$1: diagnostic does not name '$2': $(cat "$TMP/err")"
		exit 1
	fi
}

# A tiny valid RISC-V ELF64 header (ET_EXEC, EM_RISCV, entry 0x80000000)
# with one program header at offset 64; $1 = output file.  Callers append
# the program header (or not, to truncate the file).
riscv_elf_header() {
	printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000' >"$1"
	# e_type=2 e_machine=0xf3 e_version=1 e_entry=0x80000000
	printf '\002\000\363\000\001\000\000\000\000\000\000\200\000\000\000\000' >>"$1"
	# e_phoff=64 e_shoff=0
	printf '\100\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' >>"$1"
	# e_flags=0 e_ehsize=64 e_phentsize=56 e_phnum=1 e_shentsize=64
	# e_shnum=0 e_shstrndx=0
	printf '\000\000\000\000\100\000\070\000\001\000\100\000\000\000\000\000' >>"$1"
}

# A PT_LOAD program header: $1 file, $2 p_offset, $3 p_paddr, $4 p_filesz,
# $5 p_memsz (all as 16 hex digits, little-endian written by le64).
le64() {
	local v=$1 i out=
	for i in 0 1 2 3 4 5 6 7; do
		out+=$(printf '\\%03o' $(( (v >> (8 * i)) & 0xff )))
	done
	printf "$out"
}
riscv_elf_phdr() {
	{
		printf '\001\000\000\000\007\000\000\000' # PT_LOAD, RWX
		le64 "$2"                                # p_offset
		le64 "$3"                                # p_vaddr
		le64 "$3"                                # p_paddr
		le64 "$4"                                # p_filesz
		le64 "$5"                                # p_memsz
		le64 4096                                # p_align
	} >>"$1"
}
