# Guest programs that test the F and D extensions (included by
# tests/tests.mk).
#   diff-fp-arith, diff-fp-conv: edge-case transcripts (results and fflags
#     of every rounding mode), diff-fp-rand: hashes over random operands;
#     all three are compared line by line with QEMU and exit 0.
#   isa-fp: self-checking (traps, FS, reserved rm, NaN boxing, loads and
#     stores incl. compressed), exit 0 iff every check passed.
FP_OPS_SRC := tests/isa/fp_ops.c
FP_OPS_HDR := tests/isa/fp_ops.h

$(eval $(call guest_prog,diff-fp-arith,tests/isa/fp_arith_edge.c $(FP_OPS_SRC)))
$(eval $(call guest_prog,diff-fp-conv,tests/isa/fp_conv_edge.c $(FP_OPS_SRC)))
$(eval $(call guest_prog,diff-fp-rand,tests/isa/fp_random.c $(FP_OPS_SRC)))
$(GUEST_OUT)/diff-fp-arith.elf $(GUEST_OUT)/diff-fp-conv.elf \
$(GUEST_OUT)/diff-fp-rand.elf: $(FP_OPS_HDR)

$(eval $(call isa_prog,isa-fp,tests/isa/fp_sys.c))
