/* Test vectors of test_decode.c, made with riscv64-unknown-elf-as and
 * objdump (encodings) and by hand (expected handlers, operands, results).
 * Included once, by test_decode.c. */
#ifndef ATOLL_TESTS_DECODE_VECTORS_H
#define ATOLL_TESTS_DECODE_VECTORS_H

#include <stdint.h>

#include "cpu/ops.h"

/* ---- RVC expansion -------------------------------------------------- */

struct rvc_case {
	uint16_t c;
	uint32_t w;
};

/* Compressed encoding -> the assembler's encoding of the same 32-bit
 * instruction (objdump of `.option rvc` and `.option norvc` builds). */
static const struct rvc_case rvc_cases[] = {
	{ 0x0040, 0x00410413 }, /* c.addi4spn s0, sp, 4 */
	{ 0x1ffc, 0x3fc10793 }, /* c.addi4spn a5, sp, 1020 */
	{ 0x2588, 0x0085b507 }, /* c.fld fa0, 8(a1) */
	{ 0x3c64, 0x0f843487 }, /* c.fld fs1, 248(s0) */
	{ 0x41c8, 0x0045a503 }, /* c.lw a0, 4(a1) */
	{ 0x5fe4, 0x07c7a483 }, /* c.lw s1, 124(a5) */
	{ 0x6588, 0x0085b503 }, /* c.ld a0, 8(a1) */
	{ 0x7cf0, 0x0f84b603 }, /* c.ld a2, 248(s1) */
	{ 0xa988, 0x00a5b827 }, /* c.fsd fa0, 16(a1) */
	{ 0xbfe0, 0x0e87bc27 }, /* c.fsd fs0, 248(a5) */
	{ 0xc1a8, 0x04a5a023 }, /* c.sw a0, 64(a1) */
	{ 0xdfe0, 0x0687ae23 }, /* c.sw s0, 124(a5) */
	{ 0xff74, 0x0ed73c23 }, /* c.sd a3, 248(a4) */
	{ 0x0001, 0x00000013 }, /* c.nop */
	{ 0x1501, 0xfe050513 }, /* c.addi a0, -32 */
	{ 0x0ffd, 0x01ff8f93 }, /* c.addi t6, 31 */
	{ 0x357d, 0xfff5051b }, /* c.addiw a0, -1 */
	{ 0x2dc5, 0x011d8d9b }, /* c.addiw s11, 17 */
	{ 0x5501, 0xfe000513 }, /* c.li a0, -32 */
	{ 0x42fd, 0x01f00293 }, /* c.li t0, 31 */
	{ 0x7101, 0xe0010113 }, /* c.addi16sp sp, -512 */
	{ 0x617d, 0x1f010113 }, /* c.addi16sp sp, 496 */
	{ 0x6141, 0x01010113 }, /* c.addi16sp sp, 16 */
	{ 0x6505, 0x00001537 }, /* c.lui a0, 1 */
	{ 0x7301, 0xfffe0337 }, /* c.lui t1, 0xfffe0 */
	{ 0x67fd, 0x0001f7b7 }, /* c.lui a5, 31 */
	{ 0x8105, 0x00155513 }, /* c.srli a0, 1 */
	{ 0x90fd, 0x03f4d493 }, /* c.srli s1, 63 */
	{ 0x9501, 0x42055513 }, /* c.srai a0, 32 */
	{ 0x879d, 0x4077d793 }, /* c.srai a5, 7 */
	{ 0x997d, 0xfff57513 }, /* c.andi a0, -1 */
	{ 0x887d, 0x01f47413 }, /* c.andi s0, 31 */
	{ 0x8d0d, 0x40b50533 }, /* c.sub a0, a1 */
	{ 0x8c3d, 0x00f44433 }, /* c.xor s0, a5 */
	{ 0x8e55, 0x00d66633 }, /* c.or a2, a3 */
	{ 0x8f65, 0x00977733 }, /* c.and a4, s1 */
	{ 0x9d0d, 0x40b5053b }, /* c.subw a0, a1 */
	{ 0x9cbd, 0x00f484bb }, /* c.addw s1, a5 */
	{ 0xa095, 0x0640006f }, /* c.j .+100 */
	{ 0xb001, 0x801ff06f }, /* c.j .-2048 */
	{ 0xaffd, 0x7fe0006f }, /* c.j .+2046 */
	{ 0xcd7d, 0x0e050f63 }, /* c.beqz a0, .+254 */
	{ 0xf081, 0xf00490e3 }, /* c.bnez s1, .-256 */
	{ 0xe399, 0x00079363 }, /* c.bnez a5, .+6 */
	{ 0x0506, 0x00151513 }, /* c.slli a0, 1 */
	{ 0x1ffe, 0x03ff9f93 }, /* c.slli t6, 63 */
	{ 0x357e, 0x1f813507 }, /* c.fldsp fa0, 504(sp) */
	{ 0x2022, 0x00813007 }, /* c.fldsp ft0, 8(sp) */
	{ 0x50fe, 0x0fc12083 }, /* c.lwsp ra, 252(sp) */
	{ 0x4292, 0x00412283 }, /* c.lwsp t0, 4(sp) */
	{ 0x72fe, 0x1f813283 }, /* c.ldsp t0, 504(sp) */
	{ 0x6d86, 0x04013d83 }, /* c.ldsp s11, 64(sp) */
	{ 0x8082, 0x00008067 }, /* c.jr ra */
	{ 0x8f82, 0x000f8067 }, /* c.jr t6 */
	{ 0x852e, 0x00b00533 }, /* c.mv a0, a1 */
	{ 0x9002, 0x00100073 }, /* c.ebreak */
	{ 0x9282, 0x000280e7 }, /* c.jalr t0 */
	{ 0x952e, 0x00b50533 }, /* c.add a0, a1 */
	{ 0x917e, 0x01f10133 }, /* c.add sp, t6 */
	{ 0xbfaa, 0x1ea13c27 }, /* c.fsdsp fa0, 504(sp) */
	{ 0xa46e, 0x01b13427 }, /* c.fsdsp fs11, 8(sp) */
	{ 0xdfaa, 0x0ea12e23 }, /* c.swsp a0, 252(sp) */
	{ 0xc206, 0x00112223 }, /* c.swsp ra, 4(sp) */
	{ 0xffaa, 0x1ea13c23 }, /* c.sdsp a0, 504(sp) */
	{ 0xe422, 0x00813423 }, /* c.sdsp s0, 8(sp) */
};

