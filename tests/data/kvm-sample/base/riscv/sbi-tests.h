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

#define sbiret_report(ret, expected_error, expected_value, fmt, ...) ({                \
	long ex_err = expected_error;                                                \
	long ex_val = expected_value;                                                \
	bool ch_err = (ret)->error == ex_err;                                        \
	bool ch_val = (ret)->value == ex_val;                                        \
	bool pass;                                                                \
										\
	report(pass = ch_err && ch_val, fmt, ##__VA_ARGS__);                        \
	pass;                                                                        \
})

void sbi_bad_fid(int ext);

#endif /* __ASSEMBLER__ */
#endif /* _RISCV_SBI_TESTS_H_ */
