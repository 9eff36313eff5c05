"""kvm-unit-tests series: riscv SBI SSE tests v8 (Clément Léger) and a two-patch series
without a cover letter (Andrew Jones)."""

from __future__ import annotations

from datetime import datetime

from content import CLEMENT, DREW, FILES, KUT_ORDER, K, Patch, Series, rb, sob, text, tz


def ks(path: str, old: str, new: str) -> tuple:
    return ("sub", path, K(old), K(new))


_MAK = "scripts/asm-offsets.mak"

FILES[_MAK] = K("""\
#
# asm-offsets adapted from the kernel, see
#   Kbuild
#   scripts/Kbuild.include
#   scripts/Makefile.build
#
#   Authors: Andrew Jones <drjones@redhat.com>
#

define sed-y
        's:^[[:space:]]*\\.ascii[[:space:]]*"\\(.*\\)".*:\\1:; \\
        /^->/{s:->#\\(.*\\):/* \\1 */:; \\
        s:^->\\([^ ]*\\) [\\$$#]*\\([-0-9]*\\) \\(.*\\):#define \\1 \\2 /* \\3 */:; \\
        s:^->\\([^ ]*\\) [\\$$#]*\\([^ ]*\\) \\(.*\\):#define \\1 \\2 /* \\3 */:; \\
        s:->::; p;}'
endef

define make_asm_offsets
        (set -e; \\
         echo "#ifndef __ASM_OFFSETS_H__"; \\
         echo "#define __ASM_OFFSETS_H__"; \\
         echo "/*"; \\
         echo " * Generated file. DO NOT MODIFY."; \\
         echo " *"; \\
         echo " */"; \\
         echo ""; \\
         sed -ne $(sed-y) $<; \\
         echo ""; \\
         echo "#endif" ) > $@
endef

$(asm-offsets:.h=.s): $(asm-offsets:.h=.c)
        $(CC) $(CFLAGS) -fverbose-asm -S -o $@ $<

$(asm-offsets): $(asm-offsets:.h=.s)
        $(call make_asm_offsets)
        cp -f $(asm-offsets) lib/generated/

OBJDIRS += lib/generated

asm_offsets_clean:
        $(RM) $(asm-offsets) $(asm-offsets:.h=.s) \\
              $(addprefix lib/generated/,$(notdir $(asm-offsets)))
""")

FILES["riscv/Makefile"] = K("""\
#
# riscv makefile
#
# Authors: Andrew Jones <ajones@ventanamicro.com>
#

ifeq ($(CONFIG_EFI),y)
exe = efi
else
exe = flat
endif

tests =
tests += $(TEST_DIR)/sbi.$(exe)
tests += $(TEST_DIR)/selftest.$(exe)
tests += $(TEST_DIR)/sieve.$(exe)

all: $(tests)

$(TEST_DIR)/sbi-deps = $(TEST_DIR)/sbi-asm.o

# When built for EFI sieve needs extra memory, run with e.g. '-m 256' on QEMU
$(TEST_DIR)/sieve.elf: AUXFLAGS = 0x1

cstart.o = $(TEST_DIR)/cstart.o

cflatobjs += lib/alloc.o
cflatobjs += lib/alloc_page.o
cflatobjs += lib/alloc_phys.o
cflatobjs += lib/devicetree.o
cflatobjs += lib/memregions.o
cflatobjs += lib/on-cpus.o
cflatobjs += lib/vmalloc.o
cflatobjs += lib/riscv/bitops.o
cflatobjs += lib/riscv/io.o
cflatobjs += lib/riscv/isa.o
cflatobjs += lib/riscv/mmu.o
cflatobjs += lib/riscv/processor.o
cflatobjs += lib/riscv/sbi.o
cflatobjs += lib/riscv/setjmp.o
cflatobjs += lib/riscv/setup.o
cflatobjs += lib/riscv/smp.o
cflatobjs += lib/riscv/stack.o
cflatobjs += lib/riscv/timer.o

asm-offsets = lib/riscv/asm-offsets.h
include $(SRCDIR)/scripts/asm-offsets.mak

%.aux.o: $(SRCDIR)/lib/auxinfo.c
        $(CC) $(CFLAGS) -c -o $@ $< \\
                -DPROGNAME=\\"$(notdir $(@:.aux.o=.$(exe)))\\" -DAUXFLAGS=$(AUXFLAGS)

%.elf: $(FLATLIBS) $(SRCDIR)/riscv/flat.lds $(cstart.o) %.aux.o
        $(LD) $(LDFLAGS) -o $@ -T $(SRCDIR)/riscv/flat.lds \\
                $(filter %.o, $^) $(FLATLIBS)
""")