/* Reserved or illegal 16-bit encodings. */
static const uint16_t rvc_reserved[] = {
	0x0000, /* all zero (c.addi4spn, imm 0) */
	0x0004, /* c.addi4spn s1, sp, 0 */
	0x8000, /* quadrant 0, funct3 4 */
	0x2005, /* c.addiw x0 */
	0x6101, /* c.addi16sp sp, 0 */
	0x6501, /* c.lui a0, 0 */
	0x9c41, /* quadrant 1 misc-alu, reserved subw/addw slot 2 */
	0x9c61, /* ... slot 3 */
	0x4002, /* c.lwsp x0 */
	0x6002, /* c.ldsp x0 */
	0x8002, /* c.jr x0 */
	0x0013, /* not compressed (quadrant 3) */
};

/* ---- decode_insn ---------------------------------------------------- */

#define NA (-99999) /* field not checked */
#define F(fn) fn, #fn

struct dec_case {
	uint32_t raw;
	unsigned len;
	insn_fn fn;
	const char *fn_name;
	int rd, rs1, rs2, rs3;
	int64_t imm;
	const char *text;
};

static const struct dec_case dec_cases[] = {
	{ 0x00558513, 4, F(op_addi_4), 10, 11, NA, NA, 5, "addi a0, a1, 5" },
	{ 0x80058513, 4, F(op_addi_4), 10, 11, NA, NA, -2048,
	  "addi a0, a1, -2048" },
	{ 0x7ff00513, 4, F(op_li_4), 10, NA, NA, NA, 2047,
	  "addi a0, x0, 2047" },
	{ 0x00058513, 4, F(op_mv_4), 10, 11, NA, NA, NA, "addi a0, a1, 0" },
	{ 0x00758013, 4, F(op_nop_4), NA, NA, NA, NA, NA, "addi x0, a1, 7" },
	{ 0xfff32293, 4, F(op_slti_4), 5, 6, NA, NA, -1, "slti t0, t1, -1" },
	{ 0x00133293, 4, F(op_sltiu_4), 5, 6, NA, NA, 1, "sltiu t0, t1, 1" },
	{ 0xfff54513, 4, F(op_xori_4), 10, 10, NA, NA, -1, "xori a0, a0, -1" },
	{ 0x7ff56513, 4, F(op_ori_4), 10, 10, NA, NA, 2047,
	  "ori a0, a0, 0x7ff" },
	{ 0x0f057513, 4, F(op_andi_4), 10, 10, NA, NA, 240,
	  "andi a0, a0, 0xf0" },
	{ 0x03f59513, 4, F(op_slli_4), 10, 11, NA, NA, 63, "slli a0, a1, 63" },
	{ 0x0215d513, 4, F(op_srli_4), 10, 11, NA, NA, 33, "srli a0, a1, 33" },
	{ 0x43f5d513, 4, F(op_srai_4), 10, 11, NA, NA, 63, "srai a0, a1, 63" },
	{ 0xff95851b, 4, F(op_addiw_4), 10, 11, NA, NA, -7,
	  "addiw a0, a1, -7" },
	{ 0x01f5951b, 4, F(op_slliw_4), 10, 11, NA, NA, 31,
	  "slliw a0, a1, 31" },
	{ 0x01f5d51b, 4, F(op_srliw_4), 10, 11, NA, NA, 31,
	  "srliw a0, a1, 31" },
	{ 0x4015d51b, 4, F(op_sraiw_4), 10, 11, NA, NA, 1, "sraiw a0, a1, 1" },
	{ 0x80000537, 4, F(op_li_4), 10, NA, NA, NA, -2147483648,
	  "lui a0, 0x80000" },
	{ 0x00001037, 4, F(op_nop_4), NA, NA, NA, NA, NA, "lui x0, 1" },
	{ 0xfffff097, 4, F(op_auipc_4), 1, NA, NA, NA, -4096,
	  "auipc ra, 0xfffff" },
	{ 0x00c58533, 4, F(op_add_4), 10, 11, 12, NA, NA, "add a0, a1, a2" },
	{ 0x00c00533, 4, F(op_mv_4), 10, 12, NA, NA, NA, "add a0, x0, a2" },
	{ 0x00060533, 4, F(op_mv_4), 10, 12, NA, NA, NA, "add a0, a2, x0" },
	{ 0x40c58533, 4, F(op_sub_4), 10, 11, 12, NA, NA, "sub a0, a1, a2" },
	{ 0x01249433, 4, F(op_sll_4), 8, 9, 18, NA, NA, "sll s0, s1, s2" },
	{ 0x0124a433, 4, F(op_slt_4), 8, 9, 18, NA, NA, "slt s0, s1, s2" },
	{ 0x0124b433, 4, F(op_sltu_4), 8, 9, 18, NA, NA, "sltu s0, s1, s2" },
	{ 0x0124c433, 4, F(op_xor_4), 8, 9, 18, NA, NA, "xor s0, s1, s2" },
	{ 0x0124d433, 4, F(op_srl_4), 8, 9, 18, NA, NA, "srl s0, s1, s2" },
	{ 0x4124d433, 4, F(op_sra_4), 8, 9, 18, NA, NA, "sra s0, s1, s2" },
	{ 0x0124e433, 4, F(op_or_4), 8, 9, 18, NA, NA, "or s0, s1, s2" },
	{ 0x0124f433, 4, F(op_and_4), 8, 9, 18, NA, NA, "and s0, s1, s2" },
	{ 0x007302bb, 4, F(op_addw_4), 5, 6, 7, NA, NA, "addw t0, t1, t2" },
	{ 0x407302bb, 4, F(op_subw_4), 5, 6, 7, NA, NA, "subw t0, t1, t2" },
	{ 0x007312bb, 4, F(op_sllw_4), 5, 6, 7, NA, NA, "sllw t0, t1, t2" },
	{ 0x007352bb, 4, F(op_srlw_4), 5, 6, 7, NA, NA, "srlw t0, t1, t2" },
	{ 0x407352bb, 4, F(op_sraw_4), 5, 6, 7, NA, NA, "sraw t0, t1, t2" },
	{ 0x02c58533, 4, F(op_mul_4), 10, 11, 12, NA, NA, "mul a0, a1, a2" },
	{ 0x02c59533, 4, F(op_mulh_4), 10, 11, 12, NA, NA, "mulh a0, a1, a2" },
	{ 0x02c5a533, 4, F(op_mulhsu_4), 10, 11, 12, NA, NA,
	  "mulhsu a0, a1, a2" },
	{ 0x02c5b533, 4, F(op_mulhu_4), 10, 11, 12, NA, NA,
	  "mulhu a0, a1, a2" },
	{ 0x02c5c533, 4, F(op_div_4), 10, 11, 12, NA, NA, "div a0, a1, a2" },
	{ 0x02c5d533, 4, F(op_divu_4), 10, 11, 12, NA, NA, "divu a0, a1, a2" },
	{ 0x02c5e533, 4, F(op_rem_4), 10, 11, 12, NA, NA, "rem a0, a1, a2" },
	{ 0x02c5f533, 4, F(op_remu_4), 10, 11, 12, NA, NA, "remu a0, a1, a2" },
	{ 0x02c5853b, 4, F(op_mulw_4), 10, 11, 12, NA, NA, "mulw a0, a1, a2" },
	{ 0x02c5c53b, 4, F(op_divw_4), 10, 11, 12, NA, NA, "divw a0, a1, a2" },
	{ 0x02c5d53b, 4, F(op_divuw_4), 10, 11, 12, NA, NA,
	  "divuw a0, a1, a2" },
	{ 0x02c5e53b, 4, F(op_remw_4), 10, 11, 12, NA, NA, "remw a0, a1, a2" },
	{ 0x02c5f53b, 4, F(op_remuw_4), 10, 11, 12, NA, NA,
	  "remuw a0, a1, a2" },
	{ 0x02c58033, 4, F(op_nop_4), NA, NA, NA, NA, NA, "mul x0, a1, a2" },
	{ 0xfff58503, 4, F(op_lb_4), 10, 11, NA, NA, -1, "lb a0, -1(a1)" },
	{ 0x00259503, 4, F(op_lh_4), 10, 11, NA, NA, 2, "lh a0, 2(a1)" },
	{ 0x0045a503, 4, F(op_lw_4), 10, 11, NA, NA, 4, "lw a0, 4(a1)" },
	{ 0x0085b003, 4, F(op_ld_4), 32, 11, NA, NA, 8, "ld x0, 8(a1)" },
	{ 0x7ff5c503, 4, F(op_lbu_4), 10, 11, NA, NA, 2047,
	  "lbu a0, 2047(a1)" },
	{ 0x8005d503, 4, F(op_lhu_4), 10, 11, NA, NA, -2048,
	  "lhu a0, -2048(a1)" },
	{ 0x00c16503, 4, F(op_lwu_4), 10, 2, NA, NA, 12, "lwu a0, 12(sp)" },
	{ 0xfea58fa3, 4, F(op_sb_4), NA, 11, 10, NA, -1, "sb a0, -1(a1)" },
	{ 0x7ea59f23, 4, F(op_sh_4), NA, 11, 10, NA, 2046, "sh a0, 2046(a1)" },
	{ 0x80a5a023, 4, F(op_sw_4), NA, 11, 10, NA, -2048,
	  "sw a0, -2048(a1)" },
	{ 0x00113c23, 4, F(op_sd_4), NA, 2, 1, NA, 24, "sd ra, 24(sp)" },
	{ 0x001000ef, 4, F(op_jal_far_4), 1, NA, NA, NA, 2048,
	  "jal ra, .+2048" },
	{ 0xffdff06f, 4, F(op_j_far_4), NA, NA, NA, NA, -4, "jal x0, .-4" },
	{ 0x010500e7, 4, F(op_jalr_4), 1, 10, NA, NA, 16, "jalr ra, 16(a0)" },
	{ 0x00008067, 4, F(op_jr_4), NA, 1, NA, NA, 0, "jalr x0, 0(ra)" },
	{ 0x00b50463, 4, F(op_beq_far_4), NA, 10, 11, NA, 8,
	  "beq a0, a1, .+8" },
	{ 0xfeb51ce3, 4, F(op_bne_far_4), NA, 10, 11, NA, -8,
	  "bne a0, a1, .-8" },
	{ 0x7eb54fe3, 4, F(op_blt_far_4), NA, 10, 11, NA, 4094,
	  "blt a0, a1, .+4094" },
	{ 0x80b55063, 4, F(op_bge_far_4), NA, 10, 11, NA, -4096,
	  "bge a0, a1, .-4096" },
	{ 0x00b56863, 4, F(op_bltu_far_4), NA, 10, 11, NA, 16,
	  "bltu a0, a1, .+16" },
	{ 0x00b57863, 4, F(op_bgeu_far_4), NA, 10, 11, NA, 16,
	  "bgeu a0, a1, .+16" },
	{ 0x00050863, 4, F(op_beqz_far_4), NA, 10, 0, NA, 16,
	  "beq a0, x0, .+16" },
	{ 0x00b00863, 4, F(op_beqz_far_4), NA, 11, 0, NA, 16,
	  "beq x0, a1, .+16" },
	{ 0xfe0298e3, 4, F(op_bnez_far_4), NA, 5, 0, NA, -16,
	  "bne t0, x0, .-16" },
	{ 0x0330000f, 4, F(op_fence), NA, NA, NA, NA, NA, "fence rw, rw" },
	{ 0x0120000f, 4, F(op_fence), NA, NA, NA, NA, NA, "fence w, r" },
	{ 0x0230000f, 4, F(op_fence_nop), NA, NA, NA, NA, NA, "fence r, rw" },
	{ 0x0110000f, 4, F(op_fence_nop), NA, NA, NA, NA, NA, "fence w, w" },
	{ 0x8330000f, 4, F(op_fence_nop), NA, NA, NA, NA, NA, "fence.tso" },
	{ 0x0000100f, 4, F(op_fence_i), NA, NA, NA, NA, NA, "fence.i" },
	{ 0x00000073, 4, F(op_ecall), NA, NA, NA, NA, NA, "ecall" },
	{ 0x00100073, 4, F(op_ebreak), NA, NA, NA, NA, NA, "ebreak" },
	{ 0x30200073, 4, F(op_mret), NA, NA, NA, NA, NA, "mret" },
	{ 0x10200073, 4, F(op_sret), NA, NA, NA, NA, NA, "sret" },
	{ 0x10500073, 4, F(op_wfi), NA, NA, NA, NA, NA, "wfi" },
	{ 0x12b50073, 4, F(op_sfence_vma), NA, 10, 11, NA, NA,
	  "sfence.vma a0, a1" },
	{ 0x12000073, 4, F(op_sfence_vma), NA, 0, 0, NA, NA,
	  "sfence.vma x0, x0" },
	{ 0x34059573, 4, F(op_csrrw), 10, 11, NA, NA, 0x340,
	  "csrrw a0, mscratch, a1" },
	{ 0x34059073, 4, F(op_csrrw_nord), 32, 11, NA, NA, 0x340,
	  "csrrw x0, mscratch, a1" },
	{ 0x3005a573, 4, F(op_csrrs), 10, 11, NA, NA, 0x300,
	  "csrrs a0, mstatus, a1" },
	{ 0x30002573, 4, F(op_csrr), 10, NA, NA, NA, 0x300,
	  "csrrs a0, mstatus, x0" },
	{ 0x1045b573, 4, F(op_csrrc), 10, 11, NA, NA, 0x104,
	  "csrrc a0, sie, a1" },
	{ 0x10403573, 4, F(op_csrr), 10, NA, NA, NA, 0x104,
	  "csrrc a0, sie, x0" },
	{ 0x1802d573, 4, F(op_csrrwi), 10, NA, NA, 5, 0x180,
	  "csrrwi a0, satp, 5" },
	{ 0x18005073, 4, F(op_csrrwi_nord), 32, NA, NA, 0, 0x180,
	  "csrrwi x0, satp, 0" },
	{ 0x304fe573, 4, F(op_csrrsi), 10, NA, NA, 31, 0x304,
	  "csrrsi a0, mie, 31" },
	{ 0x30406573, 4, F(op_csrr), 10, NA, NA, NA, 0x304,
	  "csrrsi a0, mie, 0" },
	{ 0x3440f573, 4, F(op_csrrci), 10, NA, NA, 1, 0x344,
	  "csrrci a0, mip, 1" },
	{ 0xc0102573, 4, F(op_csrr), 10, NA, NA, NA, 0xc01,
	  "csrrs a0, time, x0" },
	{ 0xc0202573, 4, F(op_csr_counter), 10, NA, CSR_KIND_READ, NA, 0xc02,
	  "csrrs a0, instret, x0" },
	{ 0xc0002573, 4, F(op_csr_counter), 10, NA, CSR_KIND_READ, NA, 0xc00,
	  "csrrs a0, cycle, x0" },
	{ 0xb0259573, 4, F(op_csr_counter), 10, 11, CSR_KIND_RW, NA, 0xb02,
	  "csrrw a0, minstret, a1" },
	{ 0xb001d073, 4, F(op_csr_counter), 32, NA, CSR_KIND_RWI_NORD, 3, 0xb00,
	  "csrrwi x0, mcycle, 3" },
	{ 0xc0302573, 4, F(op_csr_counter), 10, NA, CSR_KIND_READ, NA, 0xc03,
	  "csrrs a0, hpmcounter3, x0" },
	{ 0xb1f02573, 4, F(op_csr_counter), 10, NA, CSR_KIND_READ, NA, 0xb1f,
	  "csrrs a0, mhpmcounter31, x0" },
	{ 0x1005a52f, 4, F(op_lr_w), 10, 11, 0, NA, NA, "lr.w a0, (a1)" },
	{ 0x1605b52f, 4, F(op_lr_d), 10, 11, 0, NA, NA, "lr.d.aqrl a0, (a1)" },
	{ 0x18c5a52f, 4, F(op_sc_w), 10, 11, 12, NA, NA, "sc.w a0, a2, (a1)" },
	{ 0x1ac5b02f, 4, F(op_sc_d), 32, 11, 12, NA, NA,
	  "sc.d.rl x0, a2, (a1)" },
	{ 0x08c5a52f, 4, F(op_amoswap_w), 10, 11, 12, NA, NA,
	  "amoswap.w a0, a2, (a1)" },
	{ 0x00c5b52f, 4, F(op_amoadd_d), 10, 11, 12, NA, NA,
	  "amoadd.d a0, a2, (a1)" },
	{ 0x24c5a52f, 4, F(op_amoxor_w), 10, 11, 12, NA, NA,
	  "amoxor.w.aq a0, a2, (a1)" },
	{ 0x60c5b52f, 4, F(op_amoand_d), 10, 11, 12, NA, NA,
	  "amoand.d a0, a2, (a1)" },
	{ 0x40c5a52f, 4, F(op_amoor_w), 10, 11, 12, NA, NA,
	  "amoor.w a0, a2, (a1)" },
	{ 0x80c5b52f, 4, F(op_amomin_d), 10, 11, 12, NA, NA,
	  "amomin.d a0, a2, (a1)" },
	{ 0xa0c5a52f, 4, F(op_amomax_w), 10, 11, 12, NA, NA,
	  "amomax.w a0, a2, (a1)" },
	{ 0xc0c5b52f, 4, F(op_amominu_d), 10, 11, 12, NA, NA,
	  "amominu.d a0, a2, (a1)" },
	{ 0xe0c5a52f, 4, F(op_amomaxu_w), 10, 11, 12, NA, NA,
	  "amomaxu.w a0, a2, (a1)" },
	{ 0x00001501, 2, F(op_addi_2), 10, 10, NA, NA, -32, "c.addi a0, -32" },
	{ 0x0000451d, 2, F(op_li_2), 10, NA, NA, NA, 7, "c.li a0, 7" },
	{ 0x0000852e, 2, F(op_mv_2), 10, 11, NA, NA, NA, "c.mv a0, a1" },
	{ 0x00007501, 2, F(op_li_2), 10, NA, NA, NA, -131072,
	  "c.lui a0, 0xfffe0" },
	{ 0x00007139, 2, F(op_addi_2), 2, 2, NA, NA, -64,
	  "c.addi16sp sp, -64" },
	{ 0x00000028, 2, F(op_addi_2), 10, 2, NA, NA, 8,
	  "c.addi4spn a0, sp, 8" },
	{ 0x00000001, 2, F(op_nop_2), NA, NA, NA, NA, NA, "c.nop" },
	{ 0x0000050e, 2, F(op_slli_2), 10, 10, NA, NA, 3, "c.slli a0, 3" },
	{ 0x0000947d, 2, F(op_srai_2), 8, 8, NA, NA, 63, "c.srai s0, 63" },
	{ 0x0000952e, 2, F(op_add_2), 10, 10, 11, NA, NA, "c.add a0, a1" },
	{ 0x00009d2d, 2, F(op_addw_2), 10, 10, 11, NA, NA, "c.addw a0, a1" },
	{ 0x00006588, 2, F(op_ld_2), 10, 11, NA, NA, 8, "c.ld a0, 8(a1)" },
	{ 0x0000e406, 2, F(op_sd_2), NA, 2, 1, NA, 8, "c.sdsp ra, 8(sp)" },
	{ 0x00004512, 2, F(op_lw_2), 10, 2, NA, NA, 4, "c.lwsp a0, 4(sp)" },
	{ 0x0000bffd, 2, F(op_j_far_2), NA, NA, NA, NA, -2, "c.j .-2" },
	{ 0x0000c501, 2, F(op_beqz_far_2), NA, 10, 0, NA, 8, "c.beqz a0, .+8" },
	{ 0x0000fce5, 2, F(op_bnez_far_2), NA, 9, 0, NA, -8, "c.bnez s1, .-8" },
	{ 0x00008082, 2, F(op_jr_2), NA, 1, NA, NA, 0, "c.jr ra" },
	{ 0x00009502, 2, F(op_jalr_2), 1, 10, NA, NA, 0, "c.jalr a0" },
	{ 0x00009002, 2, F(op_ebreak), NA, NA, NA, NA, NA, "c.ebreak" },
};

