/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helper assembly code routines for RISC-V SBI extension tests.
 *
 * Copyright (C) 2024, James Raphael Tiovalen <jamestiotio@gmail.com>
 */
#include <asm/asm.h>
#include <asm/csr.h>

#include "sbi-tests.h"

.section .text

/*
 * sbi_hsm_check
 *   a0 and a1 are set by SBI HSM start/suspend
 *   s1 is the address of the results array
 * Doesn't return.
 *
 * This function is only called from HSM start and on resumption
 * from HSM suspend which means we can do whatever we like with
 * all registers. So, to avoid complicated register agreements with
 * other assembly functions called, we just always use the saved
 * registers for anything that should be maintained across calls.
 */
#define HSM_RESULTS_ARRAY        s1
#define HSM_RESULTS_MAP                s2
#define HSM_CPU_INDEX                s3
.balign 4
sbi_hsm_check:
	li        HSM_RESULTS_MAP, 0
	REG_L        t0, ASMARR(a1, SBI_HSM_MAGIC_IDX)
	li        t1, SBI_HSM_MAGIC
	bne        t0, t1, 1f
	ori        HSM_RESULTS_MAP, HSM_RESULTS_MAP, SBI_HSM_TEST_MAGIC_A0
1:      REG_L        t0, ASMARR(a1, SBI_HSM_HARTID_IDX)
	bne        a0, t0, 2f
	ori        HSM_RESULTS_MAP, HSM_RESULTS_MAP, SBI_HSM_TEST_HARTID_A1
2:      csrr        t0, CSR_SATP
	bnez        t0, 3f
	ori        HSM_RESULTS_MAP, HSM_RESULTS_MAP, SBI_HSM_TEST_SATP
3:      csrr        t0, CSR_SSTATUS
	andi        t0, t0, SR_SIE
	bnez        t0, 4f
	ori        HSM_RESULTS_MAP, HSM_RESULTS_MAP, SBI_HSM_TEST_SIE
4:      call        hartid_to_cpu
	mv        HSM_CPU_INDEX, a0
	li        t0, -1
	bne        HSM_CPU_INDEX, t0, 6f
5:      pause
	j        5b
6:      ori        HSM_RESULTS_MAP, HSM_RESULTS_MAP, SBI_HSM_TEST_DONE
	add        t0, HSM_RESULTS_ARRAY, HSM_CPU_INDEX
	sb        HSM_RESULTS_MAP, 0(t0)
	la        t1, sbi_hsm_stop_hart
	add        t1, t1, HSM_CPU_INDEX
7:      lb        t0, 0(t1)
	pause
	beqz        t0, 7b
	li        a7, 0x48534d        /* SBI_EXT_HSM */
	li        a6, 1                /* SBI_EXT_HSM_HART_STOP */
	ecall
8:      pause
	j        8b
