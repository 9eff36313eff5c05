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