/* 32-bit encodings that must decode to the illegal-instruction handler. */
static const uint32_t dec_illegal[] = {
	0x04051513, /* slli with imm[11:6] != 0 */
	0x60055513, /* srai with a bad funct6 */
	0x0205151b, /* slliw with funct7 != 0 */
	0x00051067, /* jalr with funct3 != 0 */
	0x00052063, /* branch funct3 2 */
	0x00057003, /* load funct3 7 */
	0x00054023, /* store funct3 4 */
	0x04b50533, /* OP funct7 2 */
	0x00b5253b, /* OP-32 funct3 2 */
	0x0000200f, /* MISC-MEM funct3 2 */
	0x00004073, /* SYSTEM funct3 4 */
	0x000000f3, /* ecall with rd != 0 */
	0x120000f3, /* sfence.vma with rd != 0 */
	0x0000402f, /* AMO funct3 4 */
	0x1015252f, /* lr.w with rs2 != 0 */
	0x2800202f, /* AMO funct5 5 */
	0x0000000b, /* custom-0 */
	0x0000007f, /* a >= 80-bit encoding */
	0x0000001f, /* a 48-bit encoding */
	0x06000053, /* fadd.q: no Q */
};

/* ---- handler semantics ---------------------------------------------- */

struct sem_case {
	uint32_t raw;
	uint64_t a1, a2, want;
	const char *text;
};