FILES["lib/riscv/asm/csr.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASMRISCV_CSR_H_
#define _ASMRISCV_CSR_H_
#include <linux/const.h>

#define CSR_SSTATUS                0x100
#define CSR_SIE                        0x104
#define CSR_STVEC                0x105
#define CSR_SSCRATCH                0x140
#define CSR_SEPC                0x141
#define CSR_SCAUSE                0x142
#define CSR_STVAL                0x143
#define CSR_SIP                        0x144
#define CSR_SATP                0x180
#define CSR_TIME                0xc01

#define SR_SIE                        _AC(0x00000002, UL)
#define SR_SPP                        _AC(0x00000100, UL)

/* Exception cause high bit - is an interrupt if set */
#define CAUSE_IRQ_FLAG                (_AC(1, UL) << (__riscv_xlen - 1))

#endif /* _ASMRISCV_CSR_H_ */
""")

FILES["lib/riscv/asm/sbi.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASMRISCV_SBI_H_
#define _ASMRISCV_SBI_H_

#define SBI_SUCCESS                        0
#define SBI_ERR_FAILURE                        -1
#define SBI_ERR_NOT_SUPPORTED                -2
#define SBI_ERR_INVALID_PARAM                -3
#define SBI_ERR_DENIED                        -4
#define SBI_ERR_INVALID_ADDRESS                -5
#define SBI_ERR_ALREADY_AVAILABLE        -6
#define SBI_ERR_ALREADY_STARTED                -7
#define SBI_ERR_ALREADY_STOPPED                -8
#define SBI_ERR_NO_SHMEM                -9

#ifndef __ASSEMBLER__
#include <cpumask.h>

enum sbi_ext_id {
        SBI_EXT_BASE = 0x10,
        SBI_EXT_TIME = 0x54494d45,
        SBI_EXT_IPI = 0x735049,
        SBI_EXT_HSM = 0x48534d,
        SBI_EXT_SRST = 0x53525354,
        SBI_EXT_DBCN = 0x4442434E,
        SBI_EXT_SUSP = 0x53555350,
        SBI_EXT_FWFT = 0x46574654,
};

enum sbi_ext_base_fid {
        SBI_EXT_BASE_GET_SPEC_VERSION = 0,
        SBI_EXT_BASE_GET_IMP_ID,
        SBI_EXT_BASE_GET_IMP_VERSION,
        SBI_EXT_BASE_PROBE_EXT,
        SBI_EXT_BASE_GET_MVENDORID,
        SBI_EXT_BASE_GET_MARCHID,
        SBI_EXT_BASE_GET_MIMPID,
};

struct sbiret {
        long error;
        long value;
};

struct sbiret sbi_ecall(int ext, int fid, unsigned long arg0,
                        unsigned long arg1, unsigned long arg2,
                        unsigned long arg3, unsigned long arg4,
                        unsigned long arg5);

void sbi_shutdown(void);
struct sbiret sbi_hart_start(unsigned long hartid, unsigned long entry, unsigned long sp);
struct sbiret sbi_hart_stop(void);
struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
struct sbiret sbi_set_timer(unsigned long stime_value);
long sbi_probe(int ext);

#endif /* !__ASSEMBLER__ */
#endif /* _ASMRISCV_SBI_H_ */
""")

