#!/bin/bash
# A Linux Image header is honoured and checked: a text_offset that is not a
# 2 MiB multiple inside RAM, or an image_size (bss included) that runs past
# the end of RAM, is refused naming the file; a good header is loaded at
# RAM base + text_offset (the DTB written with --dtb-out shows the boot
# went ahead).
. "$(dirname "$0")/lib/usage.bash"

# image FILE TEXT_OFFSET IMAGE_SIZE: a 4 KiB raw Image with a RISC-V header
# whose code is `j .` (it never runs here: -m too small or the test stops).
image() {
	python3 - "$@" <<'PY'
import struct, sys
path, off, size = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
hdr = struct.pack("<IIQQQIIQQII", 0x0000006F, 0, off, size, 0, 2, 0, 0,
                  0x5643534952, 0x05435352, 0)
open(path, "wb").write(hdr + bytes(4096 - len(hdr)))
PY
}

image "$TMP/odd.img" 0x1000 0x2000
expect_usage_error "Image text_offset not 2 MiB aligned" boot -m 8M "$TMP/odd.img"
expect_stderr_mentions "Image text_offset not 2 MiB aligned" "$TMP/odd.img: Image header text_offset 0x1000"

image "$TMP/huge.img" 0x200000 0x10000000
expect_usage_error "Image bss beyond RAM" boot -m 8M "$TMP/huge.img"
expect_stderr_mentions "Image bss beyond RAM" "beyond the end of RAM"
exit 0