/* rd = a0, rs1 = a1, rs2 = a2 (or an immediate). */
static const struct sem_case sem_cases[] = {
	{ 0x02c5c533, 0x8000000000000000ULL, 0xffffffffffffffffULL,
	  0x8000000000000000ULL, "div a0, a1, a2" },
	{ 0x02c5c533, 0x0000000000000007ULL, 0x0000000000000000ULL,
	  0xffffffffffffffffULL, "div a0, a1, a2" },
	{ 0x02c5c533, 0xfffffffffffffff9ULL, 0x0000000000000002ULL,
	  0xfffffffffffffffdULL, "div a0, a1, a2" },
	{ 0x02c5d533, 0x0000000000000007ULL, 0x0000000000000000ULL,
	  0xffffffffffffffffULL, "divu a0, a1, a2" },
	{ 0x02c5e533, 0x8000000000000000ULL, 0xffffffffffffffffULL,
	  0x0000000000000000ULL, "rem a0, a1, a2" },
	{ 0x02c5e533, 0xfffffffffffffff9ULL, 0x0000000000000000ULL,
	  0xfffffffffffffff9ULL, "rem a0, a1, a2" },
	{ 0x02c5e533, 0xfffffffffffffff9ULL, 0x0000000000000002ULL,
	  0xffffffffffffffffULL, "rem a0, a1, a2" },
	{ 0x02c5f533, 0x0000000000000007ULL, 0x0000000000000000ULL,
	  0x0000000000000007ULL, "remu a0, a1, a2" },
	{ 0x02c5c53b, 0x0000000080000000ULL, 0xffffffffffffffffULL,
	  0xffffffff80000000ULL, "divw a0, a1, a2" },
	{ 0x02c5c53b, 0x0000000012345678ULL, 0x0000000000000000ULL,
	  0xffffffffffffffffULL, "divw a0, a1, a2" },
	{ 0x02c5e53b, 0x0000000080000000ULL, 0xffffffffffffffffULL,
	  0x0000000000000000ULL, "remw a0, a1, a2" },
	{ 0x02c5e53b, 0x00000000fffffff9ULL, 0x0000000000000000ULL,
	  0xfffffffffffffff9ULL, "remw a0, a1, a2" },
	{ 0x02c5d53b, 0xffffffff00000007ULL, 0xffffffff00000000ULL,
	  0xffffffffffffffffULL, "divuw a0, a1, a2" },
	{ 0x02c5d53b, 0x00000000fffffffeULL, 0x0000000000000001ULL,
	  0xfffffffffffffffeULL, "divuw a0, a1, a2" },
	{ 0x02c5f53b, 0x0000000080000007ULL, 0x0000000000000000ULL,
	  0xffffffff80000007ULL, "remuw a0, a1, a2" },
	{ 0x02c59533, 0xffffffffffffffffULL, 0xffffffffffffffffULL,
	  0x0000000000000000ULL, "mulh a0, a1, a2" },
	{ 0x02c59533, 0x8000000000000000ULL, 0x8000000000000000ULL,
	  0x4000000000000000ULL, "mulh a0, a1, a2" },
	{ 0x02c5a533, 0xffffffffffffffffULL, 0xffffffffffffffffULL,
	  0xffffffffffffffffULL, "mulhsu a0, a1, a2" },
	{ 0x02c5b533, 0xffffffffffffffffULL, 0xffffffffffffffffULL,
	  0xfffffffffffffffeULL, "mulhu a0, a1, a2" },
	{ 0x02c5853b, 0x0000000000010000ULL, 0x0000000000010000ULL,
	  0x0000000000000000ULL, "mulw a0, a1, a2" },
	{ 0x02c5853b, 0x000000007fffffffULL, 0x0000000000000002ULL,
	  0xfffffffffffffffeULL, "mulw a0, a1, a2" },
	{ 0x00c5853b, 0x000000007fffffffULL, 0x0000000000000001ULL,
	  0xffffffff80000000ULL, "addw a0, a1, a2" },
	{ 0x40c5853b, 0x0000000000000000ULL, 0x0000000080000000ULL,
	  0xffffffff80000000ULL, "subw a0, a1, a2" },
	{ 0x00c5953b, 0x0000000000000001ULL, 0x000000000000005fULL,
	  0xffffffff80000000ULL, "sllw a0, a1, a2" },
	{ 0x00c5d53b, 0xffffffff80000000ULL, 0x000000000000001fULL,
	  0x0000000000000001ULL, "srlw a0, a1, a2" },
	{ 0x40c5d53b, 0x0000000080000000ULL, 0x0000000000000004ULL,
	  0xfffffffff8000000ULL, "sraw a0, a1, a2" },
	{ 0x40c5d533, 0x8000000000000000ULL, 0x000000000000007fULL,
	  0xffffffffffffffffULL, "sra a0, a1, a2" },
	{ 0x00c5d533, 0x8000000000000000ULL, 0x000000000000003fULL,
	  0x0000000000000001ULL, "srl a0, a1, a2" },
	{ 0x00c59533, 0x0000000000000001ULL, 0x0000000000000043ULL,
	  0x0000000000000008ULL, "sll a0, a1, a2" },
	{ 0x00c5a533, 0xffffffffffffffffULL, 0x0000000000000000ULL,
	  0x0000000000000001ULL, "slt a0, a1, a2" },
	{ 0x00c5b533, 0xffffffffffffffffULL, 0x0000000000000000ULL,
	  0x0000000000000000ULL, "sltu a0, a1, a2" },
	{ 0x4015d51b, 0x0000000080000000ULL, 0x0000000000000000ULL,
	  0xffffffffc0000000ULL, "sraiw a0, a1, 1" },
	{ 0x01f5d51b, 0xffffffff80000000ULL, 0x0000000000000000ULL,
	  0x0000000000000001ULL, "srliw a0, a1, 31" },
	{ 0x01f5951b, 0x0000000000000003ULL, 0x0000000000000000ULL,
	  0xffffffff80000000ULL, "slliw a0, a1, 31" },
	{ 0xff95851b, 0x7fffffff00000003ULL, 0x0000000000000000ULL,
	  0xfffffffffffffffcULL, "addiw a0, a1, -7" },
	{ 0xfff5b513, 0x0000000000000005ULL, 0x0000000000000000ULL,
	  0x0000000000000001ULL, "sltiu a0, a1, -1" },
	{ 0xfff5a513, 0xffffffffffffffffULL, 0x0000000000000000ULL,
	  0x0000000000000000ULL, "slti a0, a1, -1" },
	{ 0x43f5d513, 0x8000000000000000ULL, 0x0000000000000000ULL,
	  0xffffffffffffffffULL, "srai a0, a1, 63" },
};