FILES["lib/riscv/asm-offsets.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
#include <kbuild.h>
#include <elf.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/smp.h>

int main(void)
{
#if __riscv_xlen == 32
        OFFSET(SECTION_FLAGS, Elf32_Shdr, sh_flags);
#elif __riscv_xlen == 64
        OFFSET(SECTION_FLAGS, Elf64_Shdr, sh_flags);
#endif
        OFFSET(PT_EPC, pt_regs, epc);
        OFFSET(PT_RA, pt_regs, ra);
        OFFSET(PT_SP, pt_regs, sp);
        OFFSET(PT_STATUS, pt_regs, status);
        OFFSET(PT_CAUSE, pt_regs, cause);
        DEFINE(PT_SIZE, sizeof(struct pt_regs));

        OFFSET(SECONDARY_STVEC, secondary_data, stvec);
        OFFSET(SECONDARY_FUNC, secondary_data, func);
        DEFINE(SECONDARY_DATA_SIZE, sizeof(struct secondary_data));

        return 0;
}
""")

FILES["lib/riscv/sbi.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
#include <libcflat.h>
#include <cpumask.h>
#include <limits.h>
#include <asm/io.h>
#include <asm/sbi.h>
#include <asm/setup.h>

struct sbiret sbi_ecall(int ext, int fid, unsigned long arg0,
                        unsigned long arg1, unsigned long arg2,
                        unsigned long arg3, unsigned long arg4,
                        unsigned long arg5)
{
        register uintptr_t a0 asm ("a0") = arg0;
        register uintptr_t a1 asm ("a1") = arg1;
        register uintptr_t a2 asm ("a2") = arg2;
        register uintptr_t a3 asm ("a3") = arg3;
        register uintptr_t a4 asm ("a4") = arg4;
        register uintptr_t a5 asm ("a5") = arg5;
        register uintptr_t a6 asm ("a6") = fid;
        register uintptr_t a7 asm ("a7") = ext;
        struct sbiret ret;

        asm volatile (
                "ecall"
                : "+r" (a0), "+r" (a1)
                : "r" (a2), "r" (a3), "r" (a4), "r" (a5), "r" (a6), "r" (a7)
                : "memory");
        ret.error = a0;
        ret.value = a1;

        return ret;
}

struct sbiret sbi_hart_stop(void)
{
        return sbi_ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
}

long sbi_probe(int ext)
{
        struct sbiret ret;

        ret = sbi_ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0, 0);
        assert(!ret.error && (ret.value & 0x7ffffffful) >= 2);

        ret = sbi_ecall(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, ext, 0, 0, 0, 0, 0);
        assert(!ret.error);

        return ret.value;
}
""")

FILES["riscv/sbi-tests.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _RISCV_SBI_TESTS_H_
#define _RISCV_SBI_TESTS_H_

#define SBI_HSM_TEST_DONE        (1 << 0)
#define SBI_HSM_TEST_MAGIC_A0        (1 << 1)
#define SBI_HSM_TEST_HARTID_A1        (1 << 2)
#define SBI_HSM_TEST_SATP        (1 << 3)
#define SBI_HSM_TEST_SIE        (1 << 4)

#define SBI_HSM_MAGIC                0x453

#define SBI_HSM_MAGIC_IDX        0
#define SBI_HSM_HARTID_IDX        1
#define SBI_HSM_NUM_OF_PARAMS        2

#ifndef __ASSEMBLER__
#include <asm/sbi.h>

#define sbiret_report(ret, expected_error, expected_value, fmt, ...) ({                \\
        long ex_err = expected_error;                                                \\
        long ex_val = expected_value;                                                \\
        bool ch_err = (ret)->error == ex_err;                                        \\
        bool ch_val = (ret)->value == ex_val;                                        \\
        bool pass;                                                                \\
                                                                                \\
        report(pass = ch_err && ch_val, fmt, ##__VA_ARGS__);                        \\
        pass;                                                                        \\
})

void sbi_bad_fid(int ext);

#endif /* __ASSEMBLER__ */
#endif /* _RISCV_SBI_TESTS_H_ */
""")

FILES["riscv/sbi-asm.S"] = K("""\
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
""")

FILES["riscv/sbi.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * SBI verification
 *
 * Copyright (C) 2023, Ventana Micro Systems Inc., Andrew Jones <ajones@ventanamicro.com>
 */
#include <libcflat.h>
#include <alloc_page.h>
#include <cpumask.h>
#include <limits.h>
#include <memregions.h>
#include <on-cpus.h>
#include <rand.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <vmalloc.h>

#include <asm/barrier.h>
#include <asm/csr.h>
#include <asm/delay.h>
#include <asm/io.h>
#include <asm/mmu.h>
#include <asm/processor.h>
#include <asm/sbi.h>
#include <asm/setup.h>
#include <asm/timer.h>

#include "sbi-tests.h"

#define HIGH_ADDR_BOUNDARY        ((phys_addr_t)1 << 32)

void check_fwft(void);

static void check_base(void)
{
        struct sbiret ret;
        long expected;

        report_prefix_push("base");

        ret = sbi_base(SBI_EXT_BASE_GET_SPEC_VERSION, 0);

        report_prefix_push("spec_version");
        if (env_or_skip("SBI_SPEC_VERSION")) {
                expected = (long)strtoul(getenv("SBI_SPEC_VERSION"), NULL, 0);
                assert_msg(!(expected & BIT(31)), "SBI spec version bit 31 must be zero");
                assert_msg(__riscv_xlen == 32 || !(expected >> 32), "SBI spec version bits greater than 31 must be zero");
                sbiret_check(&ret, 0, expected);
        }
        report_prefix_pop();

        report_prefix_pop();
}

int main(int argc, char **argv)
{
        if (argc > 1 && !strcmp(argv[1], "-h")) {
                help();
                exit(0);
        }

        report_prefix_push("sbi");
        check_base();
        check_time();
        check_ipi();
        check_hsm();
        check_dbcn();
        check_susp();
        check_fwft();

        return report_summary();
}
""")

