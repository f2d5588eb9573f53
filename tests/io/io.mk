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
