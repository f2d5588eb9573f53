# Guest test of grant copy and event channels (run by tests/system/io-pv.sh).
$(eval $(call guest_prog_s,io-pv,tests/io/pv_guest.c tests/io/pv_lib.c tests/mem/hcall_lib.c tests/mem/lib_cmdline.c,-Itests/mem))
$(GUEST_OUT)/io-pv.elf: tests/mem/hcall_lib.h tests/io/pv_lib.h include/atoll/abi/event_channel.h \
	include/atoll/abi/grant_table_op.h include/atoll/abi/shared_info.h
TEST_IO_ELFS := $(GUEST_OUT)/io-pv.elf
$(eval $(call guest_prog_s,io-pv-peer,tests/io/pv_peer.c tests/io/pv_lib.c tests/mem/hcall_lib.c tests/mem/lib_cmdline.c,-Itests/mem))
$(GUEST_OUT)/io-pv-peer.elf: tests/mem/hcall_lib.h tests/io/pv_lib.h \
	include/atoll/abi/event_channel.h include/atoll/abi/grant_table_op.h \
	include/atoll/abi/shared_info.h
TEST_IO_ELFS += $(GUEST_OUT)/io-pv-peer.elf
# PV console front-end (run by tests/system/io-console.sh).
$(eval $(call guest_prog_s,io-pv-cons,tests/io/pv_cons.c tests/io/pv_lib.c tests/mem/hcall_lib.c tests/mem/lib_cmdline.c,-Itests/mem))
$(GUEST_OUT)/io-pv-cons.elf: tests/mem/hcall_lib.h tests/io/pv_lib.h \
	include/atoll/abi/console.h include/atoll/abi/pvdev.h \
	include/atoll/abi/event_channel.h include/atoll/abi/grant_table_op.h
TEST_IO_ELFS += $(GUEST_OUT)/io-pv-cons.elf
# PV block front-end (run by tests/system/io-block.sh).
$(eval $(call guest_prog_s,io-pv-blk,tests/io/pv_blk.c tests/io/pv_lib.c tests/mem/hcall_lib.c tests/mem/lib_cmdline.c,-Itests/mem))
$(GUEST_OUT)/io-pv-blk.elf: tests/mem/hcall_lib.h tests/io/pv_lib.h \
	include/atoll/abi/blkif.h include/atoll/abi/ring.h \
	include/atoll/abi/pvdev.h include/atoll/abi/grant_table_op.h
TEST_IO_ELFS += $(GUEST_OUT)/io-pv-blk.elf
# The emulated ATA PIO disk, driven by hand (run by tests/system/io-ata.sh).
$(eval $(call guest_prog_s,io-ata,tests/io/pv_ata.c tests/mem/hcall_lib.c tests/mem/lib_cmdline.c,-Itests/mem))
$(GUEST_OUT)/io-ata.elf: tests/mem/hcall_lib.h include/atoll/abi/ata_pio.h
TEST_IO_ELFS += $(GUEST_OUT)/io-ata.elf
# PV network front-end (run by tests/system/io-net.sh).
$(eval $(call guest_prog_s,io-pv-net,tests/io/pv_net.c tests/io/pv_lib.c tests/mem/hcall_lib.c tests/mem/lib_cmdline.c,-Itests/mem))
$(GUEST_OUT)/io-pv-net.elf: tests/mem/hcall_lib.h tests/io/pv_lib.h \
	include/atoll/abi/netif.h include/atoll/abi/ring.h \
	include/atoll/abi/pvdev.h include/atoll/abi/grant_table_op.h
TEST_IO_ELFS += $(GUEST_OUT)/io-pv-net.elf
# A bare-metal virtio driver: blk, rng, a hostile queue (run by
# tests/system/virtio-blk.sh).
$(eval $(call guest_prog_s,virtio-guest,tests/io/virtio_guest.c tests/mem/lib_cmdline.c,-Itests/mem))
$(GUEST_OUT)/virtio-guest.elf: tests/mem/lib_cmdline.h