_CSOB = sob(CLEMENT)
_DRB = rb(DREW)

_SBI_ASM_OFFSETS = K("""\
// SPDX-License-Identifier: GPL-2.0-only
#include <kbuild.h>
#include <asm/sbi.h>

int main(void)
{
        DEFINE(ASM_SBI_EXT_HSM, SBI_EXT_HSM);
        DEFINE(ASM_SBI_EXT_HSM_HART_STOP, SBI_EXT_HSM_HART_STOP);

        return 0;
}
""")

_SSE_ASM = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RISC-V SSE events entry point.
 *
 * Copyright (C) 2025, Rivos Inc., Clément Léger <cleger@rivosinc.com>
 */
#include <asm/asm.h>
#include <asm/asm-offsets.h>
#include <asm/csr.h>
#include <generated/sbi-asm-offsets.h>

.section .text
.global sbi_sse_entry
sbi_sse_entry:
        /* Save stack temporarily */
        REG_S        sp, SBI_SSE_REG_TMP(a7)
        /* Set entry stack */
        REG_L        sp, SBI_SSE_HANDLER_STACK(a7)

        addi        sp, sp, -(PT_SIZE)
        REG_S        ra, PT_RA(sp)
        REG_S        s0, PT_S0(sp)
        REG_S        s1, PT_S1(sp)
        REG_S        s2, PT_S2(sp)
        REG_S        a0, PT_A0(sp)
        REG_S        a1, PT_A1(sp)
        REG_S        a2, PT_A2(sp)
        REG_S        a3, PT_A3(sp)
        REG_S        a4, PT_A4(sp)
        REG_S        a5, PT_A5(sp)
        REG_S        a6, PT_A6(sp)
        REG_S        a7, PT_A7(sp)

        mv        a0, sp
        REG_L        a1, SBI_SSE_HANDLER_DATA(a7)
        REG_L        t0, SBI_SSE_HANDLER(a7)
        jalr        t0

        REG_L        ra, PT_RA(sp)
        REG_L        s0, PT_S0(sp)
        REG_L        s1, PT_S1(sp)
        REG_L        s2, PT_S2(sp)
        REG_L        a0, PT_A0(sp)
        REG_L        a7, PT_A7(sp)
        addi        sp, sp, PT_SIZE

        /* Restore original stack */
        REG_L        sp, SBI_SSE_REG_TMP(a7)

        li        a7, ASM_SBI_EXT_SSE
        li        a6, ASM_SBI_EXT_SSE_COMPLETE
        ecall
""")

_SSE_TESTS = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * SBI SSE testsuite
 *
 * Copyright (C) 2025, Rivos Inc., Clément Léger <cleger@rivosinc.com>
 */
#include <alloc.h>
#include <alloc_page.h>
#include <bitops.h>
#include <cpumask.h>
#include <libcflat.h>
#include <on-cpus.h>
#include <stdlib.h>

#include <asm/barrier.h>
#include <asm/delay.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/sbi.h>
#include <asm/setup.h>
#include <asm/timer.h>

#include "sbi-tests.h"

#define SSE_STACK_SIZE        PAGE_SIZE

struct sse_event_info {
        uint32_t event_id;
        const char *name;
        bool can_inject;
};

static struct sse_event_info sse_event_infos[] = {
        {
                .event_id = SBI_SSE_EVENT_LOCAL_HIGH_PRIO_RAS,
                .name = "local_high_prio_ras",
        },
        {
                .event_id = SBI_SSE_EVENT_LOCAL_DOUBLE_TRAP,
                .name = "double_trap",
        },
        {
                .event_id = SBI_SSE_EVENT_GLOBAL_LOW_PRIO_RAS,
                .name = "global_low_prio_ras",
        },
        {
                .event_id = SBI_SSE_EVENT_LOCAL_PMU_OVERFLOW,
                .name = "local_pmu_overflow",
        },
        {
                .event_id = SBI_SSE_EVENT_LOCAL_SOFTWARE,
                .name = "local_software",
        },
        {
                .event_id = SBI_SSE_EVENT_GLOBAL_SOFTWARE,
                .name = "global_software",
        },
};

static const char *sse_event_name(uint32_t event_id)
{
        int i;

        for (i = 0; i < ARRAY_SIZE(sse_event_infos); i++) {
                if (sse_event_infos[i].event_id == event_id)
                        return sse_event_infos[i].name;
        }

        return "unknown";
}

static bool sse_check_state(uint32_t event_id, unsigned long expected_state)
{
        struct sbiret ret;
        unsigned long state;

        ret = sbi_sse_read_attrs(event_id, SBI_SSE_ATTR_STATUS, 1, &state);
        if (!sbiret_report_error(&ret, SBI_SUCCESS, "Get SSE event status"))
                return false;

        return report((state & SBI_SSE_ATTR_STATUS_STATE_MASK) == expected_state,
                      "event status == %ld", expected_state);
}

void check_sse(void)
{
        unsigned long i, event_id;

        report_prefix_push("sse");

        if (!sbi_probe(SBI_EXT_SSE)) {
                report_skip("extension not available");
                report_prefix_pop();
                return;
        }

        for (i = 0; i < ARRAY_SIZE(sse_event_infos); i++) {
                event_id = sse_event_infos[i].event_id;
                report_prefix_push(sse_event_name(event_id));
                sse_check_state(event_id, SBI_SSE_STATE_UNUSED);
                report_prefix_pop();
        }

        report_prefix_pop();
}
""")


