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