/* ---- whole programs ------------------------------------------------- */

struct chunk {
	uint16_t off, len;
	uint8_t bytes[8];
};

/* Programs assembled (riscv64-unknown-elf-as, norelax) to run at
 * 0x80000000; runs of zero bytes are left out.  Each sets mtvec to `trap`,
 * which saves mcause, mtval and mepc in s2, s3, s4 and stops. */
/* loop:
 *	.option norvc
 *	la t0, trap
 *	csrw mtvec, t0
 *	.option rvc
 *	li a0, 0
 *	li a1, 1
 *	slli a1, a1, 14
 *   1: addi a0, a0, 3
 *	addi a1, a1, -1
 *	bnez a1, 1b
 *	csrr a2, minstret
 *	csrr a3, minstret
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 *	.org 0x3800
 *   trap: csrr s2, mcause
 *	csrr s3, mtval
 *	csrr s4, mepc
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 */
static const struct chunk prog_loop[] = {
	{ 0x0000, 8, { 0x97, 0x42, 0x00, 0x00, 0x93, 0x82, 0x02, 0x80 } },
	{ 0x0008, 8, { 0x73, 0x90, 0x52, 0x30, 0x01, 0x45, 0x85, 0x45 } },
	{ 0x0010, 8, { 0xba, 0x05, 0x0d, 0x05, 0xfd, 0x15, 0xf5, 0xfd } },
	{ 0x0018, 8, { 0x73, 0x26, 0x20, 0xb0, 0xf3, 0x26, 0x20, 0xb0 } },
	{ 0x0020, 8, { 0xb7, 0x0f, 0x00, 0x10, 0x23, 0xa0, 0x0f, 0x00 } },
	{ 0x3800, 8, { 0x73, 0x29, 0x20, 0x34, 0xf3, 0x29, 0x30, 0x34 } },
	{ 0x3808, 8, { 0x73, 0x2a, 0x10, 0x34, 0xb7, 0x0f, 0x00, 0x10 } },
	{ 0x3810, 4, { 0x23, 0xa0, 0x0f, 0x00 } },
	{ 0, 0, { 0 } }
};
/* straddle:
 *	.option norvc
 *	la t0, trap
 *	csrw mtvec, t0
 *	.option rvc
 *	li a3, 1
 *	j 2f
 *	.org 0xffe
 *	.option norvc
 *   2: addi a3, a3, 5
 *	.option rvc
 *	csrr a4, minstret
 *	li s5, 1
 *	j 3f
 *	.org 0x1ffe
 *   3: .word 0x000000f3
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 *	.org 0x3800
 *   trap: csrr s2, mcause
 *	csrr s3, mtval
 *	csrr s4, mepc
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 */
static const struct chunk prog_straddle[] = {
	{ 0x0000, 8, { 0x97, 0x42, 0x00, 0x00, 0x93, 0x82, 0x02, 0x80 } },
	{ 0x0008, 8, { 0x73, 0x90, 0x52, 0x30, 0x85, 0x46, 0x6f, 0x00 } },
	{ 0x0010, 8, { 0x10, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 } },
	{ 0x0ff8, 8, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x93, 0x86 } },
	{ 0x1000, 8, { 0x56, 0x00, 0x73, 0x27, 0x20, 0xb0, 0x85, 0x4a } },
	{ 0x1008, 8, { 0x6f, 0x00, 0x70, 0x7f, 0x00, 0x00, 0x00, 0x00 } },
	{ 0x1ff8, 8, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf3, 0x00 } },
	{ 0x2000, 8, { 0x00, 0x00, 0xb7, 0x0f, 0x00, 0x10, 0x23, 0xa0 } },
	{ 0x2008, 8, { 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 } },
	{ 0x3800, 8, { 0x73, 0x29, 0x20, 0x34, 0xf3, 0x29, 0x30, 0x34 } },
	{ 0x3808, 8, { 0x73, 0x2a, 0x10, 0x34, 0xb7, 0x0f, 0x00, 0x10 } },
	{ 0x3810, 4, { 0x23, 0xa0, 0x0f, 0x00 } },
	{ 0, 0, { 0 } }
};
/* smc:
 *	.option norvc
 *	la t0, trap
 *	csrw mtvec, t0
 *	.option rvc
 *	la t0, 3f
 *	li a5, 0
 *	li s1, 0
 *	li t1, 2
 *	li t2, 0x01078793
 *   1: addi s1, s1, 1
 *	.option norvc
 *   3: addi a5, a5, 1
 *	.option rvc
 *	beq s1, t1, 4f
 *	sw t2, 0(t0)
 *	j 1b
 *   4:
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 *	.org 0x3800
 *   trap: csrr s2, mcause
 *	csrr s3, mtval
 *	csrr s4, mepc
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 */
static const struct chunk prog_smc[] = {
	{ 0x0000, 8, { 0x97, 0x42, 0x00, 0x00, 0x93, 0x82, 0x02, 0x80 } },
	{ 0x0008, 8, { 0x73, 0x90, 0x52, 0x30, 0x97, 0x02, 0x00, 0x00 } },
	{ 0x0010, 8, { 0x93, 0x82, 0x82, 0x01, 0x81, 0x47, 0x81, 0x44 } },
	{ 0x0018, 8, { 0x09, 0x43, 0xb7, 0x83, 0x07, 0x01, 0x9b, 0x83 } },
	{ 0x0020, 8, { 0x33, 0x79, 0x85, 0x04, 0x93, 0x87, 0x17, 0x00 } },
	{ 0x0028, 8, { 0x63, 0x85, 0x64, 0x00, 0x23, 0xa0, 0x72, 0x00 } },
	{ 0x0030, 8, { 0xcd, 0xbf, 0xb7, 0x0f, 0x00, 0x10, 0x23, 0xa0 } },
	{ 0x0038, 8, { 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 } },
	{ 0x3800, 8, { 0x73, 0x29, 0x20, 0x34, 0xf3, 0x29, 0x30, 0x34 } },
	{ 0x3808, 8, { 0x73, 0x2a, 0x10, 0x34, 0xb7, 0x0f, 0x00, 0x10 } },
	{ 0x3810, 4, { 0x23, 0xa0, 0x0f, 0x00 } },
	{ 0, 0, { 0 } }
};
/* cross:
 *	.option norvc
 *	la t0, trap
 *	csrw mtvec, t0
 *	.option rvc
 *	li a0, 0
 *	call far
 *	addi a0, a0, 1
 *	j 5f
 *	.org 0x1ff8
 *	.option norvc
 *   5: addi a0, a0, 10
 *	addi a0, a0, 100
 *	addi a0, a0, 1000
 *	.option rvc
 *	csrr a2, minstret
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 *	.org 0x2800
 *   far: addi a0, a0, 2
 *	ret
 *	.org 0x3800
 *   trap: csrr s2, mcause
 *	csrr s3, mtval
 *	csrr s4, mepc
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 */
static const struct chunk prog_cross[] = {
	{ 0x0000, 8, { 0x97, 0x42, 0x00, 0x00, 0x93, 0x82, 0x02, 0x80 } },
	{ 0x0008, 8, { 0x73, 0x90, 0x52, 0x30, 0x01, 0x45, 0x97, 0x20 } },
	{ 0x0010, 8, { 0x00, 0x00, 0xe7, 0x80, 0x20, 0x7f, 0x05, 0x05 } },
	{ 0x0018, 8, { 0x6f, 0x10, 0x10, 0x7e, 0x00, 0x00, 0x00, 0x00 } },
	{ 0x1ff8, 8, { 0x13, 0x05, 0xa5, 0x00, 0x13, 0x05, 0x45, 0x06 } },
	{ 0x2000, 8, { 0x13, 0x05, 0x85, 0x3e, 0x73, 0x26, 0x20, 0xb0 } },
	{ 0x2008, 8, { 0xb7, 0x0f, 0x00, 0x10, 0x23, 0xa0, 0x0f, 0x00 } },
	{ 0x2800, 8, { 0x09, 0x05, 0x82, 0x80, 0x00, 0x00, 0x00, 0x00 } },
	{ 0x3800, 8, { 0x73, 0x29, 0x20, 0x34, 0xf3, 0x29, 0x30, 0x34 } },
	{ 0x3808, 8, { 0x73, 0x2a, 0x10, 0x34, 0xb7, 0x0f, 0x00, 0x10 } },
	{ 0x3810, 4, { 0x23, 0xa0, 0x0f, 0x00 } },
	{ 0, 0, { 0 } }
};
/* illegal:
 *	.option norvc
 *	la t0, trap
 *	csrw mtvec, t0
 *	.option rvc
 *	li s5, 7
 *	.hword 0
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 *	.org 0x3800
 *   trap: csrr s2, mcause
 *	csrr s3, mtval
 *	csrr s4, mepc
 *	lui t6, 0x10000
 *	sw zero, 0(t6)
 */
static const struct chunk prog_illegal[] = {
	{ 0x0000, 8, { 0x97, 0x42, 0x00, 0x00, 0x93, 0x82, 0x02, 0x80 } },
	{ 0x0008, 8, { 0x73, 0x90, 0x52, 0x30, 0x9d, 0x4a, 0x00, 0x00 } },
	{ 0x0010, 8, { 0xb7, 0x0f, 0x00, 0x10, 0x23, 0xa0, 0x0f, 0x00 } },
	{ 0x3800, 8, { 0x73, 0x29, 0x20, 0x34, 0xf3, 0x29, 0x30, 0x34 } },
	{ 0x3808, 8, { 0x73, 0x2a, 0x10, 0x34, 0xb7, 0x0f, 0x00, 0x10 } },
	{ 0x3810, 4, { 0x23, 0xa0, 0x0f, 0x00 } },
	{ 0, 0, { 0 } }
};

#endif