def _sse_patches() -> list:
    return [
        Patch("kbuild: Allow multiple asm-offsets file to be generated", CLEMENT,
              text("sse_1"), [
                  ks(_MAK, """\
define make_asm_offsets
        (set -e; \\
         echo "#ifndef __ASM_OFFSETS_H__"; \\
         echo "#define __ASM_OFFSETS_H__"; \\
""", """\
define asm_offset_name
        $(shell echo $(notdir $(1)) | tr [:lower:]- [:upper:]_)
endef

define make_asm_offsets
        (set -e; \\
         echo "#ifndef __$(strip $(asm_offset_name))_H__"; \\
         echo "#define __$(strip $(asm_offset_name))_H__"; \\
"""),
                  ks(_MAK, """\
$(asm-offsets:.h=.s): $(asm-offsets:.h=.c)
        $(CC) $(CFLAGS) -fverbose-asm -S -o $@ $<

$(asm-offsets): $(asm-offsets:.h=.s)
        $(call make_asm_offsets)
        cp -f $(asm-offsets) lib/generated/
""", """\
define gen_asm_offsets_rules
$(1).s: $(1).c
        $(CC) $(CFLAGS) -fverbose-asm -S -o $$@ $$<

$(1).h: $(1).s
        $$(call make_asm_offsets,$(1))
        cp -f $$@ lib/generated/
endef

$(foreach o,$(asm-offsets),$(eval $(call gen_asm_offsets_rules, $(o:.h=))))
"""),
              ]),
        Patch("riscv: Set .aux.o files as .PRECIOUS", CLEMENT,
              "When compiling, we need to keep .aux.o file or they will be removed\n"
              "after the compilation which leads to dependent files to be recompiled.\n"
              "Set these files as .PRECIOUS to keep them.\n\n" + _CSOB + _DRB, [
                  ks("riscv/Makefile", "%.aux.o: $(SRCDIR)/lib/auxinfo.c\n",
                     ".PRECIOUS: %.aux.o\n%.aux.o: $(SRCDIR)/lib/auxinfo.c\n"),
              ]),
        Patch("riscv: Use asm-offsets to generate SBI_EXT_HSM values", CLEMENT,
              "Replace hardcoded values with generated ones using sbi-asm-offset. This\n"
              "allows to directly use ASM_SBI_EXT_HSM and ASM_SBI_EXT_HSM_STOP in\n"
              "assembly.\n\n" + _CSOB + _DRB, [
                  ks("riscv/Makefile", "asm-offsets = lib/riscv/asm-offsets.h\n",
                     "asm-offsets = lib/riscv/asm-offsets.h riscv/sbi-asm-offsets.h\n"),
                  ks("riscv/sbi-asm.S", "#include \"sbi-tests.h\"\n",
                     "#include <generated/sbi-asm-offsets.h>\n\n#include \"sbi-tests.h\"\n"),
                  ks("riscv/sbi-asm.S", "        li        a7, 0x48534d        /* SBI_EXT_HSM */\n"
                     "        li        a6, 1                /* SBI_EXT_HSM_HART_STOP */\n",
                     "        li        a7, ASM_SBI_EXT_HSM\n"
                     "        li        a6, ASM_SBI_EXT_HSM_HART_STOP\n"),
                  ("new", "riscv/sbi-asm-offsets.c", _SBI_ASM_OFFSETS),
                  ("new", "riscv/.gitignore", "/sbi-asm-offsets.[hs]\n"),
              ]),
        Patch("riscv: lib: Add SBI SSE extension definitions", CLEMENT,
              "Add SBI SSE extension definitions in sbi.h\n\n" + _CSOB + _DRB, [
                  ks("lib/riscv/asm/sbi.h", "        SBI_EXT_FWFT = 0x46574654,\n};\n",
                     "        SBI_EXT_FWFT = 0x46574654,\n        SBI_EXT_SSE = 0x535345,\n};\n\n"
                     "enum sbi_ext_sse_fid {\n        SBI_EXT_SSE_READ_ATTRS = 0,\n"
                     "        SBI_EXT_SSE_WRITE_ATTRS,\n        SBI_EXT_SSE_REGISTER,\n"
                     "        SBI_EXT_SSE_UNREGISTER,\n        SBI_EXT_SSE_ENABLE,\n"
                     "        SBI_EXT_SSE_DISABLE,\n        SBI_EXT_SSE_COMPLETE,\n"
                     "        SBI_EXT_SSE_INJECT,\n        SBI_EXT_SSE_HART_UNMASK,\n"
                     "        SBI_EXT_SSE_HART_MASK,\n};\n\n"
                     "/* SBI SSE Event Attributes. */\nenum sbi_sse_attr_id {\n"
                     "        SBI_SSE_ATTR_STATUS                = 0x00000000,\n"
                     "        SBI_SSE_ATTR_PRIORITY                = 0x00000001,\n"
                     "        SBI_SSE_ATTR_CONFIG                = 0x00000002,\n"
                     "        SBI_SSE_ATTR_PREFERRED_HART        = 0x00000003,\n"
                     "        SBI_SSE_ATTR_ENTRY_PC                = 0x00000004,\n"
                     "        SBI_SSE_ATTR_ENTRY_ARG                = 0x00000005,\n"
                     "        SBI_SSE_ATTR_INTERRUPTED_SEPC        = 0x00000006,\n"
                     "        SBI_SSE_ATTR_INTERRUPTED_FLAGS        = 0x00000007,\n"
                     "        SBI_SSE_ATTR_INTERRUPTED_A6        = 0x00000008,\n"
                     "        SBI_SSE_ATTR_INTERRUPTED_A7        = 0x00000009,\n};\n\n"
                     "#define SBI_SSE_ATTR_STATUS_STATE_OFFSET        0\n"
                     "#define SBI_SSE_ATTR_STATUS_STATE_MASK                0x3\n\n"
                     "enum sbi_sse_state {\n        SBI_SSE_STATE_UNUSED     = 0,\n"
                     "        SBI_SSE_STATE_REGISTERED = 1,\n        SBI_SSE_STATE_ENABLED    = 2,\n"
                     "        SBI_SSE_STATE_RUNNING    = 3,\n};\n\n"
                     "#define SBI_SSE_EVENT_LOCAL_HIGH_PRIO_RAS        0x00000000\n"
                     "#define SBI_SSE_EVENT_LOCAL_DOUBLE_TRAP                0x00000001\n"
                     "#define SBI_SSE_EVENT_GLOBAL_LOW_PRIO_RAS        0x00108000\n"
                     "#define SBI_SSE_EVENT_LOCAL_PMU_OVERFLOW        0x00010000\n"
                     "#define SBI_SSE_EVENT_LOCAL_SOFTWARE                0xffff0000\n"
                     "#define SBI_SSE_EVENT_GLOBAL_SOFTWARE                0xffff8000\n"),
                  ks("lib/riscv/asm/csr.h", "#define SR_SPP                        _AC(0x00000100, UL)\n",
                     "#define SR_SPP                        _AC(0x00000100, UL)\n"
                     "#define SR_SDT                        _AC(0x01000000, UL)\n"),
              ]),
        Patch("lib: riscv: Add SBI SSE support", CLEMENT,
              "Add support for registering and handling SSE events. This will be used\n"
              "by sbi test as well as upcoming double trap tests.\n\n" + _CSOB + _DRB, [
                  ("new", "lib/riscv/sbi-sse-asm.S", _SSE_ASM),
                  ks("lib/riscv/asm-offsets.c", "        return 0;\n}\n",
                     "        OFFSET(SBI_SSE_REG_TMP, sbi_sse_handler_arg, reg_tmp);\n"
                     "        OFFSET(SBI_SSE_HANDLER, sbi_sse_handler_arg, handler);\n"
                     "        OFFSET(SBI_SSE_HANDLER_DATA, sbi_sse_handler_arg, handler_data);\n"
                     "        OFFSET(SBI_SSE_HANDLER_STACK, sbi_sse_handler_arg, stack);\n"
                     "        DEFINE(ASM_SBI_EXT_SSE, SBI_EXT_SSE);\n"
                     "        DEFINE(ASM_SBI_EXT_SSE_COMPLETE, SBI_EXT_SSE_COMPLETE);\n\n"
                     "        return 0;\n}\n"),
                  ks("lib/riscv/asm-offsets.c", "#include <asm/ptrace.h>\n",
                     "#include <asm/ptrace.h>\n#include <asm/sbi.h>\n"),
                  ks("lib/riscv/sbi.c", "long sbi_probe(int ext)\n",
                     "struct sbiret sbi_sse_read_attrs_raw(unsigned long event_id, unsigned long base_attr_id,\n"
                     "                                     unsigned long attr_count, unsigned long phys_lo,\n"
                     "                                     unsigned long phys_hi)\n{\n"
                     "        return sbi_ecall(SBI_EXT_SSE, SBI_EXT_SSE_READ_ATTRS, event_id, base_attr_id,\n"
                     "                         attr_count, phys_lo, phys_hi, 0);\n}\n\n"
                     "struct sbiret sbi_sse_read_attrs(unsigned long event_id, unsigned long base_attr_id,\n"
                     "                                 unsigned long attr_count, unsigned long *values)\n{\n"
                     "        phys_addr_t p = virt_to_phys(values);\n\n"
                     "        return sbi_sse_read_attrs_raw(event_id, base_attr_id, attr_count, lower_32_bits(p),\n"
                     "                                      upper_32_bits(p));\n}\n\n"
                     "struct sbiret sbi_sse_register_raw(unsigned long event_id, unsigned long entry_pc,\n"
                     "                                   unsigned long entry_arg)\n{\n"
                     "        return sbi_ecall(SBI_EXT_SSE, SBI_EXT_SSE_REGISTER, event_id, entry_pc, entry_arg, 0, 0, 0);\n}\n\n"
                     "struct sbiret sbi_sse_register(unsigned long event_id, struct sbi_sse_handler_arg *arg)\n{\n"
                     "        return sbi_sse_register_raw(event_id, (unsigned long) sbi_sse_entry, (unsigned long) arg);\n}\n\n"
                     "struct sbiret sbi_sse_unregister(unsigned long event_id)\n{\n"
                     "        return sbi_ecall(SBI_EXT_SSE, SBI_EXT_SSE_UNREGISTER, event_id, 0, 0, 0, 0, 0);\n}\n\n"
                     "struct sbiret sbi_sse_enable(unsigned long event_id)\n{\n"
                     "        return sbi_ecall(SBI_EXT_SSE, SBI_EXT_SSE_ENABLE, event_id, 0, 0, 0, 0, 0);\n}\n\n"
                     "struct sbiret sbi_sse_inject(unsigned long event_id, unsigned long hart_id)\n{\n"
                     "        return sbi_ecall(SBI_EXT_SSE, SBI_EXT_SSE_INJECT, event_id, hart_id, 0, 0, 0, 0);\n}\n\n"
                     "long sbi_probe(int ext)\n"),
                  ks("lib/riscv/asm/sbi.h", "long sbi_probe(int ext);\n",
                     "long sbi_probe(int ext);\n\n"
                     "typedef void (*sbi_sse_handler_fn)(void *data, struct pt_regs *regs, unsigned int hartid);\n\n"
                     "struct sbi_sse_handler_arg {\n        unsigned long reg_tmp;\n"
                     "        sbi_sse_handler_fn handler;\n        void *handler_data;\n        void *stack;\n};\n\n"
                     "extern void sbi_sse_entry(void);\n\n"
                     "struct sbiret sbi_sse_read_attrs(unsigned long event_id, unsigned long base_attr_id,\n"
                     "                                 unsigned long attr_count, unsigned long *values);\n"
                     "struct sbiret sbi_sse_register(unsigned long event_id, struct sbi_sse_handler_arg *arg);\n"
                     "struct sbiret sbi_sse_unregister(unsigned long event_id);\n"
                     "struct sbiret sbi_sse_enable(unsigned long event_id);\n"
                     "struct sbiret sbi_sse_inject(unsigned long event_id, unsigned long hart_id);\n"),
                  ks("riscv/Makefile", "cflatobjs += lib/riscv/sbi.o\n",
                     "cflatobjs += lib/riscv/sbi.o\ncflatobjs += lib/riscv/sbi-sse-asm.o\n"),
              ]),
        Patch("riscv: sbi: Add SSE extension tests", CLEMENT,
              "Add SBI SSE extension tests for the following features:\n"
              "- Test attributes errors (invalid values, RO, etc)\n"
              "- Registration errors\n"
              "- Simple events (global, local)\n"
              "- Event injection\n"
              "- Event priority\n"
              "- Test global event dispatch on different harts\n"
              "- Local events on all harts\n"
              "- Hart mask/unmask events\n\n" + _CSOB, [
                  ("new", "riscv/sbi-sse.c", _SSE_TESTS),
                  ks("riscv/sbi.c", "void check_fwft(void);\n", "void check_fwft(void);\nvoid check_sse(void);\n"),
                  ks("riscv/sbi.c", "        check_fwft();\n", "        check_fwft();\n        check_sse();\n"),
                  ks("riscv/sbi-tests.h", "void sbi_bad_fid(int ext);\n",
                     "void sbi_bad_fid(int ext);\nvoid check_sse(void);\n"),
                  ks("riscv/Makefile", "$(TEST_DIR)/sbi-deps = $(TEST_DIR)/sbi-asm.o\n",
                     "$(TEST_DIR)/sbi-deps = $(TEST_DIR)/sbi-asm.o $(TEST_DIR)/sbi-sse.o\n"),
              ]),
    ]


