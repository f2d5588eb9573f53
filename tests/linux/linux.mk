# Linux guest (docs/linux-guest.md).
#   make linux-guest       build or reuse the cached kernel and user space ->
#                          build/linux/{Image,rootfs.img,initramfs.cpio,...}
#   make linux-boot-test   boot it on QEMU and on atoll, compare
# The kernel build lives in a cache outside the tree and is keyed by a hash
# of its inputs, so the script runs every time and decides itself whether
# anything needs building (a few hundred ms when nothing does).
LINUX_IMAGE := $(BUILD)/linux/Image

linux-guest:
	@scripts/build-linux.sh $(BUILD)/linux
	@scripts/build-rootfs.sh $(BUILD)/linux

linux-boot-test: $(ATOLL)
	@tests/linux/boot-test.sh $(ATOLL)

.PHONY: linux-guest linux-boot-test

# Linux I/O on atoll and QEMU side by side (bench/linux.sh).
bench-linux: $(ATOLL)
	@bench/linux.sh $(ATOLL)

.PHONY: bench-linux