S_SSE = Series(
    key="sbi-sse-v8", project="kvm-unit-tests", title="riscv: add SBI SSE extension tests",
    sender=CLEMENT, committer=CLEMENT, prefix="kvm-unit-tests PATCH", version=8,
    first_date=datetime(2025, 3, 7, 17, 15, 42, tzinfo=tz(1)),
    author_date=datetime(2025, 3, 7, 15, 1, 9, tzinfo=tz(1)),
    style="send-email", stamp="20250307161549.1873770", git_version="2.47.2",
    to=["kvm@vger.kernel.org", "kvm-riscv@lists.infradead.org"],
    cc=["=?UTF-8?q?Cl=C3=A9ment=20L=C3=A9ger?= <cleger@rivosinc.com>",
        "Andrew Jones <ajones@ventanamicro.com>", "Anup Patel <apatel@ventanamicro.com>",
        "Atish Patra <atishp@rivosinc.com>"],
    cover={"subject": "riscv: add SBI SSE extension tests", "blurb": text("sse_0")},
    patches=_sse_patches(), orderfile=KUT_ORDER, abbrev=7,
)

# Two patch mails from Andrew Jones, sent without a cover letter: 2/2 answers 1/2.
S_DREW = Series(
    key="sbi-impid", project="kvm-unit-tests",
    title="riscv: sbi: Add sbi_get_imp_id() and sbi_get_imp_version()",
    sender=DREW, committer=DREW, prefix="kvm-unit-tests PATCH", version=None,
    first_date=datetime(2025, 3, 7, 18, 32, 17, tzinfo=tz(1)),
    author_date=datetime(2025, 3, 7, 18, 1, 40, tzinfo=tz(1)),
    style="send-email", stamp="20250307173218.169021", git_version="2.48.1",
    to=["kvm@vger.kernel.org", "kvm-riscv@lists.infradead.org"],
    cc=["atishp@rivosinc.com", "cleger@rivosinc.com", "jamestiotio@gmail.com"],
    patches=[
        Patch("riscv: sbi: Add sbi_get_imp_id() and sbi_get_imp_version()", DREW,
              "Tests may want to know which SBI implementation they run on, e.g. to\n"
              "skip checks for behaviour an implementation is known to lack.  Add\n"
              "helpers for the two base extension functions that tell.\n\n" + sob(DREW), [
                  ks("lib/riscv/asm/sbi.h", "long sbi_probe(int ext);\n",
                     "long sbi_probe(int ext);\nlong sbi_get_imp_id(void);\nlong sbi_get_imp_version(void);\n"),
                  ks("lib/riscv/sbi.c", "long sbi_probe(int ext)\n",
                     "long sbi_get_imp_id(void)\n{\n"
                     "        struct sbiret ret = sbi_ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0, 0, 0);\n\n"
                     "        assert(!ret.error);\n        return ret.value;\n}\n\n"
                     "long sbi_get_imp_version(void)\n{\n"
                     "        struct sbiret ret = sbi_ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_VERSION, 0, 0, 0, 0, 0, 0);\n\n"
                     "        assert(!ret.error);\n        return ret.value;\n}\n\n"
                     "long sbi_probe(int ext)\n"),
              ]),
        Patch("riscv: sbi: Report the implementation ID and version", DREW,
              "Print which SBI implementation the tests run on: it makes bug reports\n"
              "easier to triage.\n\n" + sob(DREW), [
                  ks("riscv/sbi.c", "        report_prefix_push(\"base\");\n\n",
                     "        report_prefix_push(\"base\");\n\n"
                     "        report_info(\"SBI implementation ID %ld, version %#lx\",\n"
                     "                    sbi_get_imp_id(), sbi_get_imp_version());\n\n"),
              ]),
    ],
)
