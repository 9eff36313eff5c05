"""Linux series: TDX vcpu enter/exit v3, the xsave [PATCH], CET v3, tun RSS v9,
vfio/pci dma-buf v3, SEV/SNP init v6."""

from __future__ import annotations

from datetime import datetime

from content import (
    ADRIAN,
    AKIHIKO,
    ASHISH,
    ASHISH_SENDER,
    BINBIN,
    CHAO,
    FILES,
    ISAKU,
    KAI,
    PAOLO,
    SEAN,
    VIVEK,
    YANG,
    K,
    Patch,
    Series,
    sob,
    text,
    tz,
)


def ks(path: str, old: str, new: str) -> tuple:
    """A substitution in a kernel file, written with 8-space indents."""
    return ("sub", path, K(old), K(new))


def kadd_after(path: str, anchor: str, added: str) -> tuple:
    return ("sub", path, K(anchor), K(anchor + added))


def knew(path: str, content: str) -> tuple:
    return ("new", path, K(content))


ET = tz(-5)

# =====================================================================================
# KVM: TDX: TD vcpu enter/exit (v3 00/10, plus an extra 11/10)
# =====================================================================================

FILES["arch/x86/include/asm/tdx.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2021-2022 Intel Corporation */
#ifndef _ASM_X86_TDX_H
#define _ASM_X86_TDX_H

#include <linux/init.h>
#include <linux/bits.h>
#include <linux/mmzone.h>

#include <asm/errno.h>
#include <asm/ptrace.h>
#include <asm/trapnr.h>
#include <asm/shared/tdx.h>

#ifndef __ASSEMBLY__

#ifdef CONFIG_INTEL_TDX_HOST
u64 __seamcall(u64 fn, struct tdx_module_args *args);
u64 __seamcall_ret(u64 fn, struct tdx_module_args *args);
u64 __seamcall_saved_ret(u64 fn, struct tdx_module_args *args);
void tdx_init(void);

int tdx_cpu_enable(void);
int tdx_enable(void);
const char *tdx_dump_mce_info(struct mce *m);
const struct tdx_sys_info *tdx_get_sysinfo(void);

struct tdx_td {
        /* TD root structure: */
        struct page *tdr_page;

        int tdcs_nr_pages;
        /* TD control structure: */
        struct page **tdcs_pages;
};

struct tdx_vp {
        /* TDVP root page */
        struct page *tdvpr_page;

        /* TD vCPU control structure: */
        struct page **tdcx_pages;
};

u64 tdh_mng_addcx(struct tdx_td *td, struct page *tdcs_page);
u64 tdh_vp_addcx(struct tdx_vp *vp, struct page *tdcx_page);
u64 tdh_vp_create(struct tdx_td *td, struct tdx_vp *vp);
u64 tdh_vp_flush(struct tdx_vp *vp);
u64 tdh_vp_rd(struct tdx_vp *vp, u64 field, u64 *data);
u64 tdh_vp_wr(struct tdx_vp *vp, u64 field, u64 data, u64 mask);
#else
static inline void tdx_init(void) { }
static inline int tdx_cpu_enable(void) { return -ENODEV; }
static inline int tdx_enable(void)  { return -ENODEV; }
#endif        /* CONFIG_INTEL_TDX_HOST */

#endif /* !__ASSEMBLY__ */
#endif /* _ASM_X86_TDX_H */
""")

FILES["arch/x86/virt/vmx/tdx/seamcall.S"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#include <linux/linkage.h>
#include <asm/frame.h>

#include "tdxcall.S"

/*
 * __seamcall() - Host-side interface functions to SEAM software
 * (the P-SEAMLDR or the TDX module).
 *
 * __seamcall() function ABI:
 *
 * @fn   (RDI)  - SEAMCALL Leaf number, moved to RAX
 * @args (RSI)  - struct tdx_module_args for input
 *
 * Only RCX/RDX/R8-R11 are used as input registers.
 *
 * Return (via RAX) TDX_SEAMCALL_VMFAILINVALID if the SEAMCALL itself
 * fails, or the completion status of the SEAMCALL leaf function.
 */
SYM_FUNC_START(__seamcall)
        TDX_MODULE_CALL host=1
SYM_FUNC_END(__seamcall)
EXPORT_SYMBOL_GPL(__seamcall);

/*
 * __seamcall_ret() - Host-side interface functions to SEAM software
 * (the P-SEAMLDR or the TDX module), with saving output registers to
 * the 'struct tdx_module_args' used as input.
 *
 * Same ABI as __seamcall(), except that only RCX/RDX/R8-R11 are used
 * as output registers.
 */
SYM_FUNC_START(__seamcall_ret)
        TDX_MODULE_CALL host=1 ret=1
SYM_FUNC_END(__seamcall_ret)
EXPORT_SYMBOL_GPL(__seamcall_ret);

/*
 * __seamcall_saved_ret() - Host-side interface functions to SEAM software
 * (the P-SEAMLDR or the TDX module), with saving output registers to the
 * 'struct tdx_module_args' used as input.
 *
 * All registers in @args are used as input/output registers.
 */
SYM_FUNC_START(__seamcall_saved_ret)
        TDX_MODULE_CALL host=1 ret=1 saved=1
SYM_FUNC_END(__seamcall_saved_ret)
EXPORT_SYMBOL_GPL(__seamcall_saved_ret);
""")

FILES["arch/x86/virt/vmx/tdx/tdx.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _X86_VIRT_TDX_H
#define _X86_VIRT_TDX_H

#include <linux/bits.h>
#include "tdx_global_metadata.h"

/*
 * This file contains both macros and data structures defined by the TDX
 * architecture and Linux defined software data structures and functions.
 * The two should not be mixed together for better readability.  The
 * architectural definitions come first.
 */

/*
 * TDX module SEAMCALL leaf functions
 */
#define TDH_MNG_ADDCX                   1
#define TDH_MEM_PAGE_ADD                2
#define TDH_MEM_SEPT_ADD                3
#define TDH_VP_ADDCX                    4
#define TDH_MEM_PAGE_RELOCATE           5
#define TDH_MEM_PAGE_AUG                6
#define TDH_MEM_RANGE_BLOCK             7
#define TDH_MNG_KEY_CONFIG              8
#define TDH_MNG_CREATE                  9
#define TDH_MNG_RD                      11
#define TDH_MR_EXTEND                   16
#define TDH_MR_FINALIZE                 17
#define TDH_VP_FLUSH                    18
#define TDH_VP_CREATE                   10
#define TDH_VP_RD                       26
#define TDH_VP_WR                       43

#endif
""")

FILES["arch/x86/virt/vmx/tdx/tdx.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright(c) 2023 Intel Corporation.
 *
 * Intel Trusted Domain Extensions (TDX) support
 */

#define pr_fmt(fmt)        "virt/tdx: " fmt

#include <linux/types.h>
#include <linux/cache.h>
#include <linux/init.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <asm/page.h>
#include <asm/special_insns.h>
#include <asm/msr-index.h>
#include <asm/msr.h>
#include <asm/cpufeature.h>
#include <asm/tdx.h>
#include "tdx.h"

static inline u64 tdx_tdvpr_pa(struct tdx_vp *td)
{
        return page_to_phys(td->tdvpr_page);
}

u64 tdh_vp_addcx(struct tdx_vp *vp, struct page *tdcx_page)
{
        struct tdx_module_args args = {
                .rcx = page_to_phys(tdcx_page),
                .rdx = tdx_tdvpr_pa(vp),
        };

        tdx_clflush_page(tdcx_page);
        return seamcall(TDH_VP_ADDCX, &args);
}
EXPORT_SYMBOL_GPL(tdh_vp_addcx);

u64 tdh_vp_flush(struct tdx_vp *vp)
{
        struct tdx_module_args args = {
                .rcx = tdx_tdvpr_pa(vp),
        };

        return seamcall(TDH_VP_FLUSH, &args);
}
EXPORT_SYMBOL_GPL(tdh_vp_flush);
""")

FILES["arch/x86/include/asm/kvm_host.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-based Virtual Machine driver for Linux
 *
 * This header defines architecture specific interfaces, x86 version
 */

#ifndef _ASM_X86_KVM_HOST_H
#define _ASM_X86_KVM_HOST_H

#include <linux/types.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <linux/kvm_types.h>

#include <asm/apic.h>
#include <asm/pvclock-abi.h>
#include <asm/desc.h>
#include <asm/mtrr.h>
#include <asm/msr-index.h>
#include <asm/asm.h>

enum {
        KVM_DEBUGREG_BP_ENABLED = BIT(0),
        KVM_DEBUGREG_WONT_EXIT = BIT(1),
};

struct kvm_vcpu_arch {
        /*
         * rip and regs accesses must go through
         * kvm_{register,rip}_{read,write} functions.
         */
        unsigned long regs[NR_VCPU_REGS];
        u32 regs_avail;
        u32 regs_dirty;

        unsigned long cr0;
        unsigned long cr0_guest_owned_bits;
        unsigned long cr2;
        unsigned long cr3;
        unsigned long cr4;
        unsigned long cr4_guest_owned_bits;
        unsigned long cr4_guest_rsvd_bits;
        unsigned long cr8;
        u32 host_pkru;
        u32 pkru;
        u32 hflags;
        u64 efer;
        u64 host_debugctl;
        u64 xcr0;
        u64 guest_supported_xcr0;
        u64 ia32_xss;

        unsigned long db[KVM_NR_DB_REGS];
        unsigned long dr6;
        unsigned long dr7;
        unsigned long eff_db[KVM_NR_DB_REGS];
        unsigned long guest_debug_dr7;
        int switch_db_regs;

        bool guest_state_protected;
};

void kvm_define_user_return_msr(unsigned index, u32 msr);
int kvm_find_user_return_msr(u32 msr);
int kvm_set_user_return_msr(unsigned index, u64 val, u64 mask);

#endif /* _ASM_X86_KVM_HOST_H */
""")

FILES["arch/x86/kvm/x86.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-based Virtual Machine driver for Linux
 *
 * derived from drivers/kvm/kvm_main.c
 *
 * Copyright (C) 2006 Qumranet, Inc.
 * Copyright (C) 2008 Qumranet, Inc.
 * Copyright IBM Corporation, 2008
 * Copyright 2010 Red Hat, Inc. and/or its affiliates.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include "irq.h"
#include "ioapic.h"
#include "mmu.h"
#include "i8254.h"
#include "tss.h"
#include "kvm_cache_regs.h"
#include "kvm_emulate.h"
#include "mmu/page_track.h"
#include "x86.h"
#include "cpuid.h"
#include "pmu.h"
#include "hyperv.h"
#include "lapic.h"
#include "xen.h"
#include "smm.h"

static void kvm_user_return_register_notifier(struct kvm_user_return_msrs *msrs)
{
        if (!msrs->registered) {
                msrs->urn.on_user_return = kvm_on_user_return;
                user_return_notifier_register(&msrs->urn);
                msrs->registered = true;
        }
}

int kvm_set_user_return_msr(unsigned slot, u64 value, u64 mask)
{
        struct kvm_user_return_msrs *msrs = this_cpu_ptr(user_return_msrs);
        int err;

        value = (value & mask) | (msrs->values[slot].host & ~mask);
        if (value == msrs->values[slot].curr)
                return 0;
        err = wrmsrl_safe(kvm_uret_msrs_list[slot], value);
        if (err)
                return 1;

        msrs->values[slot].curr = value;
        kvm_user_return_register_notifier(msrs);
        return 0;
}
EXPORT_SYMBOL_GPL(kvm_set_user_return_msr);

static void drop_user_return_notifiers(void)
{
        struct kvm_user_return_msrs *msrs = this_cpu_ptr(user_return_msrs);

        if (msrs->registered)
                kvm_on_user_return(&msrs->urn);
}

void kvm_load_guest_xsave_state(struct kvm_vcpu *vcpu)
{
        if (vcpu->arch.guest_state_protected)
                return;

        if (kvm_is_cr4_bit_set(vcpu, X86_CR4_OSXSAVE)) {

                if (vcpu->arch.xcr0 != kvm_host.xcr0)
                        xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->arch.xcr0);

                if (guest_can_use(vcpu, X86_FEATURE_XSAVES) &&
                    vcpu->arch.ia32_xss != kvm_host.xss)
                        wrmsrl(MSR_IA32_XSS, vcpu->arch.ia32_xss);
        }

        if (cpu_feature_enabled(X86_FEATURE_PKU) &&
            vcpu->arch.pkru != vcpu->arch.host_pkru &&
            ((vcpu->arch.xcr0 & XFEATURE_MASK_PKRU) ||
             kvm_is_cr4_bit_set(vcpu, X86_CR4_PKE)))
                write_pkru(vcpu->arch.pkru);
}
EXPORT_SYMBOL_GPL(kvm_load_guest_xsave_state);

void kvm_load_host_xsave_state(struct kvm_vcpu *vcpu)
{
        if (vcpu->arch.guest_state_protected)
                return;

        if (cpu_feature_enabled(X86_FEATURE_PKU) &&
            ((vcpu->arch.xcr0 & XFEATURE_MASK_PKRU) ||
             kvm_is_cr4_bit_set(vcpu, X86_CR4_PKE))) {
                vcpu->arch.pkru = rdpkru();
                if (vcpu->arch.pkru != vcpu->arch.host_pkru)
                        write_pkru(vcpu->arch.host_pkru);
        }

        if (kvm_is_cr4_bit_set(vcpu, X86_CR4_OSXSAVE)) {

                if (vcpu->arch.xcr0 != kvm_host.xcr0)
                        xsetbv(XCR_XFEATURE_ENABLED_MASK, kvm_host.xcr0);

                if (guest_can_use(vcpu, X86_FEATURE_XSAVES) &&
                    vcpu->arch.ia32_xss != kvm_host.xss)
                        wrmsrl(MSR_IA32_XSS, kvm_host.xss);
        }

}
EXPORT_SYMBOL_GPL(kvm_load_host_xsave_state);

static int vcpu_enter_guest(struct kvm_vcpu *vcpu)
{
        int r;

        if (unlikely(vcpu->arch.switch_db_regs)) {
                set_debugreg(0, 7);
                set_debugreg(vcpu->arch.eff_db[0], 0);
                set_debugreg(vcpu->arch.eff_db[1], 1);
                set_debugreg(vcpu->arch.eff_db[2], 2);
                set_debugreg(vcpu->arch.eff_db[3], 3);
        } else if (unlikely(hw_breakpoint_active())) {
                set_debugreg(0, 7);
        }

        r = kvm_x86_call(vcpu_run)(vcpu, req_immediate_exit);

        /*
         * Do this here before restoring debug registers on the host.  And
         * since we do this before handling the vmexit, a DR access vmexit
         * can (a) read the correct value of the debug registers, (b) set
         * KVM_DEBUGREG_WONT_EXIT again.
         */
        if (unlikely(vcpu->arch.switch_db_regs & KVM_DEBUGREG_WONT_EXIT)) {
                WARN_ON(vcpu->guest_debug & KVM_GUESTDBG_USE_HW_BP);
                kvm_x86_call(sync_dirty_debug_regs)(vcpu);
                kvm_update_dr0123(vcpu);
                kvm_update_dr7(vcpu);
        }

        /*
         * If the guest has used debug registers, at least dr7
         * will be disabled while returning to the host.
         * If we don't have active breakpoints in the host, we don't
         * care about the messed up debug address registers. But if
         * we have some of them active, restore the old state.
         */
        if (hw_breakpoint_active())
                hw_breakpoint_restore();

        return r;
}
""")

FILES["arch/x86/kvm/vmx/common.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __KVM_X86_VMX_COMMON_H
#define __KVM_X86_VMX_COMMON_H

#include <linux/kvm_host.h>
#include <asm/posted_intr.h>

#include "mmu.h"

static inline bool vt_is_tdx_private_gpa(struct kvm *kvm, gpa_t gpa)
{
        /* For TDX the direct mask is the shared mask. */
        return !kvm_is_addr_direct(kvm, gpa);
}

static inline int __vmx_handle_ept_violation(struct kvm_vcpu *vcpu, gpa_t gpa,
                                             unsigned long exit_qualification)
{
        u64 error_code;

        /* Is it a read fault? */
        error_code = (exit_qualification & EPT_VIOLATION_ACC_READ)
                     ? PFERR_USER_MASK : 0;
        /* Is it a write fault? */
        error_code |= (exit_qualification & EPT_VIOLATION_ACC_WRITE)
                      ? PFERR_WRITE_MASK : 0;
        /* Is it a fetch fault? */
        error_code |= (exit_qualification & EPT_VIOLATION_ACC_INSTR)
                      ? PFERR_FETCH_MASK : 0;

        if (vt_is_tdx_private_gpa(vcpu->kvm, gpa))
                error_code |= PFERR_PRIVATE_ACCESS;

        return kvm_mmu_page_fault(vcpu, gpa, error_code, NULL, 0);
}

#endif /* __KVM_X86_VMX_COMMON_H */
""")

FILES["arch/x86/kvm/vmx/vmx.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __KVM_X86_VMX_H
#define __KVM_X86_VMX_H

#include <linux/kvm_host.h>

#include <asm/kvm.h>
#include <asm/intel_pt.h>
#include <asm/perf_event.h>
#include <asm/posted_intr.h>

#include "capabilities.h"
#include "../kvm_cache_regs.h"
#include "vmcs.h"
#include "vmx_ops.h"
#include "../cpuid.h"
#include "run_flags.h"
#include "../mmu.h"

struct vcpu_vmx {
        struct kvm_vcpu       vcpu;
        u8                    fail;
        u8                    x2apic_msr_bitmap_mode;

        /*
         * If true, host state has been stored in vmx->loaded_vmcs for
         * the CPU registers that only need to be switched when transitioning
         * to/from the kernel, and the registers have been loaded with guest
         * values.  If false, host state is loaded in the CPU registers
         * and vmx->loaded_vmcs->host_state is invalid.
         */
        bool                  guest_state_loaded;

        unsigned long         exit_qualification;
        u32                   exit_intr_info;
        u32                   idt_vectoring_info;
        ulong                 rflags;

        union vmx_exit_reason exit_reason;

        /* Posted interrupt descriptor */
        struct pi_desc pi_desc;

        /* Used if this vCPU is waiting for PI notification wakeup. */
        struct list_head pi_wakeup_list;

#ifdef CONFIG_X86_64
        u64                   msr_host_kernel_gs_base;
        u64                   msr_guest_kernel_gs_base;
#endif

        bool                  emulation_required;
        struct loaded_vmcs    vmcs01;
        struct loaded_vmcs   *loaded_vmcs;
};

static __always_inline struct vcpu_vmx *to_vmx(struct kvm_vcpu *vcpu)
{
        return container_of(vcpu, struct vcpu_vmx, vcpu);
}

static inline struct pi_desc *vcpu_to_pi_desc(struct kvm_vcpu *vcpu)
{
        return &(to_vmx(vcpu)->pi_desc);
}

static __always_inline unsigned long vmx_get_exit_qual(struct kvm_vcpu *vcpu)
{
        struct vcpu_vmx *vmx = to_vmx(vcpu);

        if (!kvm_register_test_and_mark_available(vcpu, VCPU_EXREG_EXIT_INFO_1))
                vmx->exit_qualification = vmcs_readl(EXIT_QUALIFICATION);

        return vmx->exit_qualification;
}

#endif /* __KVM_X86_VMX_H */
""")

FILES["arch/x86/kvm/vmx/vmx.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-based Virtual Machine driver for Linux
 *
 * This module enables machines with Intel VT-x extensions to run virtual
 * machines without emulation or binary translation.
 *
 * Copyright (C) 2006 Qumranet, Inc.
 * Copyright 2010 Red Hat, Inc. and/or its affiliates.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kvm_host.h>
#include <linux/module.h>

#include "capabilities.h"
#include "common.h"
#include "vmx.h"
#include "x86.h"
#include "x86_ops.h"

void vmx_prepare_switch_to_guest(struct kvm_vcpu *vcpu)
{
        struct vcpu_vmx *vmx = to_vmx(vcpu);

        if (vmx->guest_state_loaded)
                return;

#ifdef CONFIG_X86_64
        rdmsrl(MSR_KERNEL_GS_BASE, vmx->msr_host_kernel_gs_base);
#endif
        vmx->guest_state_loaded = true;
}

static void vmx_prepare_switch_to_host(struct vcpu_vmx *vmx)
{
        if (!vmx->guest_state_loaded)
                return;

#ifdef CONFIG_X86_64
        wrmsrl(MSR_KERNEL_GS_BASE, vmx->msr_host_kernel_gs_base);
#endif
        vmx->guest_state_loaded = false;
}

static int __vmx_handle_exit(struct kvm_vcpu *vcpu, fastpath_t exit_fastpath)
{
        struct vcpu_vmx *vmx = to_vmx(vcpu);
        union vmx_exit_reason exit_reason = vmx->exit_reason;
        u32 vectoring_info = vmx->idt_vectoring_info;

        if (is_guest_mode(vcpu) && nested_vmx_reflect_vmexit(vcpu))
                return 1;

        if (vmx->emulation_required)
                return handle_invalid_guest_state(vcpu);

        if (exit_reason.failed_vmentry) {
                dump_vmcs(vcpu);
                vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
                vcpu->run->fail_entry.hardware_entry_failure_reason
                        = exit_reason.full;
                vcpu->run->fail_entry.cpu = vcpu->arch.last_vmentry_cpu;
                return 0;
        }

        return kvm_vmx_exit_handlers[exit_reason.basic](vcpu);
}
""")

FILES["arch/x86/kvm/vmx/nested.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0

#include <linux/objtool.h>
#include <linux/percpu.h>

#include <asm/debugreg.h>
#include <asm/mmu_context.h>

#include "x86.h"
#include "cpuid.h"
#include "hyperv.h"
#include "mmu.h"
#include "nested.h"
#include "pmu.h"
#include "posted_intr.h"
#include "sgx.h"
#include "trace.h"
#include "vmx.h"
#include "smm.h"

/*
 * Return true if L0 wants to handle an exit from L2 regardless of whether or not
 * L1 wants the exit.  Only call this when in is_guest_mode (L2).
 */
bool nested_vmx_reflect_vmexit(struct kvm_vcpu *vcpu)
{
        struct vcpu_vmx *vmx = to_vmx(vcpu);
        union vmx_exit_reason exit_reason = vmx->exit_reason;
        unsigned long exit_qual;
        u32 exit_intr_info;

        WARN_ON_ONCE(vmx->nested.nested_run_pending);

        /*
         * Late nested VM-Fail shares the same flow as nested VM-Exit since KVM
         * has already loaded L2's state.
         */
        if (unlikely(vmx->fail)) {
                trace_kvm_nested_vmenter_failed(
                        "hardware VM-instruction error: ",
                        vmcs_read32(VM_INSTRUCTION_ERROR));
                exit_intr_info = 0;
                exit_qual = 0;
                goto reflect_vmexit;
        }

        trace_kvm_nested_vmexit(vcpu, KVM_ISA_VMX);

        /* If L0 (KVM) wants the exit, it trumps L1's desires. */
        if (nested_vmx_l0_wants_exit(vcpu, vmx->exit_reason))
                return false;

        exit_intr_info = vmx_get_intr_info(vcpu);
        exit_qual = vmx_get_exit_qual(vcpu);

reflect_vmexit:
        nested_vmx_vmexit(vcpu, exit_reason.full, exit_intr_info, exit_qual);
        return true;
}
""")

FILES["arch/x86/kvm/vmx/posted_intr.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/kvm_host.h>

#include <asm/irq_remapping.h>
#include <asm/cpu.h>

#include "lapic.h"
#include "irq.h"
#include "posted_intr.h"
#include "trace.h"
#include "vmx.h"

/*
 * Maintain a per-CPU list of vCPUs that need to be awakened by wakeup_handler()
 * when a WAKEUP_VECTOR interrupted is posted.  vCPUs are added to the list when
 * the vCPU is scheduled out and is blocking (e.g. in HLT) with IRQs enabled.
 * The vCPUs posted interrupt descriptor is updated at the same time to set its
 * notification vector to WAKEUP_VECTOR, so that posted interrupt from devices
 * wake the target vCPUs.  vCPUs are removed from the list and the notification
 * vector is reset when the vCPU is scheduled in.
 */
static DEFINE_PER_CPU(struct list_head, wakeup_vcpus_on_cpu);

static inline struct pi_desc *vcpu_to_pi_desc(struct kvm_vcpu *vcpu)
{
        return &(to_vmx(vcpu)->pi_desc);
}

static void pi_enable_wakeup_handler(struct kvm_vcpu *vcpu)
{
        struct pi_desc *pi_desc = vcpu_to_pi_desc(vcpu);
        struct vcpu_vmx *vmx = to_vmx(vcpu);
        struct pi_desc old, new;
        unsigned long flags;

        local_irq_save(flags);

        raw_spin_lock(&per_cpu(wakeup_vcpus_on_cpu_lock, vcpu->cpu));
        list_add_tail(&vmx->pi_wakeup_list,
                      &per_cpu(wakeup_vcpus_on_cpu, vcpu->cpu));
        raw_spin_unlock(&per_cpu(wakeup_vcpus_on_cpu_lock, vcpu->cpu));

        WARN(pi_desc->sn, "PI descriptor SN field set before blocking");

        local_irq_restore(flags);
}
""")

FILES["arch/x86/kvm/vmx/tdx.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __KVM_X86_VMX_TDX_H
#define __KVM_X86_VMX_TDX_H

#include "tdx_arch.h"
#include "tdx_errno.h"

#ifdef CONFIG_KVM_INTEL_TDX
#include "common.h"

int tdx_bringup(void);
void tdx_cleanup(void);

extern bool enable_tdx;

/* TDX module hardware states. These follow the TDX module OP_STATEs. */
enum kvm_tdx_state {
        TD_STATE_UNINITIALIZED = 0,
        TD_STATE_INITIALIZED,
        TD_STATE_RUNNABLE,
};

struct kvm_tdx {
        struct kvm kvm;

        struct misc_cg *misc_cg;
        int hkid;
        enum kvm_tdx_state state;

        u64 attributes;
        u64 xfam;

        u64 tsc_offset;
        u64 tsc_multiplier;

        struct tdx_td td;
};

/* TDX module vCPU states */
enum vcpu_tdx_state {
        VCPU_TD_STATE_UNINITIALIZED = 0,
        VCPU_TD_STATE_INITIALIZED,
};

struct vcpu_tdx {
        struct kvm_vcpu vcpu;

        struct tdx_vp vp;

        struct list_head cpu_list;

        enum vcpu_tdx_state state;
};

void tdh_vp_rd_failed(struct vcpu_tdx *tdx, char *uclass, u32 field, u64 err);
void tdh_vp_wr_failed(struct vcpu_tdx *tdx, char *uclass, char *op, u32 field,
                      u64 val, u64 err);

#endif /* CONFIG_KVM_INTEL_TDX */

#endif
""")

FILES["arch/x86/kvm/vmx/tdx.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0
#include <linux/cleanup.h>
#include <linux/cpu.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <linux/misc_cgroup.h>
#include <linux/mmu_context.h>
#include <asm/tdx.h>
#include "capabilities.h"
#include "mmu.h"
#include "x86_ops.h"
#include "lapic.h"
#include "tdx.h"
#include "vmx.h"
#include "mmu/spte.h"
#include "common.h"

#pragma GCC poison to_vmx

#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

bool enable_tdx __ro_after_init;
module_param_named(tdx, enable_tdx, bool, 0444);

static const struct tdx_sys_info *tdx_sysinfo;

static __always_inline struct kvm_tdx *to_kvm_tdx(struct kvm *kvm)
{
        return container_of(kvm, struct kvm_tdx, kvm);
}

static __always_inline struct vcpu_tdx *to_tdx(struct kvm_vcpu *vcpu)
{
        return container_of(vcpu, struct vcpu_tdx, vcpu);
}

int tdx_vcpu_create(struct kvm_vcpu *vcpu)
{
        struct kvm_tdx *kvm_tdx = to_kvm_tdx(vcpu->kvm);
        struct vcpu_tdx *tdx = to_tdx(vcpu);

        if (kvm_tdx->state != TD_STATE_INITIALIZED)
                return -EIO;

        /* TDX only supports x2APIC, which requires an in-kernel local APIC. */
        if (!vcpu->arch.apic)
                return -EINVAL;

        fpstate_set_confidential(&vcpu->arch.guest_fpu);
        vcpu->arch.apic->guest_apic_protected = true;
        INIT_LIST_HEAD(&tdx->cpu_list);

        vcpu->arch.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;

        vcpu->arch.cr0_guest_owned_bits = -1ul;
        vcpu->arch.cr4_guest_owned_bits = -1ul;

        /* KVM can't change TSC offset/multiplier as TDX module manages them. */
        vcpu->arch.guest_tsc_protected = true;
        vcpu->arch.tsc_offset = kvm_tdx->tsc_offset;
        vcpu->arch.l1_tsc_offset = vcpu->arch.tsc_offset;
        vcpu->arch.tsc_scaling_ratio = kvm_tdx->tsc_multiplier;
        vcpu->arch.l1_tsc_scaling_ratio = kvm_tdx->tsc_multiplier;

        vcpu->arch.guest_state_protected =
                !(to_kvm_tdx(vcpu->kvm)->attributes & TDX_TD_ATTR_DEBUG);

        tdx->state = VCPU_TD_STATE_UNINITIALIZED;

        return 0;
}

void tdx_vcpu_load(struct kvm_vcpu *vcpu, int cpu)
{
        struct vcpu_tdx *tdx = to_tdx(vcpu);

        if (vcpu->cpu == cpu || !is_hkid_assigned(to_kvm_tdx(vcpu->kvm)))
                return;

        local_irq_disable();
        /*
         * Pairs with the smp_wmb() in tdx_disassociate_vp() to ensure
         * vcpu->cpu is read before tdx->cpu_list.
         */
        smp_rmb();

        list_add(&tdx->cpu_list, &per_cpu(associated_tdvcpus, cpu));
        local_irq_enable();
}

static int tdx_vcpu_init(struct kvm_vcpu *vcpu, struct kvm_tdx_cmd *cmd)
{
        u64 apic_base;
        struct vcpu_tdx *tdx = to_tdx(vcpu);
        int ret;

        if (cmd->flags)
                return -EINVAL;

        if (tdx->state != VCPU_TD_STATE_UNINITIALIZED)
                return -EINVAL;

        /*
         * TDX requires X2APIC, userspace is responsible for configuring guest
         * CPUID accordingly.
         */
        apic_base = APIC_DEFAULT_PHYS_BASE | LAPIC_MODE_X2APIC |
                (kvm_vcpu_is_reset_bsp(vcpu) ? MSR_IA32_APICBASE_BSP : 0);
        if (kvm_apic_set_base(vcpu, apic_base, true))
                return -EINVAL;

        ret = tdx_td_vcpu_init(vcpu, (u64)cmd->data);
        if (ret)
                return ret;

        tdx->state = VCPU_TD_STATE_INITIALIZED;

        return 0;
}
""")

FILES["arch/x86/kvm/vmx/main.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0
#include <linux/moduleparam.h>

#include "x86_ops.h"
#include "vmx.h"
#include "mmu.h"
#include "nested.h"
#include "pmu.h"
#include "posted_intr.h"
#include "tdx.h"
#include "tdx_arch.h"

static void vt_vcpu_load(struct kvm_vcpu *vcpu, int cpu)
{
        if (is_td_vcpu(vcpu)) {
                tdx_vcpu_load(vcpu, cpu);
                return;
        }

        vmx_vcpu_load(vcpu, cpu);
}

static void vt_flush_tlb_all(struct kvm_vcpu *vcpu)
{
        if (is_td_vcpu(vcpu)) {
                tdx_flush_tlb_all(vcpu);
                return;
        }

        vmx_flush_tlb_all(vcpu);
}

struct kvm_x86_ops vt_x86_ops __initdata = {
        .name = KBUILD_MODNAME,

        .vcpu_precreate = vt_vcpu_precreate,
        .vcpu_create = vt_vcpu_create,
        .vcpu_free = vt_vcpu_free,
        .vcpu_reset = vt_vcpu_reset,

        .prepare_switch_to_guest = vmx_prepare_switch_to_guest,
        .vcpu_load = vt_vcpu_load,
        .vcpu_put = vmx_vcpu_put,

        .flush_tlb_all = vt_flush_tlb_all,

        .vcpu_pre_run = vmx_vcpu_pre_run,
        .vcpu_run = vmx_vcpu_run,
        .handle_exit = vmx_handle_exit,
};
""")

FILES["arch/x86/kvm/vmx/x86_ops.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __KVM_X86_VMX_X86_OPS_H
#define __KVM_X86_VMX_X86_OPS_H

#include <linux/kvm_host.h>

#include "x86.h"

__init int vmx_hardware_setup(void);

extern struct kvm_x86_ops vt_x86_ops __initdata;
extern struct kvm_x86_init_ops vt_init_ops __initdata;

void vmx_hardware_unsetup(void);
int vmx_check_processor_compat(void);
int vmx_enable_virtualization_cpu(void);
void vmx_disable_virtualization_cpu(void);
void vmx_emergency_disable_virtualization_cpu(void);

#ifdef CONFIG_KVM_INTEL_TDX
void tdx_disable_virtualization_cpu(void);
int tdx_vm_init(struct kvm *kvm);
void tdx_mmu_release_hkid(struct kvm *kvm);
void tdx_vm_destroy(struct kvm *kvm);
int tdx_vm_ioctl(struct kvm *kvm, void __user *argp);

int tdx_vcpu_create(struct kvm_vcpu *vcpu);
void tdx_vcpu_free(struct kvm_vcpu *vcpu);
void tdx_vcpu_load(struct kvm_vcpu *vcpu, int cpu);

int tdx_vcpu_ioctl(struct kvm_vcpu *vcpu, void __user *argp);
#else
static inline void tdx_disable_virtualization_cpu(void) {}
static inline int tdx_vm_init(struct kvm *kvm) { return -EOPNOTSUPP; }
static inline void tdx_mmu_release_hkid(struct kvm *kvm) {}
static inline void tdx_vm_destroy(struct kvm *kvm) {}
static inline int tdx_vm_ioctl(struct kvm *kvm, void __user *argp) { return -EOPNOTSUPP; }

static inline int tdx_vcpu_create(struct kvm_vcpu *vcpu) { return -EOPNOTSUPP; }
static inline void tdx_vcpu_free(struct kvm_vcpu *vcpu) {}
static inline void tdx_vcpu_load(struct kvm_vcpu *vcpu, int cpu) {}

static inline int tdx_vcpu_ioctl(struct kvm_vcpu *vcpu, void __user *argp) { return -EOPNOTSUPP; }
#endif

#endif /* __KVM_X86_VMX_X86_OPS_H */
""")

_TDX_C = "arch/x86/kvm/vmx/tdx.c"
_TDX_H = "arch/x86/kvm/vmx/tdx.h"
_X86OPS = "arch/x86/kvm/vmx/x86_ops.h"
_MAIN = "arch/x86/kvm/vmx/main.c"
_VMX_C = "arch/x86/kvm/vmx/vmx.c"
_VMX_H = "arch/x86/kvm/vmx/vmx.h"
_X86_C = "arch/x86/kvm/x86.c"
_KVM_HOST = "arch/x86/include/asm/kvm_host.h"
_PSOB = sob(PAOLO)
_XL = "Reviewed-by: Xiaoyao Li <xiaoyao.li@intel.com>\n"

_TDX_RUN = """\
static noinstr void tdx_vcpu_enter_exit(struct kvm_vcpu *vcpu)
{
        struct vcpu_tdx *tdx = to_tdx(vcpu);
        struct vcpu_vt *vt = to_vt(vcpu);

        guest_state_enter_irqoff();

        tdx->vp_enter_ret = tdh_vp_enter(&tdx->vp, &tdx->vp_enter_args);

        vt->exit_reason.full = tdx->vp_enter_ret;
        vt->exit_qualification = tdx->vp_enter_args.rcx;

        guest_state_exit_irqoff();
}

fastpath_t tdx_vcpu_run(struct kvm_vcpu *vcpu, bool force_immediate_exit)
{
        struct vcpu_tdx *tdx = to_tdx(vcpu);

        /* TDX exit handle takes care of this error case. */
        if (unlikely(tdx->state != VCPU_TD_STATE_INITIALIZED)) {
                tdx->vp_enter_ret = TDX_SW_ERROR;
                return EXIT_FASTPATH_NONE;
        }

        trace_kvm_entry(vcpu, force_immediate_exit);

        tdx_vcpu_enter_exit(vcpu);

        vcpu->arch.regs_avail &= TDX_REGS_AVAIL_SET;

        trace_kvm_exit(vcpu, KVM_ISA_VMX);

        return EXIT_FASTPATH_NONE;
}

"""


def _tdx_patches() -> list:
    return [
        Patch("x86/virt/tdx: Add SEAMCALL wrapper to enter/exit TDX guest", KAI,
              text("tdx_01"), [
                  kadd_after("arch/x86/include/asm/tdx.h",
                             "u64 tdh_mng_addcx(struct tdx_td *td, struct page *tdcs_page);\n",
                             "u64 tdh_vp_enter(struct tdx_vp *vp, struct tdx_module_args *args);\n"),
                  ks("arch/x86/virt/vmx/tdx/seamcall.S",
                     "SYM_FUNC_START(__seamcall_saved_ret)\n"
                     "        TDX_MODULE_CALL host=1 ret=1 saved=1\n"
                     "SYM_FUNC_END(__seamcall_saved_ret)\n",
                     ".pushsection .noinstr.text, \"ax\"\n"
                     "SYM_FUNC_START(__seamcall_saved_ret)\n"
                     "        TDX_MODULE_CALL host=1 ret=1 saved=1\n"
                     "SYM_FUNC_END(__seamcall_saved_ret)\n.popsection\n\n"),
                  kadd_after("arch/x86/virt/vmx/tdx/tdx.c",
                             "        return page_to_phys(td->tdvpr_page);\n}\n\n",
                             "noinstr u64 tdh_vp_enter(struct tdx_vp *td, struct tdx_module_args *args)\n"
                             "{\n        args->rcx = tdx_tdvpr_pa(td);\n\n"
                             "        return __seamcall_saved_ret(TDH_VP_ENTER, args);\n}\n"
                             "EXPORT_SYMBOL_GPL(tdh_vp_enter);\n\n"),
                  kadd_after("arch/x86/virt/vmx/tdx/tdx.h",
                             " * TDX module SEAMCALL leaf functions\n */\n",
                             "#define TDH_VP_ENTER                    0\n"),
              ]),
        Patch("KVM: VMX: Move common fields of struct vcpu_{vmx,tdx} to a struct", BINBIN,
              "Move common fields of struct vcpu_vmx and struct vcpu_tdx to struct\n"
              "vcpu_vt, to share the code between VMX/TDX as much as possible and to\n"
              "make TDX exit handling more VMX like.\n\n"
              "No functional change intended.\n\n"
              "Suggested-by: Sean Christopherson <seanjc@google.com>\n"
              + sob(BINBIN) + "Co-developed-by: Adrian Hunter <adrian.hunter@intel.com>\n"
              + sob(ADRIAN) + "Message-ID: <20241121201448.36170-3-adrian.hunter@intel.com>\n"
              "[Rebase on top of the cleanup for vcpu_to_pi_desc() and friends. - Paolo]\n"
              + _PSOB, [
                  kadd_after("arch/x86/kvm/vmx/common.h", '#include "mmu.h"\n',
                             "\n/*\n * Common fields of struct vcpu_vmx and struct vcpu_tdx, accessed\n"
                             " * through the embedded struct vcpu_vt.\n */\nstruct vcpu_vt {\n"
                             "        /* Posted interrupt descriptor */\n        struct pi_desc pi_desc;\n\n"
                             "        /* Used if this vCPU is waiting for PI notification wakeup. */\n"
                             "        struct list_head pi_wakeup_list;\n\n"
                             "        union vmx_exit_reason exit_reason;\n\n"
                             "        unsigned long   exit_qualification;\n        u32             exit_intr_info;\n\n"
                             "        /*\n         * If true, guest state has been loaded into hardware, and host state\n"
                             "         * saved into vcpu_{vt,vmx,tdx}.  If false, host state is loaded into\n"
                             "         * hardware.\n         */\n        bool            guest_state_loaded;\n"
                             "        bool            emulation_required;\n\n#ifdef CONFIG_X86_64\n"
                             "        u64             msr_host_kernel_gs_base;\n#endif\n};\n"),
                  ks(_VMX_H, """\
        u8                    x2apic_msr_bitmap_mode;

        /*
         * If true, host state has been stored in vmx->loaded_vmcs for
         * the CPU registers that only need to be switched when transitioning
         * to/from the kernel, and the registers have been loaded with guest
         * values.  If false, host state is loaded in the CPU registers
         * and vmx->loaded_vmcs->host_state is invalid.
         */
        bool                  guest_state_loaded;

        unsigned long         exit_qualification;
        u32                   exit_intr_info;
        u32                   idt_vectoring_info;
        ulong                 rflags;

        union vmx_exit_reason exit_reason;

        /* Posted interrupt descriptor */
        struct pi_desc pi_desc;

        /* Used if this vCPU is waiting for PI notification wakeup. */
        struct list_head pi_wakeup_list;

#ifdef CONFIG_X86_64
        u64                   msr_host_kernel_gs_base;
        u64                   msr_guest_kernel_gs_base;
#endif

        bool                  emulation_required;
""", """\
        struct vcpu_vt        vt;
        u8                    x2apic_msr_bitmap_mode;

        u32                   idt_vectoring_info;
        ulong                 rflags;

#ifdef CONFIG_X86_64
        u64                   msr_guest_kernel_gs_base;
#endif

"""),
                  ks(_VMX_H, "static inline struct pi_desc *vcpu_to_pi_desc(struct kvm_vcpu *vcpu)\n"
                     "{\n        return &(to_vmx(vcpu)->pi_desc);\n}\n",
                     "static __always_inline struct vcpu_vt *to_vt(struct kvm_vcpu *vcpu)\n"
                     "{\n        return &(container_of(vcpu, struct vcpu_vmx, vcpu)->vt);\n}\n\n"
                     "static inline struct pi_desc *vcpu_to_pi_desc(struct kvm_vcpu *vcpu)\n"
                     "{\n        return &to_vt(vcpu)->pi_desc;\n}\n"),
                  ks(_VMX_H, "        struct vcpu_vmx *vmx = to_vmx(vcpu);\n\n"
                     "        if (!kvm_register_test_and_mark_available(vcpu, VCPU_EXREG_EXIT_INFO_1))\n"
                     "                vmx->exit_qualification = vmcs_readl(EXIT_QUALIFICATION);\n\n"
                     "        return vmx->exit_qualification;\n",
                     "        struct vcpu_vt *vt = to_vt(vcpu);\n\n"
                     "        if (!kvm_register_test_and_mark_available(vcpu, VCPU_EXREG_EXIT_INFO_1))\n"
                     "                vt->exit_qualification = vmcs_readl(EXIT_QUALIFICATION);\n\n"
                     "        return vt->exit_qualification;\n"),
                  ks(_VMX_C, "        struct vcpu_vmx *vmx = to_vmx(vcpu);\n\n        if (vmx->guest_state_loaded)\n"
                     "                return;\n\n#ifdef CONFIG_X86_64\n"
                     "        rdmsrl(MSR_KERNEL_GS_BASE, vmx->msr_host_kernel_gs_base);\n#endif\n"
                     "        vmx->guest_state_loaded = true;\n",
                     "        struct vcpu_vt *vt = to_vt(vcpu);\n\n        if (vt->guest_state_loaded)\n"
                     "                return;\n\n#ifdef CONFIG_X86_64\n"
                     "        rdmsrl(MSR_KERNEL_GS_BASE, vt->msr_host_kernel_gs_base);\n#endif\n"
                     "        vt->guest_state_loaded = true;\n"),
                  ks(_VMX_C, "        if (!vmx->guest_state_loaded)\n                return;\n\n#ifdef CONFIG_X86_64\n"
                     "        wrmsrl(MSR_KERNEL_GS_BASE, vmx->msr_host_kernel_gs_base);\n#endif\n"
                     "        vmx->guest_state_loaded = false;\n",
                     "        if (!vmx->vt.guest_state_loaded)\n                return;\n\n#ifdef CONFIG_X86_64\n"
                     "        wrmsrl(MSR_KERNEL_GS_BASE, vmx->vt.msr_host_kernel_gs_base);\n#endif\n"
                     "        vmx->vt.guest_state_loaded = false;\n"),
                  ks(_VMX_C, "        union vmx_exit_reason exit_reason = vmx->exit_reason;\n",
                     "        union vmx_exit_reason exit_reason = vmx->vt.exit_reason;\n"),
                  ks(_VMX_C, "        if (vmx->emulation_required)\n",
                     "        if (vmx->vt.emulation_required)\n"),
                  ks("arch/x86/kvm/vmx/nested.c",
                     "        union vmx_exit_reason exit_reason = vmx->exit_reason;\n",
                     "        union vmx_exit_reason exit_reason = vmx->vt.exit_reason;\n"),
                  ks("arch/x86/kvm/vmx/nested.c",
                     "        if (nested_vmx_l0_wants_exit(vcpu, vmx->exit_reason))\n",
                     "        if (nested_vmx_l0_wants_exit(vcpu, vmx->vt.exit_reason))\n"),
                  ks("arch/x86/kvm/vmx/posted_intr.c",
                     "static inline struct pi_desc *vcpu_to_pi_desc(struct kvm_vcpu *vcpu)\n"
                     "{\n        return &(to_vmx(vcpu)->pi_desc);\n}\n",
                     "static inline struct pi_desc *vcpu_to_pi_desc(struct kvm_vcpu *vcpu)\n"
                     "{\n        return &(to_vt(vcpu)->pi_desc);\n}\n"),
                  ks("arch/x86/kvm/vmx/posted_intr.c",
                     "        struct vcpu_vmx *vmx = to_vmx(vcpu);\n        struct pi_desc old, new;\n",
                     "        struct vcpu_vt *vt = to_vt(vcpu);\n        struct pi_desc old, new;\n"),
                  ks("arch/x86/kvm/vmx/posted_intr.c",
                     "        list_add_tail(&vmx->pi_wakeup_list,\n",
                     "        list_add_tail(&vt->pi_wakeup_list,\n"),
                  ks(_TDX_H, "struct vcpu_tdx {\n        struct kvm_vcpu vcpu;\n",
                     "struct vcpu_tdx {\n        struct kvm_vcpu vcpu;\n        struct vcpu_vt vt;\n"),
              ]),
        Patch("KVM: TDX: Implement TDX vcpu enter/exit path", ISAKU,
              "Implement callbacks to enter/exit a TDX VCPU by calling tdh_vp_enter().\n"
              "Ensure the TDX VCPU is in a correct state to run.\n\n"
              "Do not pass arguments from/to vcpu->arch.regs[] unconditionally. Instead,\n"
              "marshall state to/from the appropriate x86 registers only when needed,\n"
              "i.e., to handle some TDVMCALL sub-leaves following KVM's ABI to leverage\n"
              "the existing code.\n\n"
              + sob(ISAKU) + "Co-developed-by: Adrian Hunter <adrian.hunter@intel.com>\n"
              + sob(ADRIAN) + "Message-ID: <20241121201448.36170-4-adrian.hunter@intel.com>\n"
              + _PSOB, [
                  kadd_after(_TDX_C, "        tdx->state = VCPU_TD_STATE_UNINITIALIZED;\n\n"
                             "        return 0;\n}\n\n",
                             "int tdx_vcpu_pre_run(struct kvm_vcpu *vcpu)\n{\n"
                             "        if (unlikely(to_tdx(vcpu)->state != VCPU_TD_STATE_INITIALIZED ||\n"
                             "                     to_kvm_tdx(vcpu->kvm)->state != TD_STATE_RUNNABLE))\n"
                             "                return -EINVAL;\n\n        return 1;\n}\n\n" + _TDX_RUN),
                  ks(_TDX_H, "        enum vcpu_tdx_state state;\n};\n",
                     "        enum vcpu_tdx_state state;\n\n        u64 vp_enter_ret;\n"
                     "        struct tdx_module_args vp_enter_args;\n};\n"),
                  kadd_after(_MAIN, "        vmx_flush_tlb_all(vcpu);\n}\n\n",
                             "static int vt_vcpu_pre_run(struct kvm_vcpu *vcpu)\n{\n"
                             "        if (is_td_vcpu(vcpu))\n                return tdx_vcpu_pre_run(vcpu);\n\n"
                             "        return vmx_vcpu_pre_run(vcpu);\n}\n\n"
                             "static fastpath_t vt_vcpu_run(struct kvm_vcpu *vcpu, bool force_immediate_exit)\n{\n"
                             "        if (is_td_vcpu(vcpu))\n"
                             "                return tdx_vcpu_run(vcpu, force_immediate_exit);\n\n"
                             "        return vmx_vcpu_run(vcpu, force_immediate_exit);\n}\n\n"),
                  ks(_MAIN, "        .vcpu_pre_run = vmx_vcpu_pre_run,\n        .vcpu_run = vmx_vcpu_run,\n",
                     "        .vcpu_pre_run = vt_vcpu_pre_run,\n        .vcpu_run = vt_vcpu_run,\n"),
                  ks(_X86OPS, "void tdx_vcpu_load(struct kvm_vcpu *vcpu, int cpu);\n\n",
                     "void tdx_vcpu_load(struct kvm_vcpu *vcpu, int cpu);\n"
                     "int tdx_vcpu_pre_run(struct kvm_vcpu *vcpu);\n"
                     "fastpath_t tdx_vcpu_run(struct kvm_vcpu *vcpu, bool force_immediate_exit);\n\n"),
                  ks(_X86OPS, "static inline void tdx_vcpu_load(struct kvm_vcpu *vcpu, int cpu) {}\n\n",
                     "static inline void tdx_vcpu_load(struct kvm_vcpu *vcpu, int cpu) {}\n"
                     "static inline int tdx_vcpu_pre_run(struct kvm_vcpu *vcpu) { return -EOPNOTSUPP; }\n"
                     "static inline fastpath_t tdx_vcpu_run(struct kvm_vcpu *vcpu, bool force_immediate_exit)\n"
                     "{\n        return EXIT_FASTPATH_NONE;\n}\n\n"),
              ]),
        Patch("KVM: TDX: vcpu_run: save/restore host state(host kernel gs)", ISAKU,
              "On entering/exiting TDX vcpu, preserved or clobbered CPU state is different\n"
              "from the VMX case. Add TDX hooks to save/restore host/guest CPU state.\n"
              "Save/restore kernel GS base MSR.\n\n"
              + sob(ISAKU) + sob(ADRIAN) + "Message-ID: <20241121201448.36170-5-adrian.hunter@intel.com>\n"
              + _XL + _PSOB, [
                  kadd_after(_TDX_C, "        tdx->state = VCPU_TD_STATE_UNINITIALIZED;\n\n"
                             "        return 0;\n}\n\n",
                             "void tdx_prepare_switch_to_guest(struct kvm_vcpu *vcpu)\n{\n"
                             "        struct vcpu_vt *vt = to_vt(vcpu);\n\n"
                             "        if (vt->guest_state_loaded)\n                return;\n\n"
                             "        if (likely(is_64bit_mm(current->mm)))\n"
                             "                vt->msr_host_kernel_gs_base = current->thread.gsbase;\n"
                             "        else\n"
                             "                vt->msr_host_kernel_gs_base = read_msr(MSR_KERNEL_GS_BASE);\n\n"
                             "        vt->guest_state_loaded = true;\n}\n\n"
                             "static void tdx_prepare_switch_to_host(struct kvm_vcpu *vcpu)\n{\n"
                             "        struct vcpu_vt *vt = to_vt(vcpu);\n\n"
                             "        if (!vt->guest_state_loaded)\n                return;\n\n"
                             "        ++vcpu->stat.host_state_reload;\n"
                             "        wrmsrl(MSR_KERNEL_GS_BASE, vt->msr_host_kernel_gs_base);\n\n"
                             "        vt->guest_state_loaded = false;\n}\n\n"
                             "void tdx_vcpu_put(struct kvm_vcpu *vcpu)\n{\n"
                             "        vmx_vcpu_pi_put(vcpu);\n        tdx_prepare_switch_to_host(vcpu);\n}\n\n"),
                  kadd_after(_MAIN, "        vmx_vcpu_load(vcpu, cpu);\n}\n\n",
                             "static void vt_prepare_switch_to_guest(struct kvm_vcpu *vcpu)\n{\n"
                             "        if (is_td_vcpu(vcpu)) {\n"
                             "                tdx_prepare_switch_to_guest(vcpu);\n                return;\n        }\n\n"
                             "        vmx_prepare_switch_to_guest(vcpu);\n}\n\n"
                             "static void vt_vcpu_put(struct kvm_vcpu *vcpu)\n{\n"
                             "        if (is_td_vcpu(vcpu)) {\n                tdx_vcpu_put(vcpu);\n"
                             "                return;\n        }\n\n        vmx_vcpu_put(vcpu);\n}\n\n"),
                  ks(_MAIN, "        .prepare_switch_to_guest = vmx_prepare_switch_to_guest,\n"
                     "        .vcpu_load = vt_vcpu_load,\n        .vcpu_put = vmx_vcpu_put,\n",
                     "        .prepare_switch_to_guest = vt_prepare_switch_to_guest,\n"
                     "        .vcpu_load = vt_vcpu_load,\n        .vcpu_put = vt_vcpu_put,\n"),
                  ks(_X86OPS, "int tdx_vcpu_pre_run(struct kvm_vcpu *vcpu);\n",
                     "int tdx_vcpu_pre_run(struct kvm_vcpu *vcpu);\n"
                     "void tdx_prepare_switch_to_guest(struct kvm_vcpu *vcpu);\n"
                     "void tdx_vcpu_put(struct kvm_vcpu *vcpu);\n"),
                  ks(_X86OPS, "static inline int tdx_vcpu_pre_run(struct kvm_vcpu *vcpu) { return -EOPNOTSUPP; }\n",
                     "static inline int tdx_vcpu_pre_run(struct kvm_vcpu *vcpu) { return -EOPNOTSUPP; }\n"
                     "static inline void tdx_prepare_switch_to_guest(struct kvm_vcpu *vcpu) {}\n"
                     "static inline void tdx_vcpu_put(struct kvm_vcpu *vcpu) {}\n"),
              ]),
        Patch("KVM: TDX: restore host xsave state when exit from the guest TD", ISAKU,
              "On exiting from the guest TD, xsave state is clobbered; restore it.\n"
              "Do not use kvm_load_host_xsave_state(), as it relies on vcpu->arch\n"
              "to find out whether other KVM_RUN code has loaded guest state into\n"
              "XCR0/PKRU/XSS or not.  In the case of TDX, the exit values are known\n"
              "independent of the guest CR0 and CR4, and in fact the latter are not\n"
              "available.\n\n"
              + sob(ISAKU) + sob(ADRIAN) + "Message-ID: <20241121201448.36170-6-adrian.hunter@intel.com>\n"
              "[Rewrite to not use kvm_load_host_xsave_state. - Paolo]\n" + _PSOB, [
                  ks(_TDX_C, "static noinstr void tdx_vcpu_enter_exit(struct kvm_vcpu *vcpu)\n",
                     "static void tdx_load_host_xsave_state(struct kvm_vcpu *vcpu)\n{\n"
                     "        struct kvm_tdx *kvm_tdx = to_kvm_tdx(vcpu->kvm);\n\n"
                     "        /*\n         * All TDX hosts support PKRU; but even if they didn't,\n"
                     "         * vcpu->arch.host_pkru would be 0 and the wrpkru would be\n"
                     "         * skipped.\n         */\n"
                     "        if (vcpu->arch.host_pkru != 0)\n                wrpkru(vcpu->arch.host_pkru);\n\n"
                     "        if (kvm_host.xcr0 != (kvm_tdx->xfam & kvm_caps.supported_xcr0))\n"
                     "                xsetbv(XCR_XFEATURE_ENABLED_MASK, kvm_host.xcr0);\n\n"
                     "        /*\n         * Likewise, even if a TDX hosts didn't support XSS both arms of\n"
                     "         * the comparison would be 0 and the wrmsrl would be skipped.\n         */\n"
                     "        if (kvm_host.xss != (kvm_tdx->xfam & kvm_caps.supported_xss))\n"
                     "                wrmsrl(MSR_IA32_XSS, kvm_host.xss);\n}\n\n"
                     "static noinstr void tdx_vcpu_enter_exit(struct kvm_vcpu *vcpu)\n"),
                  ks(_TDX_C, "        tdx_vcpu_enter_exit(vcpu);\n\n",
                     "        tdx_vcpu_enter_exit(vcpu);\n\n        tdx_load_host_xsave_state(vcpu);\n\n"),
              ]),
        Patch("KVM: x86: Allow to update cached values in kvm_user_return_msrs w/o wrmsr", CHAO,
              "Several MSRs are constant and only used in userspace(ring 3).  But VMs may\n"
              "have different values.  KVM uses kvm_set_user_return_msr() to switch to\n"
              "guest's values and leverages user return notifier to restore them when the\n"
              "kernel is to return to userspace.  To eliminate unnecessary wrmsr, KVM also\n"
              "caches the value it wrote to an MSR last time.\n\n"
              "TDX module unconditionally resets some of these MSRs to architectural INIT\n"
              "state on TD exit.  It makes the cached values in kvm_user_return_msrs are\n"
              "inconsistent with values in hardware.  This inconsistency needs to be\n"
              "fixed.  Otherwise, it may mislead kvm_on_user_return() to skip restoring\n"
              "some MSRs to the host's values.  kvm_set_user_return_msr() can help correct\n"
              "this case, but it is not optimal as it always does a wrmsr.  So, introduce\n"
              "a variation of kvm_set_user_return_msr() to update cached values and skip\n"
              "that wrmsr.\n\n"
              + sob(CHAO) + sob(ISAKU) + sob(ADRIAN)
              + "Message-ID: <20241121201448.36170-7-adrian.hunter@intel.com>\n" + _PSOB, [
                  ks(_KVM_HOST, "int kvm_set_user_return_msr(unsigned index, u64 val, u64 mask);\n",
                     "int kvm_set_user_return_msr(unsigned index, u64 val, u64 mask);\n"
                     "void kvm_user_return_msr_update_cache(unsigned int index, u64 val);\n"),
                  kadd_after(_X86_C, "EXPORT_SYMBOL_GPL(kvm_set_user_return_msr);\n\n",
                             "void kvm_user_return_msr_update_cache(unsigned int slot, u64 value)\n{\n"
                             "        struct kvm_user_return_msrs *msrs = this_cpu_ptr(user_return_msrs);\n\n"
                             "        msrs->values[slot].curr = value;\n"
                             "        kvm_user_return_register_notifier(msrs);\n}\n"
                             "EXPORT_SYMBOL_GPL(kvm_user_return_msr_update_cache);\n\n"),
              ]),
        Patch("KVM: TDX: restore user ret MSRs", ISAKU,
              "Several user ret MSRs are clobbered on TD exit.  Restore those values on\n"
              "TD exit and before returning to ring 3.\n\n"
              "Co-developed-by: Tony Lindgren <tony.lindgren@linux.intel.com>\n"
              "Signed-off-by: Tony Lindgren <tony.lindgren@linux.intel.com>\n"
              + sob(ISAKU) + sob(ADRIAN) + "Message-ID: <20241121201448.36170-8-adrian.hunter@intel.com>\n"
              + _XL + _PSOB, [
                  ks(_TDX_C, "static const struct tdx_sys_info *tdx_sysinfo;\n",
                     "static const struct tdx_sys_info *tdx_sysinfo;\n\n"
                     "struct tdx_uret_msr {\n        u32 msr;\n        unsigned int slot;\n        u64 defval;\n};\n\n"
                     "static struct tdx_uret_msr tdx_uret_msrs[] = {\n"
                     "        {.msr = MSR_SYSCALL_MASK, .defval = 0x20200 },\n"
                     "        {.msr = MSR_STAR,},\n        {.msr = MSR_LSTAR,},\n"
                     "        {.msr = MSR_TSC_AUX,},\n};\n\n"
                     "static void tdx_user_return_msr_update_cache(void)\n{\n        int i;\n\n"
                     "        for (i = 0; i < ARRAY_SIZE(tdx_uret_msrs); i++)\n"
                     "                kvm_user_return_msr_update_cache(tdx_uret_msrs[i].slot,\n"
                     "                                                 tdx_uret_msrs[i].defval);\n}\n"),
                  ks(_TDX_C, "        if (vt->guest_state_loaded)\n                return;\n\n"
                     "        if (likely(is_64bit_mm(current->mm)))\n",
                     "        if (vt->guest_state_loaded)\n                return;\n\n"
                     "        /*\n         * The TDX module clobbers the user return MSRs on TD exit,\n"
                     "         * make KVM's cache reflect what the hardware will hold.\n         */\n"
                     "        tdx_user_return_msr_update_cache();\n\n"
                     "        if (likely(is_64bit_mm(current->mm)))\n"),
              ]),
        Patch("KVM: TDX: Disable support for TSX and WAITPKG", ADRIAN,
              "Support for restoring IA32_TSX_CTRL MSR and IA32_UMWAIT_CONTROL MSR is not\n"
              "yet implemented, so disable support for TSX and WAITPKG for now.  Clear the\n"
              "associated CPUID bits returned by KVM_TDX_CAPABILITIES, and return an error\n"
              "if those bits are set in KVM_TDX_INIT_VM.\n\n"
              + sob(ADRIAN) + "Message-ID: <20241121201448.36170-9-adrian.hunter@intel.com>\n"
              + _XL + _PSOB, [
                  ks(_TDX_C, "static __always_inline struct kvm_tdx *to_kvm_tdx(struct kvm *kvm)\n",
                     "#define TDX_FEATURE_TSX (__feature_bit(X86_FEATURE_HLE) | __feature_bit(X86_FEATURE_RTM))\n\n"
                     "static bool has_tsx(const struct kvm_cpuid_entry2 *entry)\n{\n"
                     "        return entry->function == 7 && entry->index == 0 &&\n"
                     "               (entry->ebx & TDX_FEATURE_TSX);\n}\n\n"
                     "static void clear_tsx(struct kvm_cpuid_entry2 *entry)\n{\n"
                     "        entry->ebx &= ~TDX_FEATURE_TSX;\n}\n\n"
                     "static bool has_waitpkg(const struct kvm_cpuid_entry2 *entry)\n{\n"
                     "        return entry->function == 7 && entry->index == 0 &&\n"
                     "               (entry->ecx & __feature_bit(X86_FEATURE_WAITPKG));\n}\n\n"
                     "static void clear_waitpkg(struct kvm_cpuid_entry2 *entry)\n{\n"
                     "        entry->ecx &= ~__feature_bit(X86_FEATURE_WAITPKG);\n}\n\n"
                     "static void tdx_clear_unsupported_cpuid(struct kvm_cpuid_entry2 *entry)\n{\n"
                     "        if (has_tsx(entry))\n                clear_tsx(entry);\n\n"
                     "        if (has_waitpkg(entry))\n                clear_waitpkg(entry);\n}\n\n"
                     "static __always_inline struct kvm_tdx *to_kvm_tdx(struct kvm *kvm)\n"),
              ]),
        Patch("KVM: TDX: Save and restore IA32_DEBUGCTL", ADRIAN,
              "Save the IA32_DEBUGCTL MSR before entering a TDX VCPU and restore it\n"
              "afterwards.  The TDX Module preserves bits 1, 12, and 14, so if no\n"
              "other bits are set, no restore is done.\n\n"
              + sob(ADRIAN) + "Message-ID: <20241121201448.36170-10-adrian.hunter@intel.com>\n"
              + _XL + _PSOB, [
                  ks(_TDX_C, "        tdx_load_host_xsave_state(vcpu);\n\n",
                     "        tdx_load_host_xsave_state(vcpu);\n\n"
                     "        if (vcpu->arch.host_debugctl & ~TDX_DEBUGCTL_PRESERVED)\n"
                     "                update_debugctlmsr(vcpu->arch.host_debugctl);\n\n"),
                  ks(_TDX_H, "        u64 vp_enter_ret;\n",
                     "        u64 vp_enter_ret;\n        bool guest_entered;\n"),
                  ks(_TDX_C, "#pragma GCC poison to_vmx\n",
                     "#pragma GCC poison to_vmx\n\n"
                     "#define TDX_DEBUGCTL_PRESERVED (DEBUGCTLMSR_BTF | \\\n"
                     "                                DEBUGCTLMSR_PMM_FREEZE_WHILE_SMM | \\\n"
                     "                                DEBUGCTLMSR_RTM_DEBUG)\n"),
              ]),
        Patch("KVM: x86: Add a switch_db_regs flag to handle TDX's auto-switched behavior", ISAKU,
              "Add a flag KVM_DEBUGREG_AUTO_SWITCH to skip saving/restoring guest\n"
              "DRs.\n\n"
              "TDX-SEAM unconditionally saves/restores guest DRs on TD exit/enter,\n"
              "and resets DRs to architectural INIT state on TD exit.  Use the new\n"
              "flag KVM_DEBUGREG_AUTO_SWITCH to indicate that KVM doesn't need to\n"
              "save/restore guest DRs.  KVM still needs to restore host DRs after TD\n"
              "exit if there are active breakpoints in the host, which is covered by\n"
              "the existing code.\n\n"
              + sob(ISAKU) + sob(ADRIAN) + "Message-ID: <20241121201448.36170-11-adrian.hunter@intel.com>\n"
              + _XL + _PSOB, [
                  ks(_KVM_HOST, "        KVM_DEBUGREG_WONT_EXIT = BIT(1),\n",
                     "        KVM_DEBUGREG_WONT_EXIT = BIT(1),\n"
                     "        /*\n         * Guest debug registers (DR0-3, DR6 and DR7) are saved/restored by\n"
                     "         * hardware on exit from or enter to guest. KVM needn't switch them.\n"
                     "         * DR0-3, DR6 and DR7 are set to their architectural INIT value on VM\n"
                     "         * exit, host values need to be restored.\n         */\n"
                     "        KVM_DEBUGREG_AUTO_SWITCH = BIT(2),\n"),
                  ks(_X86_C, "        if (unlikely(vcpu->arch.switch_db_regs)) {\n",
                     "        if (unlikely(vcpu->arch.switch_db_regs &&\n"
                     "                     !(vcpu->arch.switch_db_regs & KVM_DEBUGREG_AUTO_SWITCH))) {\n"),
                  ks(_X86_C, "                WARN_ON(vcpu->guest_debug & KVM_GUESTDBG_USE_HW_BP);\n",
                     "                WARN_ON(vcpu->guest_debug & KVM_GUESTDBG_USE_HW_BP);\n"
                     "                WARN_ON(vcpu->arch.switch_db_regs & KVM_DEBUGREG_AUTO_SWITCH);\n"),
                  ks(_TDX_C, "        vcpu->arch.cr0_guest_owned_bits = -1ul;\n",
                     "        vcpu->arch.switch_db_regs = KVM_DEBUGREG_AUTO_SWITCH;\n\n"
                     "        vcpu->arch.cr0_guest_owned_bits = -1ul;\n"),
              ]),
        Patch("[NOT FOR UPSTREAM] KVM: TDX: put somewhat sensible values in vCPU for encrypted registers",
              PAOLO,
              "This shows the hunks that were *removed* from v2 without a replacement;\n"
              "it's not in kvm-coco-queue.\n\n"
              "Originally from a patch by Isaku Yamahata and Adrian Hunter.\n\n" + _PSOB, [
                  ks(_TDX_C, "        tdx->state = VCPU_TD_STATE_INITIALIZED;\n\n        return 0;\n}\n",
                     "        /*\n         * Fill vcpu->arch with values that match what the TDX module\n"
                     "         * establishes; runtime accesses are blocked by\n"
                     "         * guest_state_protected anyway.\n         */\n"
                     "        vcpu->arch.cr0 = X86_CR0_PE | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG;\n"
                     "        vcpu->arch.cr4 = X86_CR4_PAE | X86_CR4_MCE | X86_CR4_OSXSAVE;\n"
                     "        vcpu->arch.xcr0 = to_kvm_tdx(vcpu->kvm)->xfam & kvm_caps.supported_xcr0;\n"
                     "        vcpu->arch.ia32_xss = to_kvm_tdx(vcpu->kvm)->xfam & kvm_caps.supported_xss;\n\n"
                     "        tdx->state = VCPU_TD_STATE_INITIALIZED;\n\n        return 0;\n}\n"),
              ]),
    ]


_TDX_SUBJECTS = {i: [(f"[PATCH v3 {i:02d}/11]", f"[PATCH v3 {i:02d}/10]")] for i in range(0, 11)}
_TDX_SUBJECTS[11] = [("[PATCH v3 11/11] [NOT FOR UPSTREAM]", "[PATCH v3 11/10] [NOT TO COMMIT]")]

S_TDX = Series(
    key="tdx-v3", project="linux", title="KVM: TDX: TD vcpu enter/exit",
    sender=PAOLO, committer=PAOLO, prefix="PATCH", version=3,
    first_date=datetime(2025, 3, 7, 16, 20, 42, tzinfo=ET),
    author_date=datetime(2025, 3, 7, 11, 2, 13, tzinfo=ET),
    style="send-email", stamp="20250307212053.2948340", git_version="2.43.5",
    to=["linux-kernel@vger.kernel.org", "kvm@vger.kernel.org"],
    cc=["xiaoyao.li@intel.com", "adrian.hunter@intel.com", "seanjc@google.com",
        "rick.p.edgecombe@intel.com"],
    cover={"subject": "KVM: TDX: TD vcpu enter/exit", "blurb": text("tdx_00")},
    patches=_tdx_patches(), subject_edits=_TDX_SUBJECTS, total_override=10,
)

# =====================================================================================
# [PATCH] KVM: x86: Forbid the use of kvm_load_host_xsave_state() with guest_state_protected
# =====================================================================================

FILES["arch/x86/kvm/svm/svm.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>

#include "irq.h"
#include "mmu.h"
#include "kvm_cache_regs.h"
#include "x86.h"
#include "smm.h"
#include "cpuid.h"
#include "pmu.h"

#include "svm.h"
#include "svm_ops.h"

static __no_kcsan fastpath_t svm_vcpu_run(struct kvm_vcpu *vcpu,
                                          bool force_immediate_exit)
{
        struct vcpu_svm *svm = to_svm(vcpu);
        bool spec_ctrl_intercepted = msr_write_intercepted(vcpu, MSR_IA32_SPEC_CTRL);

        trace_kvm_entry(vcpu, force_immediate_exit);

        svm->vmcb->save.rax = vcpu->arch.regs[VCPU_REGS_RAX];
        svm->vmcb->save.rsp = vcpu->arch.regs[VCPU_REGS_RSP];
        svm->vmcb->save.rip = vcpu->arch.regs[VCPU_REGS_RIP];

        /*
         * Run with all-zero DR6 unless needed, so that we can get the exact cause
         * of a #DB.
         */
        if (likely(!(vcpu->arch.switch_db_regs & KVM_DEBUGREG_WONT_EXIT)))
                svm_set_dr6(svm, DR6_ACTIVE_LOW);

        clgi();
        kvm_load_guest_xsave_state(vcpu);

        kvm_wait_lapic_expire(vcpu);

        /*
         * If this vCPU has touched SPEC_CTRL, restore the guest's value if
         * it's non-zero. Since vmentry is serialising on affected CPUs, there
         * is no need to worry about the conditional branch over the wrmsr
         * being speculatively taken.
         */
        if (!static_cpu_has(X86_FEATURE_V_SPEC_CTRL))
                x86_spec_ctrl_set_guest(svm->virt_spec_ctrl);

        svm_vcpu_enter_exit(vcpu, spec_ctrl_intercepted);

        if (!static_cpu_has(X86_FEATURE_V_SPEC_CTRL))
                x86_spec_ctrl_restore_host(svm->virt_spec_ctrl);

        if (!sev_es_guest(vcpu->kvm)) {
                vcpu->arch.cr2 = svm->vmcb->save.cr2;
                vcpu->arch.regs[VCPU_REGS_RAX] = svm->vmcb->save.rax;
                vcpu->arch.regs[VCPU_REGS_RSP] = svm->vmcb->save.rsp;
                vcpu->arch.regs[VCPU_REGS_RIP] = svm->vmcb->save.rip;
        }
        vcpu->arch.regs_dirty = 0;

        if (unlikely(svm->vmcb->control.exit_code == SVM_EXIT_NMI))
                kvm_before_interrupt(vcpu, KVM_HANDLING_NMI);

        kvm_load_host_xsave_state(vcpu);
        stgi();

        /* Any pending NMI will happen here */

        if (unlikely(svm->vmcb->control.exit_code == SVM_EXIT_NMI))
                kvm_after_interrupt(vcpu);

        sync_cr8_to_lapic(vcpu);

        svm->next_rip = 0;

        return svm_exit_handlers_fastpath(vcpu);
}
""")

S_FORBID = Series(
    key="forbid-xsave", project="linux",
    title="KVM: x86: Forbid the use of kvm_load_host_xsave_state() with guest_state_protected",
    sender=PAOLO, committer=PAOLO, prefix="PATCH", version=None,
    first_date=datetime(2025, 3, 7, 13, 41, 25, tzinfo=ET),
    author_date=datetime(2025, 3, 7, 12, 55, 40, tzinfo=ET),
    style="send-email", stamp="20250307184125.2947143", git_version="2.43.5",
    to=["linux-kernel@vger.kernel.org", "kvm@vger.kernel.org"],
    patches=[
        Patch("KVM: x86: Forbid the use of kvm_load_host_xsave_state() with guest_state_protected",
              PAOLO, text("forbid"), [
                  ks("arch/x86/kvm/svm/svm.c", "        clgi();\n        kvm_load_guest_xsave_state(vcpu);\n",
                     "        clgi();\n\n        if (!vcpu->arch.guest_state_protected)\n"
                     "                kvm_load_guest_xsave_state(vcpu);\n"),
                  ks("arch/x86/kvm/svm/svm.c", "        kvm_load_host_xsave_state(vcpu);\n        stgi();\n",
                     "        if (!vcpu->arch.guest_state_protected)\n"
                     "                kvm_load_host_xsave_state(vcpu);\n        stgi();\n"),
                  ks(_X86_C, "void kvm_load_guest_xsave_state(struct kvm_vcpu *vcpu)\n{\n"
                     "        if (vcpu->arch.guest_state_protected)\n                return;\n",
                     "void kvm_load_guest_xsave_state(struct kvm_vcpu *vcpu)\n{\n"
                     "        WARN_ON_ONCE(vcpu->arch.guest_state_protected);\n"),
                  ks(_X86_C, "void kvm_load_host_xsave_state(struct kvm_vcpu *vcpu)\n{\n"
                     "        if (vcpu->arch.guest_state_protected)\n",
                     "void kvm_load_host_xsave_state(struct kvm_vcpu *vcpu)\n{\n"
                     "        if (WARN_ON_ONCE(vcpu->arch.guest_state_protected))\n"),
              ]),
    ],
)


# =====================================================================================
# Introduce CET supervisor state support (v3 00/10, Chao Gao)
# =====================================================================================

_TYPES = "arch/x86/include/asm/fpu/types.h"
_AXSTATE = "arch/x86/include/asm/fpu/xstate.h"
_CORE = "arch/x86/kernel/fpu/core.c"
_XSTATE_C = "arch/x86/kernel/fpu/xstate.c"
_XSTATE_H = "arch/x86/kernel/fpu/xstate.h"

FILES[_TYPES] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FPU data structures:
 */
#ifndef _ASM_X86_FPU_TYPES_H
#define _ASM_X86_FPU_TYPES_H

#include <asm/page_types.h>

/*
 * List of XSAVE features Linux knows about:
 */
enum xfeature {
        XFEATURE_FP,
        XFEATURE_SSE,
        XFEATURE_YMM,
        XFEATURE_BNDREGS,
        XFEATURE_BNDCSR,
        XFEATURE_OPMASK,
        XFEATURE_ZMM_Hi256,
        XFEATURE_Hi16_ZMM,
        XFEATURE_PT_UNIMPLEMENTED_SO_FAR,
        XFEATURE_PKRU,
        XFEATURE_PASID,
        XFEATURE_CET_USER,
        XFEATURE_CET_KERNEL_UNUSED,
        XFEATURE_RSRVD_COMP_13,
        XFEATURE_RSRVD_COMP_14,
        XFEATURE_LBR,
        XFEATURE_RSRVD_COMP_16,
        XFEATURE_XTILE_CFG,
        XFEATURE_XTILE_DATA,

        XFEATURE_MAX,
};

#define XFEATURE_MASK_PKRU              (1 << XFEATURE_PKRU)
#define XFEATURE_MASK_PASID             (1 << XFEATURE_PASID)
#define XFEATURE_MASK_CET_USER          (1 << XFEATURE_CET_USER)
#define XFEATURE_MASK_LBR               (1 << XFEATURE_LBR)
#define XFEATURE_MASK_XTILE_CFG         (1 << XFEATURE_XTILE_CFG)
#define XFEATURE_MASK_XTILE_DATA        (1 << XFEATURE_XTILE_DATA)

/*
 * State component 11 is Control-flow Enforcement user states
 */
struct cet_user_state {
        /* user control-flow settings */
        u64 user_cet;
        /* user shadow stack pointer */
        u64 user_ssp;
};

struct fpu_state_perm {
        /*
         * @__state_perm:
         *
         * This bitmap indicates the permission for state components, which
         * are available to a thread group. The permission prctl() sets the
         * enabled state bits in thread_group_leader()->thread.fpu.
         *
         * All run time operations use the per thread information in the
         * currently active fpu.fpstate which contains the xfeature masks
         * and sizes for kernel and user space.
         *
         * This master permission field is only to be used when
         * task.fpu.fpstate based checks fail to validate whether the task
         * is allowed to expand its xfeatures set which requires to
         * allocate a larger sized fpstate buffer.
         *
         * Do not access this field directly.  Use the provided helper
         * function. Unlocked access is possible for quick checks.
         */
        u64                             __state_perm;

        /*
         * @__state_size:
         *
         * The size required for @__state_perm. Only valid to access
         * with sighand locked.
         */
        unsigned int                    __state_size;

        /*
         * @__user_state_size:
         *
         * The size required for @__state_perm user part. Only valid to
         * access with sighand locked.
         */
        unsigned int                    __user_state_size;
};

/*
 * Guest pseudo FPU container
 */
struct fpu_guest {
        /*
         * @xfeatures:                  xfeature bitmap of features which are
         *                              currently enabled for the guest vCPU.
         */
        u64                             xfeatures;

        /*
         * @perm:                       xfeature bitmap of features which are
         *                              permitted to be enabled for the guest
         *                              vCPU.
         */
        u64                             perm;

        /*
         * @xfd_err:                    Save the guest value.
         */
        u64                             xfd_err;

        /*
         * @uabi_size:                  Size required for save/restore
         */
        unsigned int                    uabi_size;

        /*
         * @fpstate:                    Pointer to the allocated guest fpstate
         */
        struct fpstate                  *fpstate;
};

/*
 * FPU state configuration data. Initialized at boot time. Read only after init.
 */
struct fpu_state_config {
        /*
         * @max_size:
         *
         * The maximum size of the register state buffer. Includes all
         * supported features except independent managed features.
         */
        unsigned int            max_size;

        /*
         * @default_size:
         *
         * The default size of the register state buffer. Includes all
         * supported features except independent managed features and
         * features which have to be requested by user space before usage.
         */
        unsigned int            default_size;

        /*
         * @max_features:
         *
         * The maximum supported features bitmap. Does not include
         * independent managed features.
         */
        u64 max_features;

        /*
         * @default_features:
         *
         * The default supported features bitmap. Does not include
         * independent managed features and features which have to
         * be requested by user space before usage.
         */
        u64 default_features;
};

/* FPU state configuration information */
extern struct fpu_state_config fpu_kernel_cfg, fpu_user_cfg;

#endif /* _ASM_X86_FPU_TYPES_H */
""")

FILES[_AXSTATE] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __ASM_X86_XSAVE_H
#define __ASM_X86_XSAVE_H

#include <linux/uaccess.h>
#include <linux/types.h>

#include <asm/processor.h>
#include <asm/fpu/api.h>
#include <asm/user.h>

/* Bit 63 of XCR0 is reserved for future expansion */
#define XFEATURE_MASK_EXTEND        (~(XFEATURE_MASK_FPSSE | (1ULL << 63)))

#define XSTATE_CPUID                0x0000000d

#define TILE_CPUID                  0x0000001d

#define FXSAVE_SIZE        512

#define XSAVE_HDR_SIZE            64
#define XSAVE_HDR_OFFSET    FXSAVE_SIZE

#define XSAVE_ALIGNMENT     64

/* All currently supported supervisor features */
#define XFEATURE_MASK_SUPERVISOR_SUPPORTED (XFEATURE_MASK_PASID | \\
                                            XFEATURE_MASK_CET_USER)

/*
 * A supervisor state component may not always contain valuable information,
 * and its size may be huge. Saving/restoring such supervisor state components
 * at each context switch can cause high CPU and space overhead, which should
 * be avoided. Such supervisor state components should only be saved/restored
 * on demand. The on-demand supervisor features are set in this mask.
 *
 * Unlike the existing supported supervisor features, an independent supervisor
 * feature does not allocate a buffer in task->fpu, and the corresponding
 * supervisor state component cannot be saved/restored at each context switch.
 */
#define XFEATURE_MASK_INDEPENDENT (XFEATURE_MASK_LBR)

/*
 * Unsupported supervisor features. When a supervisor feature in this mask is
 * supported in the future, move it to the supported supervisor feature mask.
 */
#define XFEATURE_MASK_SUPERVISOR_UNSUPPORTED (XFEATURE_MASK_PT)

/* All supervisor states including supported and unsupported states. */
#define XFEATURE_MASK_SUPERVISOR_ALL (XFEATURE_MASK_SUPERVISOR_SUPPORTED | \\
                                      XFEATURE_MASK_INDEPENDENT | \\
                                      XFEATURE_MASK_SUPERVISOR_UNSUPPORTED)

#endif
""")

FILES[_CORE] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 *  Copyright (C) 1994 Linus Torvalds
 *
 *  Pentium III FXSR, SSE support
 *  General FPU state handling cleanups
 *        Gareth Hughes <gareth@valinux.com>, May 2000
 */
#include <asm/fpu/api.h>
#include <asm/fpu/regset.h>
#include <asm/fpu/sched.h>
#include <asm/fpu/signal.h>
#include <asm/fpu/types.h>
#include <asm/traps.h>
#include <asm/irq_regs.h>

#include <uapi/asm/kvm.h>

#include <linux/hardirq.h>
#include <linux/pkeys.h>
#include <linux/vmalloc.h>

#include "context.h"
#include "internal.h"
#include "legacy.h"
#include "xstate.h"

struct fpu_state_config fpu_kernel_cfg __ro_after_init;
struct fpu_state_config fpu_user_cfg __ro_after_init;

/*
 * Represents the initial FPU state. It's mostly (but not completely) zeroes,
 * depending on the FPU hardware format:
 */
struct fpstate init_fpstate __ro_after_init;

bool fpu_alloc_guest_fpstate(struct fpu_guest *gfpu)
{
        struct fpstate *fpstate;
        unsigned int size;

        size = fpu_user_cfg.default_size + ALIGN(offsetof(struct fpstate, regs), 64);
        fpstate = vzalloc(size);
        if (!fpstate)
                return false;

        /* Leave xfd to 0 (the reset value defined by spec) */
        __fpstate_reset(fpstate, 0);
        fpstate_init_user(fpstate);
        fpstate->is_valloc        = true;
        fpstate->is_guest        = true;

        gfpu->fpstate                = fpstate;
        gfpu->xfeatures                = fpu_user_cfg.default_features;
        gfpu->perm                = fpu_user_cfg.default_features;

        /*
         * KVM sets the FP+SSE bits in the XSAVE header when copying FPU state
         * to userspace, even when XSAVE is unsupported, so that restoring FPU
         * state on a different CPU that does support XSAVE can cleanly load
         * the incoming state using its natural XSAVE.  In other words, KVM's
         * uABI size may be larger than this host's default size.  Conversely,
         * the default size should never be larger than KVM's base uABI size;
         * all features that can expand the uABI size must be opt-in.
         */
        gfpu->uabi_size                = sizeof(struct kvm_xsave);
        if (WARN_ON_ONCE(fpu_user_cfg.default_size > gfpu->uabi_size))
                gfpu->uabi_size = fpu_user_cfg.default_size;

        fpu_init_guest_permissions(gfpu);

        return true;
}
EXPORT_SYMBOL_GPL(fpu_alloc_guest_fpstate);

static inline void fpu_reset_fpregs(void)
{
        struct fpu *fpu = x86_task_fpu(current);

        fpregs_lock();
        __fpu_invalidate_fpregs_state(fpu);
        restore_fpregs_from_fpstate(&init_fpstate, XFEATURE_MASK_FPSTATE);
        fpregs_unlock();
}

void fpstate_reset(struct fpu *fpu)
{
        /* Set the fpstate pointer to the default fpstate */
        fpu->fpstate = &fpu->__fpstate;
        __fpstate_reset(fpu->fpstate, init_fpstate.xfd);

        /* Initialize the permission related info in fpu */
        fpu->perm.__state_perm                = fpu_kernel_cfg.default_features;
        fpu->perm.__state_size                = fpu_kernel_cfg.default_size;
        fpu->perm.__user_state_size        = fpu_user_cfg.default_size;
        /* Same defaults for guests */
        fpu->guest_perm = fpu->perm;
}
""")

FILES[_XSTATE_C] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave/xrstor support.
 *
 * Author: Suresh Siddha <suresh.b.siddha@intel.com>
 */
#include <linux/bitops.h>
#include <linux/compat.h>
#include <linux/cpu.h>
#include <linux/mman.h>
#include <linux/nospec.h>
#include <linux/pkeys.h>
#include <linux/seq_file.h>
#include <linux/proc_fs.h>
#include <linux/vmalloc.h>

#include <asm/fpu/api.h>
#include <asm/fpu/regset.h>
#include <asm/fpu/signal.h>
#include <asm/fpu/xcr.h>

#include <asm/tlbflush.h>
#include <asm/prctl.h>
#include <asm/elf.h>

#include "context.h"
#include "internal.h"
#include "legacy.h"
#include "xstate.h"

/*
 * Although we spell it out in here, the Processor Trace
 * xfeature is completely unused.  We use other mechanisms
 * to save/restore PT state in Linux.
 */
static const char *xfeature_names[] =
{
        "x87 floating point registers",
        "SSE registers",
        "AVX registers",
        "MPX bounds registers",
        "MPX CSR",
        "AVX-512 opmask",
        "AVX-512 Hi256",
        "AVX-512 ZMM_Hi256",
        "Processor Trace (unused)",
        "Protection Keys User registers",
        "PASID state",
        "Control-flow User registers",
        "Control-flow Kernel registers (unused)",
        "unknown xstate feature",
        "unknown xstate feature",
        "unknown xstate feature",
        "unknown xstate feature",
        "AMX Tile config",
        "AMX Tile data",
        "unknown xstate feature",
};

/*
 * setup the xstate image representing the init state
 */
void __init fpu__init_system_xstate(unsigned int legacy_size)
{
        fpu_kernel_cfg.max_features = fpu_features_from_cpuid();
        fpu_kernel_cfg.max_features &= XFEATURE_MASK_USER_SUPPORTED |
                        XFEATURE_MASK_SUPERVISOR_SUPPORTED;

        fpu_user_cfg.max_features = fpu_kernel_cfg.max_features;
        fpu_user_cfg.max_features &= XFEATURE_MASK_USER_SUPPORTED;

        /* Clean out dynamic features from default */
        fpu_kernel_cfg.default_features = fpu_kernel_cfg.max_features;
        fpu_kernel_cfg.default_features &= ~XFEATURE_MASK_USER_DYNAMIC;

        fpu_user_cfg.default_features = fpu_user_cfg.max_features;
        fpu_user_cfg.default_features &= ~XFEATURE_MASK_USER_DYNAMIC;
}

static int __xstate_request_perm(u64 permitted, u64 requested, bool guest)
{
        /*
         * This deliberately does not exclude !XSAVES as we still might
         * decide to optionally context switch XCR0 or talk the silicon
         * vendors into extending XFD for the pre AMX states, especially
         * AVX512.
         */
        bool compacted = cpu_feature_enabled(X86_FEATURE_XCOMPACTED);
        struct fpu *fpu = x86_task_fpu(current->group_leader);
        struct fpu_state_perm *perm;
        unsigned int ksize, usize;
        u64 mask;
        int ret = 0;

        /* Check whether fully enabled */
        if ((permitted & requested) == requested)
                return 0;

        /* Calculate the resulting kernel state size */
        mask = permitted | requested;
        /* Take supervisor states into account on the host */
        if (!guest)
                mask |= xfeatures_mask_supervisor();
        ksize = xstate_calculate_size(mask, compacted);

        /* Calculate the resulting user state size */
        mask &= XFEATURE_MASK_USER_SUPPORTED;
        usize = xstate_calculate_size(mask, false);

        if (!guest) {
                ret = validate_sigaltstack(usize);
                if (ret)
                        return ret;
        }

        perm = guest ? &fpu->guest_perm : &fpu->perm;
        /* Pairs with the READ_ONCE() in xstate_get_group_perm() */
        WRITE_ONCE(perm->__state_perm, mask);
        /* Protected by sighand lock */
        perm->__state_size = ksize;
        perm->__user_state_size = usize;
        return ret;
}
""")

FILES[_XSTATE_H] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __X86_KERNEL_FPU_XSTATE_H
#define __X86_KERNEL_FPU_XSTATE_H

#include <asm/cpufeature.h>
#include <asm/fpu/xstate.h>
#include <asm/fpu/xcr.h>

/*
 * Save processor xstate to xsave area.
 *
 * Uses either XSAVE or XSAVEOPT or XSAVES depending on the CPU features
 * and command line options. The choice is permanent until the next reboot.
 */
static inline void os_xsave(struct fpstate *fpstate)
{
        u64 mask = fpstate->xfeatures;
        u32 lmask = mask;
        u32 hmask = mask >> 32;
        int err;

        WARN_ON_FPU(!alternatives_patched);
        xfd_validate_state(fpstate, mask, false);

        XSTATE_XSAVE(&fpstate->regs.xsave, lmask, hmask, err);

        /* We should never fault when copying to a kernel buffer: */
        WARN_ON_FPU(err);
}

#endif
""")

_CSOB = sob(CHAO)
_YC = sob(YANG, CHAO)
_RB_RICK = "Reviewed-by: Rick Edgecombe <rick.p.edgecombe@intel.com>\n"


def _cet_patches() -> list:
    return [
        Patch("x86/fpu/xstate: Always preserve non-user xfeatures/flags in __state_perm", SEAN,
              text("cet_01"), [
                  ks(_TYPES, """\
         * This bitmap indicates the permission for state components, which
         * are available to a thread group. The permission prctl() sets the
         * enabled state bits in thread_group_leader()->thread.fpu.
""", """\
         * This bitmap indicates the permission for state components
         * available to a thread group, including both user and supervisor
         * components and software-defined bits like FPU_GUEST_PERM_LOCKED.
         * The permission prctl() sets the enabled state bits in
         * thread_group_leader()->thread.fpu.
"""),
                  ks(_XSTATE_C, """\
        struct fpu_state_perm *perm;
        unsigned int ksize, usize;
        u64 mask;
        int ret = 0;

        /* Check whether fully enabled */
        if ((permitted & requested) == requested)
                return 0;

        /* Calculate the resulting kernel state size */
        mask = permitted | requested;
        /* Take supervisor states into account on the host */
        if (!guest)
                mask |= xfeatures_mask_supervisor();
        ksize = xstate_calculate_size(mask, compacted);

        /* Calculate the resulting user state size */
        mask &= XFEATURE_MASK_USER_SUPPORTED;
        usize = xstate_calculate_size(mask, false);
""", """\
        struct fpu_state_perm *perm;
        u64 mask = permitted | requested;
        unsigned int ksize, usize;
        int ret = 0;

        /* Check whether fully enabled */
        if ((permitted & requested) == requested)
                return 0;

        /*
         * Calculate the resulting kernel state size.  Note, @permitted also
         * contains supervisor xfeatures even though supervisor are always
         * permitted for kernel and guest FPUs, and never for user FPUs.
         */
        if (!guest)
                mask |= xfeatures_mask_supervisor();
        ksize = xstate_calculate_size(mask, compacted);

        /*
         * Calculate the resulting user state size.  Take care not to clobber
         * the supervisor xfeatures in the new mask!
         */
        usize = xstate_calculate_size(mask & XFEATURE_MASK_USER_SUPPORTED, false);
"""),
              ]),
        Patch("x86/fpu/xstate: Drop @perm from guest pseudo FPU container", CHAO,
              "Remove @perm from the guest pseudo FPU container. The field is\n"
              "initialized during allocation and never used later.\n\n"
              "Rename fpu_init_guest_permissions() to show that its sole purpose is to\n"
              "lock down guest permissions.\n\n"
              "Suggested-by: Maxim Levitsky <mlevitsk@redhat.com>\n"
              "Link: https://lore.kernel.org/kvm/af972fe5981b9e7101b64de43c7be0a8cc165323.camel@redhat.com/\n"
              + _CSOB, [
                  ks(_TYPES, """\

        /*
         * @perm:                       xfeature bitmap of features which are
         *                              permitted to be enabled for the guest
         *                              vCPU.
         */
        u64                             perm;
""", ""),
                  ks(_CORE, "        gfpu->perm                = fpu_user_cfg.default_features;\n", ""),
                  ks(_CORE, "        fpu_init_guest_permissions(gfpu);\n",
                     "        fpu_lock_guest_permissions();\n"),
              ]),
        Patch("x86/fpu/xstate: Correct guest fpstate size calculation", YANG,
              "Include supervisor xfeatures when calculating the size of the guest\n"
              "fpstate: guest FPUs may hold supervisor state components, and the\n"
              "size computed for them must cover those components too.\n\n"
              + _YC, [
                  ks(_XSTATE_C, """\
        if (!guest)
                mask |= xfeatures_mask_supervisor();
        ksize = xstate_calculate_size(mask, compacted);
""", """\
        ksize = xstate_calculate_size(mask | xfeatures_mask_supervisor(),
                                      compacted);
"""),
              ]),
        Patch("x86/fpu/xstate: Introduce guest FPU configuration", YANG,
              "Define a new fpu_guest_cfg to hold all guest FPU settings so that it\n"
              "can differ from generic kernel FPU settings, e.g., enabling CET\n"
              "supervisor xstate by default for guest fpstate while keeping it\n"
              "disabled for kernel FPUs.\n\n"
              "Inline a new function xstate_calculate_size() to calculate the size of\n"
              "guest FPUs as well.\n\n" + _YC, [
                  ks(_TYPES, "extern struct fpu_state_config fpu_kernel_cfg, fpu_user_cfg;\n",
                     "extern struct fpu_state_config fpu_kernel_cfg, fpu_user_cfg, fpu_guest_cfg;\n"),
                  ks(_CORE, "struct fpu_state_config fpu_user_cfg __ro_after_init;\n",
                     "struct fpu_state_config fpu_user_cfg __ro_after_init;\n"
                     "struct fpu_state_config fpu_guest_cfg __ro_after_init;\n"),
                  ks(_XSTATE_C, """\
        fpu_user_cfg.default_features = fpu_user_cfg.max_features;
        fpu_user_cfg.default_features &= ~XFEATURE_MASK_USER_DYNAMIC;
}
""", """\
        fpu_user_cfg.default_features = fpu_user_cfg.max_features;
        fpu_user_cfg.default_features &= ~XFEATURE_MASK_USER_DYNAMIC;

        fpu_guest_cfg.max_features = fpu_kernel_cfg.max_features;
        fpu_guest_cfg.default_features = fpu_guest_cfg.max_features;
        fpu_guest_cfg.default_features &= ~XFEATURE_MASK_USER_DYNAMIC;
}
"""),
              ]),
        Patch("x86/fpu/xstate: Initialize guest perm with fpu_guest_cfg", YANG,
              "Use fpu_guest_cfg to initialize the guest permissions instead of\n"
              "copying the kernel (host) permissions, so that guest-only features\n"
              "are permitted for guest FPUs from the start.\n\n" + _YC, [
                  ks(_CORE, """\
        /* Same defaults for guests */
        fpu->guest_perm = fpu->perm;
""", """\

        fpu->guest_perm.__state_perm        = fpu_guest_cfg.default_features;
        fpu->guest_perm.__state_size        = fpu_guest_cfg.default_size;
        /*
         * User space never allocates guest FPUs, use the kernel config
         * for the user state size.
         */
        fpu->guest_perm.__user_state_size = fpu_user_cfg.default_size;
"""),
              ]),
        Patch("x86/fpu/xstate: Initialize guest fpstate with fpu_guest_config", YANG,
              "Use fpu_guest_cfg to calculate guest fpstate settings, open code\n"
              "for __fpstate_reset() to avoid using kernel FPU config.\n\n" + _YC, [
                  ks(_CORE, "        size = fpu_user_cfg.default_size + ALIGN(offsetof(struct fpstate, regs), 64);\n",
                     "        size = fpu_guest_cfg.default_size + ALIGN(offsetof(struct fpstate, regs), 64);\n\n"),
                  ks(_CORE, "        /* Leave xfd to 0 (the reset value defined by spec) */\n"
                     "        __fpstate_reset(fpstate, 0);\n",
                     "        fpstate->size                = fpu_guest_cfg.default_size;\n"
                     "        fpstate->xfeatures        = fpu_guest_cfg.default_features;\n"
                     "        fpstate->user_size        = fpu_user_cfg.default_size;\n"
                     "        fpstate->user_xfeatures        = fpu_user_cfg.default_features;\n"
                     "        fpstate->xfd                = 0;\n\n"),
              ]),
        Patch("x86/fpu/xstate: Correct xfeatures cache in guest pseudo fpu container", CHAO,
              "The xfeatures field in struct fpu_guest is designed to track the\n"
              "enabled xfeatures for guest FPUs. However, during allocation in\n"
              "fpu_alloc_guest_fpstate(), gfpu->xfeatures is initialized to\n"
              "fpu_user_cfg.default_features, while the corresponding\n"
              "fpstate->xfeatures is set to fpu_guest_cfg.default_features.\n\n"
              "Fix the mismatch in case they are different.\n\n" + _CSOB, [
                  ks(_CORE, "        gfpu->xfeatures                = fpu_user_cfg.default_features;\n",
                     "        gfpu->xfeatures                = fpu_guest_cfg.default_features;\n"),
              ]),
        Patch("x86/fpu/xstate: Add CET supervisor xfeature support", YANG,
              "Add CET supervisor xfeature support: the XSAVE-managed MSRs\n"
              "IA32_PL{0,1,2}_SSP, enabled through IA32_XSS[bit 12].  Guest\n"
              "supervisor shadow stacks need this state to be context switched\n"
              "with the guest FPU.\n\n" + _YC, [
                  ks(_TYPES, "        XFEATURE_CET_KERNEL_UNUSED,\n", "        XFEATURE_CET_KERNEL,\n"),
                  ks(_TYPES, "#define XFEATURE_MASK_CET_USER          (1 << XFEATURE_CET_USER)\n",
                     "#define XFEATURE_MASK_CET_USER          (1 << XFEATURE_CET_USER)\n"
                     "#define XFEATURE_MASK_CET_KERNEL        (1 << XFEATURE_CET_KERNEL)\n"),
                  ks(_TYPES, "        u64 user_ssp;\n};\n",
                     "        u64 user_ssp;\n};\n\n/*\n * State component 12 is Control-flow Enforcement supervisor states.\n"
                     " * This state includes SSP pointers for privilege levels 0 through 2.\n */\n"
                     "struct cet_supervisor_state {\n        u64 pl0_ssp;\n        u64 pl1_ssp;\n"
                     "        u64 pl2_ssp;\n} __packed;\n"),
                  ks(_AXSTATE, "#define XFEATURE_MASK_SUPERVISOR_SUPPORTED (XFEATURE_MASK_PASID | \\\n"
                     "                                            XFEATURE_MASK_CET_USER)\n",
                     "#define XFEATURE_MASK_SUPERVISOR_SUPPORTED (XFEATURE_MASK_PASID | \\\n"
                     "                                            XFEATURE_MASK_CET_USER | \\\n"
                     "                                            XFEATURE_MASK_CET_KERNEL)\n"),
                  ks(_XSTATE_C, "        \"Control-flow Kernel registers (unused)\",\n",
                     "        \"Control-flow Kernel registers\",\n"),
              ]),
        Patch("x86/fpu/xstate: Introduce XFEATURE_MASK_KERNEL_DYNAMIC xfeature set", YANG,
              "Define a new XFEATURE_MASK_KERNEL_DYNAMIC mask to specify the features\n"
              "that can be dynamically enabled by the kernel on a per-task basis.\n"
              "Currently, only CET supervisor state is in it: it is only needed by\n"
              "guest FPUs, so keep it out of the default kernel features and save\n"
              "24 bytes per task.\n\n" + _YC, [
                  ks(_AXSTATE, "/*\n * A supervisor state component may not always contain valuable information,\n",
                     "/*\n * Features in this mask have space allocated in the signal frame, but may not\n"
                     " * have that space initialized when the feature is in its init state.\n */\n"
                     "#define XFEATURE_MASK_KERNEL_DYNAMIC        XFEATURE_MASK_CET_KERNEL\n\n"
                     "/*\n * A supervisor state component may not always contain valuable information,\n"),
                  ks(_XSTATE_C, "        fpu_kernel_cfg.default_features &= ~XFEATURE_MASK_USER_DYNAMIC;\n",
                     "        fpu_kernel_cfg.default_features &= ~XFEATURE_MASK_USER_DYNAMIC;\n"
                     "        fpu_kernel_cfg.default_features &= ~XFEATURE_MASK_KERNEL_DYNAMIC;\n"),
              ]),
        Patch("x86/fpu/xstate: Warn if CET supervisor state is detected in normal fpstate", YANG,
              "CET supervisor state should only be enabled for guest FPUs.  Warn if\n"
              "it shows up in the xfeatures of a non-guest fpstate when saving it.\n\n"
              + _YC, [
                  ks(_XSTATE_H, "        WARN_ON_FPU(!alternatives_patched);\n",
                     "        WARN_ON_FPU(!alternatives_patched);\n"
                     "        WARN_ON_FPU(!fpstate->is_guest && (mask & XFEATURE_MASK_KERNEL_DYNAMIC));\n"),
              ]),
    ]


S_CET = Series(
    key="cet-v3", project="linux", title="Introduce CET supervisor state support",
    sender=CHAO, committer=CHAO, prefix="PATCH", version=3,
    first_date=datetime(2025, 3, 8, 0, 41, 13, tzinfo=tz(8)),
    author_date=datetime(2025, 3, 6, 15, 2, 45, tzinfo=tz(8)),
    style="send-email", stamp="20250307164123.1613414", git_version="2.46.1",
    to=["kvm@vger.kernel.org", "chao.gao@intel.com", "tglx@linutronix.de",
        "dave.hansen@intel.com", "x86@kernel.org", "seanjc@google.com", "pbonzini@redhat.com",
        "linux-kernel@vger.kernel.org"],
    cc=["peterz@infradead.org", "rick.p.edgecombe@intel.com", "weijiang.yang@intel.com",
        "john.allen@amd.com", "bp@alien8.de"],
    cover={"subject": "Introduce CET supervisor state support", "blurb": text("cet_00")},
    patches=_cet_patches(),
)


# =====================================================================================
# tun: Introduce virtio-net hashing feature (net-next v9, sent with b4)
# =====================================================================================

FILES["include/linux/virtio_net.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_VIRTIO_NET_H
#define _LINUX_VIRTIO_NET_H

#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <uapi/linux/tcp.h>
#include <uapi/linux/virtio_net.h>

static inline bool virtio_net_hdr_match_proto(__be16 protocol, __u8 gso_type)
{
        switch (gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
        case VIRTIO_NET_HDR_GSO_TCPV4:
                return protocol == cpu_to_be16(ETH_P_IP);
        case VIRTIO_NET_HDR_GSO_TCPV6:
                return protocol == cpu_to_be16(ETH_P_IPV6);
        case VIRTIO_NET_HDR_GSO_UDP:
        case VIRTIO_NET_HDR_GSO_UDP_L4:
                return protocol == cpu_to_be16(ETH_P_IP) ||
                       protocol == cpu_to_be16(ETH_P_IPV6);
        default:
                return false;
        }
}

static inline int virtio_net_hdr_set_proto(struct sk_buff *skb,
                                           const struct virtio_net_hdr *hdr)
{
        if (skb->protocol)
                return 0;

        switch (hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
        case VIRTIO_NET_HDR_GSO_TCPV4:
        case VIRTIO_NET_HDR_GSO_UDP:
        case VIRTIO_NET_HDR_GSO_UDP_L4:
                skb->protocol = cpu_to_be16(ETH_P_IP);
                break;
        case VIRTIO_NET_HDR_GSO_TCPV6:
                skb->protocol = cpu_to_be16(ETH_P_IPV6);
                break;
        default:
                return -EINVAL;
        }

        return 0;
}

#endif /* _LINUX_VIRTIO_NET_H */
""")

_VNET_HASH = """\
struct virtio_net_hash {
        u32 value;
        u16 report;
};

struct virtio_net_toeplitz_state {
        u32 hash;
        const u32 *key;
};

#define VIRTIO_NET_SUPPORTED_HASH_TYPES (VIRTIO_NET_RSS_HASH_TYPE_IPv4 | \\
                                         VIRTIO_NET_RSS_HASH_TYPE_TCPv4 | \\
                                         VIRTIO_NET_RSS_HASH_TYPE_UDPv4 | \\
                                         VIRTIO_NET_RSS_HASH_TYPE_IPv6 | \\
                                         VIRTIO_NET_RSS_HASH_TYPE_TCPv6 | \\
                                         VIRTIO_NET_RSS_HASH_TYPE_UDPv6)

#define VIRTIO_NET_RSS_MAX_KEY_SIZE 40

static inline void virtio_net_toeplitz_convert_key(u32 *input, size_t len)
{
        while (len >= sizeof(*input)) {
                *input = be32_to_cpu((__force __be32)*input);
                input++;
                len -= sizeof(*input);
        }
}

static inline void virtio_net_toeplitz_calc(struct virtio_net_toeplitz_state *state,
                                            const __be32 *input, size_t len)
{
        while (len >= sizeof(*input)) {
                for (u32 map = be32_to_cpu(*input); map; map &= (map - 1)) {
                        u32 i = ffs(map);

                        state->hash ^= state->key[0] << (32 - i) |
                                       (u32)((u64)state->key[1] >> i);
                }

                state->key++;
                input++;
                len -= sizeof(*input);
        }
}

static inline u8 virtio_net_hash_key_length(u32 types)
{
        size_t len = 0;

        if (types & VIRTIO_NET_HASH_REPORT_IPv4)
                len = max(len,
                          sizeof(struct flow_dissector_key_ipv4_addrs));

        if (types &
            (VIRTIO_NET_HASH_REPORT_TCPv4 | VIRTIO_NET_HASH_REPORT_UDPv4))
                len = max(len,
                          sizeof(struct flow_dissector_key_ipv4_addrs) +
                          sizeof(struct flow_dissector_key_ports));

        if (types & VIRTIO_NET_HASH_REPORT_IPv6)
                len = max(len,
                          sizeof(struct flow_dissector_key_ipv6_addrs));

        if (types &
            (VIRTIO_NET_HASH_REPORT_TCPv6 | VIRTIO_NET_HASH_REPORT_UDPv6))
                len = max(len,
                          sizeof(struct flow_dissector_key_ipv6_addrs) +
                          sizeof(struct flow_dissector_key_ports));

        return len + sizeof(u32);
}

static inline u32 virtio_net_hash_report(u32 types,
                                         const struct flow_keys_basic *keys)
{
        switch (keys->basic.n_proto) {
        case cpu_to_be16(ETH_P_IP):
                if (!(keys->control.flags & FLOW_DIS_IS_FRAGMENT)) {
                        if (keys->basic.ip_proto == IPPROTO_TCP &&
                            (types & VIRTIO_NET_RSS_HASH_TYPE_TCPv4))
                                return VIRTIO_NET_HASH_REPORT_TCPv4;

                        if (keys->basic.ip_proto == IPPROTO_UDP &&
                            (types & VIRTIO_NET_RSS_HASH_TYPE_UDPv4))
                                return VIRTIO_NET_HASH_REPORT_UDPv4;
                }

                if (types & VIRTIO_NET_RSS_HASH_TYPE_IPv4)
                        return VIRTIO_NET_HASH_REPORT_IPv4;

                return VIRTIO_NET_HASH_REPORT_NONE;

        case cpu_to_be16(ETH_P_IPV6):
                if (!(keys->control.flags & FLOW_DIS_IS_FRAGMENT)) {
                        if (keys->basic.ip_proto == IPPROTO_TCP &&
                            (types & VIRTIO_NET_RSS_HASH_TYPE_TCPv6))
                                return VIRTIO_NET_HASH_REPORT_TCPv6;

                        if (keys->basic.ip_proto == IPPROTO_UDP &&
                            (types & VIRTIO_NET_RSS_HASH_TYPE_UDPv6))
                                return VIRTIO_NET_HASH_REPORT_UDPv6;
                }

                if (types & VIRTIO_NET_RSS_HASH_TYPE_IPv6)
                        return VIRTIO_NET_HASH_REPORT_IPv6;

                return VIRTIO_NET_HASH_REPORT_NONE;

        default:
                return VIRTIO_NET_HASH_REPORT_NONE;
        }
}

/**
 * virtio_net_hash_report_to_type - convert a hash report to a hash type bit
 * @report: one of VIRTIO_NET_HASH_REPORT_*
 *
 * Return: the VIRTIO_NET_RSS_HASH_TYPE_* bit that produces @report.
 */
static inline u32 virtio_net_hash_report_to_type(u16 report)
{
        if (report == VIRTIO_NET_HASH_REPORT_NONE)
                return 0;

        return BIT(report - 1);
}

static inline void virtio_net_hash_rss(const struct sk_buff *skb,
                                       u32 types, const u32 *key,
                                       struct virtio_net_hash *hash)
{
        struct virtio_net_toeplitz_state toeplitz_state = { .key = key };
        struct flow_keys flow;
        struct flow_keys_basic flow_basic;
        u16 report;

        if (!skb_flow_dissect_flow_keys(skb, &flow, 0)) {
                hash->report = VIRTIO_NET_HASH_REPORT_NONE;
                return;
        }

        flow_basic = (struct flow_keys_basic) {
                .control = flow.control,
                .basic = flow.basic
        };

        report = virtio_net_hash_report(types, &flow_basic);

        switch (report) {
        case VIRTIO_NET_HASH_REPORT_IPv4:
                virtio_net_toeplitz_calc(&toeplitz_state,
                                         (__be32 *)&flow.addrs.v4addrs,
                                         sizeof(flow.addrs.v4addrs));
                break;

        case VIRTIO_NET_HASH_REPORT_TCPv4:
        case VIRTIO_NET_HASH_REPORT_UDPv4:
                virtio_net_toeplitz_calc(&toeplitz_state,
                                         (__be32 *)&flow.addrs.v4addrs,
                                         sizeof(flow.addrs.v4addrs));
                virtio_net_toeplitz_calc(&toeplitz_state, &flow.ports.ports,
                                         sizeof(flow.ports.ports));
                break;

        case VIRTIO_NET_HASH_REPORT_IPv6:
                virtio_net_toeplitz_calc(&toeplitz_state,
                                         (__be32 *)&flow.addrs.v6addrs,
                                         sizeof(flow.addrs.v6addrs));
                break;

        case VIRTIO_NET_HASH_REPORT_TCPv6:
        case VIRTIO_NET_HASH_REPORT_UDPv6:
                virtio_net_toeplitz_calc(&toeplitz_state,
                                         (__be32 *)&flow.addrs.v6addrs,
                                         sizeof(flow.addrs.v6addrs));
                virtio_net_toeplitz_calc(&toeplitz_state, &flow.ports.ports,
                                         sizeof(flow.ports.ports));
                break;

        default:
                hash->report = VIRTIO_NET_HASH_REPORT_NONE;
                return;
        }

        hash->value = toeplitz_state.hash;
        hash->report = report;
}

"""

FILES["include/net/flow_dissector.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NET_FLOW_DISSECTOR_H
#define _NET_FLOW_DISSECTOR_H

#include <linux/types.h>
#include <linux/in6.h>
#include <linux/siphash.h>
#include <linux/string.h>
#include <uapi/linux/if_ether.h>

extern struct flow_dissector flow_keys_dissector;
extern struct flow_dissector flow_keys_basic_dissector;

#endif
""")

FILES["net/core/flow_dissector.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/export.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/flow_dissector.h>

struct flow_dissector flow_keys_dissector __read_mostly;
EXPORT_SYMBOL(flow_keys_dissector);

struct flow_dissector flow_keys_basic_dissector __read_mostly;
EXPORT_SYMBOL(flow_keys_basic_dissector);

static struct flow_dissector flow_keys_dissector_symmetric __read_mostly;
""")

FILES["Documentation/networking/tuntap.rst"] = """\
.. SPDX-License-Identifier: GPL-2.0
.. include:: <isonum.txt>

===============================
Universal TUN/TAP device driver
===============================

Copyright |copy| 1999-2000 Maxim Krasnyansky <max_mk@yahoo.com>

  Linux, Solaris drivers
  Copyright |copy| 1999-2000 Maxim Krasnyansky <max_mk@yahoo.com>

  FreeBSD TAP driver
  Copyright |copy| 1999-2000 Maksim Yevmenkin <m_evmenkin@yahoo.com>

  Revision of this document 2002 by Florian Thiel <florian.thiel@gmx.net>

3.4 Multiqueue tuntap interface
-------------------------------

From version 3.8, Linux supports multiqueue tuntap which can uses multiple
file descriptors (queues) to parallelize packets sending or receiving.
"""

FILES["drivers/net/Kconfig"] = K("""\
config TUN
        tristate "Universal TUN/TAP device driver support"
        depends on INET
        select CRC32
        help
          TUN/TAP provides packet reception and transmission for user space
          programs.  It can be viewed as a simple Point-to-Point or Ethernet
          device, which instead of receiving packets from a physical media,
          receives them from user space program and instead of sending packets
          via physical media writes them to the user space program.
""")

FILES["drivers/net/tun_vnet.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TUN_VNET_H
#define TUN_VNET_H

/* High bits in flags field are unused. */
#define TUN_VNET_LE     0x80000000
#define TUN_VNET_BE     0x40000000

static inline bool tun_vnet_legacy_is_little_endian(unsigned int flags)
{
        bool be = IS_ENABLED(CONFIG_TUN_VNET_CROSS_LE) &&
                  (flags & TUN_VNET_BE);

        return !be && virtio_legacy_is_little_endian();
}

static inline long tun_vnet_ioctl(int *vnet_hdr_sz, unsigned int *flags,
                                  unsigned int cmd, int __user *sp)
{
        int s;

        switch (cmd) {
        case TUNGETVNETHDRSZ:
                s = *vnet_hdr_sz;
                if (put_user(s, sp))
                        return -EFAULT;
                return 0;

        default:
                return -EINVAL;
        }
}

#endif /* TUN_VNET_H */
""")

FILES["drivers/net/tun.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 *  TUN - Universal TUN/TAP device driver.
 *  Copyright (C) 1999-2002 Maxim Krasnyansky <maxk@qualcomm.com>
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/if_tun.h>
#include <net/sock.h>

#include "tun_vnet.h"

struct tun_struct {
        struct tun_file __rcu   *tfiles[MAX_TAP_QUEUES];
        unsigned int            numqueues;
        unsigned int            flags;
        kuid_t                  owner;
        kgid_t                  group;

        struct net_device       *dev;
        netdev_features_t       set_features;
        int                     align;
        int                     vnet_hdr_sz;
        int                     sndbuf;
        struct sock_fprog       fprog;
        /* protected by rtnl lock */
        bool                    filter_attached;
        u32                     msg_enable;
        spinlock_t lock;
};

static u16 tun_automq_select_queue(struct tun_struct *tun, struct sk_buff *skb)
{
        struct tun_flow_entry *e;
        u32 txq, numqueues;

        numqueues = READ_ONCE(tun->numqueues);

        txq = __skb_get_hash_symmetric(skb);
        e = tun_flow_find(&tun->flows[tun_hashfn(txq)], txq);
        if (e) {
                tun_flow_save_rps_rxhash(e, txq);
                txq = e->queue_index;
        } else {
                txq = reciprocal_scale(txq, numqueues);
        }

        return txq;
}
""")

FILES["drivers/net/tap.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/etherdevice.h>
#include <linux/if_tap.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/nsproxy.h>
#include <linux/compat.h>
#include <linux/if_tun.h>
#include <linux/module.h>
#include <linux/skbuff.h>

#include "tun_vnet.h"

rx_handler_result_t tap_handle_frame(struct sk_buff **pskb)
{
        struct sk_buff *skb = *pskb;
        struct net_device *dev = skb->dev;
        struct tap_dev *tap;
        struct tap_queue *q;
        netdev_features_t features = TAP_FEATURES;
        enum skb_drop_reason drop_reason;

        tap = tap_dev_get_rcu(dev);
        if (!tap)
                return RX_HANDLER_PASS;

        q = tap_get_queue(tap, skb);
        if (!q)
                return RX_HANDLER_PASS;

        skb_push(skb, ETH_HLEN);

        return RX_HANDLER_CONSUMED;
}
""")

FILES["include/linux/if_tap.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_IF_TAP_H_
#define _LINUX_IF_TAP_H_

#include <net/sock.h>
#include <linux/skb_array.h>

struct file;
struct socket;

struct tap_dev {
        struct net_device       *dev;
        u16                     flags;
        /* This array tracks active taps. */
        struct tap_queue    __rcu *taps[MAX_TAP_QUEUES];
        /* This list tracks all taps (both enabled and disabled) */
        struct list_head        queue_list;
        int                     numvtaps;
        int                     numqueues;
        netdev_features_t       tap_features;
        int                     minor;

        void (*update_features)(struct tap_dev *tap, netdev_features_t features);
        void (*count_tx_dropped)(struct tap_dev *tap);
        void (*count_rx_dropped)(struct tap_dev *tap);
};

#endif /*_LINUX_IF_TAP_H_*/
""")

FILES["include/linux/skbuff.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef _LINUX_SKBUFF_H
#define _LINUX_SKBUFF_H

enum skb_ext_id {
#if IS_ENABLED(CONFIG_BRIDGE_NETFILTER)
        SKB_EXT_BRIDGE_NF,
#endif
#ifdef CONFIG_XFRM
        SKB_EXT_SEC_PATH,
#endif
#if IS_ENABLED(CONFIG_NET_TC_SKB_EXT)
        TC_SKB_EXT,
#endif
#if IS_ENABLED(CONFIG_MPTCP)
        SKB_EXT_MPTCP,
#endif
#if IS_ENABLED(CONFIG_MCTP_FLOWS)
        SKB_EXT_MCTP,
#endif
        SKB_EXT_NUM, /* must be last */
};

#endif        /* _LINUX_SKBUFF_H */
""")

FILES["net/core/skbuff.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-or-later
static const u8 skb_ext_type_len[] = {
#if IS_ENABLED(CONFIG_BRIDGE_NETFILTER)
        [SKB_EXT_BRIDGE_NF] = SKB_EXT_CHUNKSIZEOF(struct nf_bridge_info),
#endif
#ifdef CONFIG_XFRM
        [SKB_EXT_SEC_PATH] = SKB_EXT_CHUNKSIZEOF(struct sec_path),
#endif
#if IS_ENABLED(CONFIG_NET_TC_SKB_EXT)
        [TC_SKB_EXT] = SKB_EXT_CHUNKSIZEOF(struct tc_skb_ext),
#endif
#if IS_ENABLED(CONFIG_MPTCP)
        [SKB_EXT_MPTCP] = SKB_EXT_CHUNKSIZEOF(struct mptcp_ext),
#endif
#if IS_ENABLED(CONFIG_MCTP_FLOWS)
        [SKB_EXT_MCTP] = SKB_EXT_CHUNKSIZEOF(struct mctp_flow),
#endif
};
""")

FILES["include/uapi/linux/if_tun.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0+ WITH Linux-syscall-note */
/*
 *  Universal TUN/TAP device driver.
 *  Copyright (C) 1999-2000 Maxim Krasnyansky <max_mk@yahoo.com>
 */

#ifndef _UAPI__IF_TUN_H
#define _UAPI__IF_TUN_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/filter.h>

/* Read queue size */
#define TUN_READQ_SIZE        500
/* TUN device type flags: deprecated. Use IFF_TUN/IFF_TAP instead. */
#define TUN_TUN_DEV         IFF_TUN
#define TUN_TAP_DEV        IFF_TAP
#define TUN_TYPE_MASK   0x000f

/* Ioctl defines */
#define TUNSETNOCSUM  _IOW('T', 200, int)
#define TUNSETDEBUG   _IOW('T', 201, int)
#define TUNSETIFF     _IOW('T', 202, int)
#define TUNSETPERSIST _IOW('T', 203, int)
#define TUNSETOWNER   _IOW('T', 204, int)
#define TUNSETLINK    _IOW('T', 205, int)
#define TUNSETGROUP   _IOW('T', 206, int)
#define TUNGETFEATURES _IOR('T', 207, unsigned int)
#define TUNSETOFFLOAD  _IOW('T', 208, unsigned int)
#define TUNSETTXFILTER _IOW('T', 209, unsigned int)
#define TUNGETIFF      _IOR('T', 210, unsigned int)
#define TUNGETSNDBUF   _IOR('T', 211, int)
#define TUNSETSNDBUF   _IOW('T', 212, int)
#define TUNATTACHFILTER _IOW('T', 213, struct sock_fprog)
#define TUNDETACHFILTER _IOW('T', 214, struct sock_fprog)
#define TUNGETVNETHDRSZ _IOR('T', 215, int)
#define TUNSETVNETHDRSZ _IOW('T', 216, int)
#define TUNSETQUEUE  _IOW('T', 217, int)
#define TUNSETIFINDEX        _IOW('T', 218, unsigned int)
#define TUNGETFILTER _IOR('T', 219, struct sock_fprog)
#define TUNSETVNETLE _IOW('T', 220, int)
#define TUNGETVNETLE _IOR('T', 221, int)
#define TUNSETVNETBE _IOW('T', 222, int)
#define TUNGETVNETBE _IOR('T', 223, int)
#define TUNSETSTEERINGEBPF _IOR('T', 224, int)
#define TUNSETFILTEREBPF _IOR('T', 225, int)
#define TUNSETCARRIER _IOW('T', 226, int)
#define TUNGETDEVNETNS _IO('T', 227)

#endif /* _UAPI__IF_TUN_H */
""")

FILES["drivers/vhost/net.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2009 Red Hat, Inc.
 * Author: Michael S. Tsirkin <mst@redhat.com>
 *
 * virtio-net server in host kernel.
 */

#include <linux/compat.h>
#include <linux/eventfd.h>
#include <linux/vhost.h>
#include <linux/virtio_net.h>

enum {
        VHOST_NET_FEATURES = VHOST_FEATURES |
                         (1ULL << VHOST_NET_F_VIRTIO_NET_HDR) |
                         (1ULL << VIRTIO_NET_F_MRG_RXBUF) |
                         (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
                         (1ULL << VIRTIO_F_RING_RESET)
};

struct vhost_net_virtqueue {
        struct vhost_virtqueue vq;
        size_t vhost_hlen;
        size_t sock_hlen;
        /* vhost zerocopy support fields below: */
        /* last used idx for outstanding DMA zerocopy buffers */
        int upend_idx;
        /* For TX, first used idx for DMA done zerocopy buffers
         * For RX, number of batched heads
         */
        int done_idx;
};

static int vhost_net_set_features(struct vhost_net *n, u64 features)
{
        size_t vhost_hlen, sock_hlen, hdr_len;
        int i;

        hdr_len = (features & ((1ULL << VIRTIO_NET_F_MRG_RXBUF) |
                               (1ULL << VIRTIO_F_VERSION_1))) ?
                        sizeof(struct virtio_net_hdr_mrg_rxbuf) :
                        sizeof(struct virtio_net_hdr);
        if (features & (1 << VHOST_NET_F_VIRTIO_NET_HDR)) {
                /* vhost provides vnet_hdr */
                vhost_hlen = hdr_len;
                sock_hlen = 0;
        } else {
                /* socket provides vnet_hdr */
                vhost_hlen = 0;
                sock_hlen = hdr_len;
        }

        for (i = 0; i < VHOST_NET_VQ_MAX; ++i) {
                mutex_lock(&n->vqs[i].vq.mutex);
                n->vqs[i].vq.acked_features = features;
                n->vqs[i].vhost_hlen = vhost_hlen;
                n->vqs[i].sock_hlen = sock_hlen;
                mutex_unlock(&n->vqs[i].vq.mutex);
        }
        return 0;
}
""")

FILES["tools/testing/selftests/net/Makefile"] = K("""\
# SPDX-License-Identifier: GPL-2.0
# Makefile for net selftests

CFLAGS += -Wall -Wl,--no-as-needed -O2 -g
CFLAGS += -I../../../../usr/include/ $(KHDR_INCLUDES)
# Additional include paths needed by kselftest.h
CFLAGS += -I../

TEST_GEN_FILES := socket nettest
TEST_GEN_PROGS := reuseport_bpf reuseport_bpf_cpu reuseport_bpf_numa
TEST_GEN_PROGS += tun tap

include ../lib.mk
""")

FILES["tools/testing/selftests/net/tun.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../kselftest_harness.h"

static int tun_attach(int fd, char *dev)
{
        struct ifreq ifr;

        memset(&ifr, 0, sizeof(ifr));
        strcpy(ifr.ifr_name, dev);
        ifr.ifr_flags = IFF_ATTACH_QUEUE;

        return ioctl(fd, TUNSETQUEUE, (void *) &ifr);
}

FIXTURE(tun)
{
        int fd, fd2;
};

FIXTURE_SETUP(tun)
{
        char dev[IFNAMSIZ] = "tap0";

        self->fd = tun_alloc(dev);
        self->fd2 = tun_alloc(dev);
}

FIXTURE_TEARDOWN(tun)
{
        if (self->fd >= 0)
                close(self->fd);
        if (self->fd2 >= 0)
                close(self->fd2);
}

TEST_F(tun, delete_detach_close) {
        EXPECT_EQ(tun_delete(self->ifname), 0);
        EXPECT_EQ(tun_detach(self->fd, self->ifname), -1);
        EXPECT_EQ(errno, 22);
}

TEST_HARNESS_MAIN
""")

_ASOB = sob(AKIHIKO)
_LEI = "Tested-by: Lei Yang <leiyang@redhat.com>\n"


def _rss_patches() -> list:
    return [
        Patch("virtio_net: Add functions for hashing", AKIHIKO, text("rss_1"), [
            kadd_after("include/linux/virtio_net.h", "#include <uapi/linux/virtio_net.h>\n\n",
                       _VNET_HASH),
        ]),
        Patch("net: flow_dissector: Export flow_keys_dissector_symmetric", AKIHIKO,
              "flow_keys_dissector_symmetric is useful to derive a symmetric hash\n"
              "and to know its source such as IPv4, IPv6, TCP, and UDP.\n\n" + _ASOB + _LEI, [
                  ks("include/net/flow_dissector.h",
                     "extern struct flow_dissector flow_keys_basic_dissector;\n",
                     "extern struct flow_dissector flow_keys_basic_dissector;\n"
                     "extern struct flow_dissector flow_keys_dissector_symmetric;\n"),
                  ks("net/core/flow_dissector.c",
                     "static struct flow_dissector flow_keys_dissector_symmetric __read_mostly;\n",
                     "struct flow_dissector flow_keys_dissector_symmetric __read_mostly;\n"
                     "EXPORT_SYMBOL(flow_keys_dissector_symmetric);\n"),
              ]),
        Patch("tun: Introduce virtio-net hash feature", AKIHIKO,
              "Add ioctls and storage required for the virtio-net hash feature to TUN.\n\n"
              "Hash reporting is implemented by storing the hash value and its type in\n"
              "an skb extension when the packet is queued; RSS steers the packet to\n"
              "the queue the indirection table selects.\n\n" + _ASOB + _LEI, [
                  ("sub", "Documentation/networking/tuntap.rst",
                   "file descriptors (queues) to parallelize packets sending or receiving.\n",
                   "file descriptors (queues) to parallelize packets sending or receiving.\n\n"
                   "3.5 Hash reporting and RSS\n--------------------------\n\n"
                   "TUNGETVNETHASHCAP reports the hash types the kernel can compute and\n"
                   "TUNSETVNETHASH enables hash reporting and/or RSS; the hash is reported\n"
                   "in the virtio_net_hdr_v1_hash header.\n"),
                  ks("drivers/net/Kconfig", "        select CRC32\n",
                     "        select CRC32\n        select SKB_EXTENSIONS\n"),
                  ks("drivers/net/tun_vnet.h", "        default:\n                return -EINVAL;\n        }\n}\n",
                     "        default:\n                return -EINVAL;\n        }\n}\n\n"
                     "static inline long tun_vnet_ioctl_gethashtypes(u32 __user *argp)\n{\n"
                     "        return put_user(VIRTIO_NET_SUPPORTED_HASH_TYPES, argp) ? -EFAULT : 0;\n}\n\n"
                     "static inline long tun_vnet_ioctl_sethash(struct tun_vnet_hash_container __rcu **hashp,\n"
                     "                                          bool can_rss, void __user *argp)\n{\n"
                     "        struct tun_vnet_hash hash_buf;\n"
                     "        struct tun_vnet_hash_container *hash;\n\n"
                     "        if (copy_from_user(&hash_buf, argp, sizeof(hash_buf)))\n"
                     "                return -EFAULT;\n        argp = (struct tun_vnet_hash __user *)argp + 1;\n\n"
                     "        if (!(hash_buf.flags & TUN_VNET_HASH_RSS)) {\n"
                     "                hash = kzalloc(sizeof(*hash), GFP_KERNEL);\n"
                     "                if (!hash)\n                        return -ENOMEM;\n"
                     "        }\n\n        hash->common = hash_buf;\n"
                     "        kfree_rcu_mightsleep(rcu_replace_pointer_rtnl(*hashp, hash));\n"
                     "        return 0;\n}\n"),
                  ks("drivers/net/tun.c", "        u32                     msg_enable;\n",
                     "        u32                     msg_enable;\n"
                     "        struct tun_vnet_hash_container __rcu *vnet_hash;\n"),
                  ks("drivers/net/tun.c", "        txq = __skb_get_hash_symmetric(skb);\n",
                     "        txq = __skb_get_hash_symmetric(skb);\n"
                     "        tun_vnet_hash_report(vnet_hash, skb, &keys, txq, tun_add_hash);\n"),
                  ks("drivers/net/tap.c", "        skb_push(skb, ETH_HLEN);\n",
                     "        if (tap->vnet_hash)\n                tun_vnet_hash_report(tap->vnet_hash, skb, NULL, 0, tap_add_hash);\n\n"
                     "        skb_push(skb, ETH_HLEN);\n"),
                  ks("include/linux/if_tap.h", "        int                     minor;\n",
                     "        int                     minor;\n"
                     "        /* Protected by RTNL */\n"
                     "        struct tun_vnet_hash_container __rcu *vnet_hash;\n"),
                  ks("include/linux/skbuff.h", "#if IS_ENABLED(CONFIG_MCTP_FLOWS)\n        SKB_EXT_MCTP,\n#endif\n",
                     "#if IS_ENABLED(CONFIG_MCTP_FLOWS)\n        SKB_EXT_MCTP,\n#endif\n"
                     "#if IS_ENABLED(CONFIG_TUN)\n        SKB_EXT_TUN_VNET_HASH,\n#endif\n"),
                  ks("net/core/skbuff.c",
                     "        [SKB_EXT_MCTP] = SKB_EXT_CHUNKSIZEOF(struct mctp_flow),\n#endif\n",
                     "        [SKB_EXT_MCTP] = SKB_EXT_CHUNKSIZEOF(struct mctp_flow),\n#endif\n"
                     "#if IS_ENABLED(CONFIG_TUN)\n"
                     "        [SKB_EXT_TUN_VNET_HASH] = SKB_EXT_CHUNKSIZEOF(struct virtio_net_hash),\n"
                     "#endif\n"),
                  ks("include/uapi/linux/if_tun.h", "#define TUNGETDEVNETNS _IO('T', 227)\n",
                     "#define TUNGETDEVNETNS _IO('T', 227)\n\n"
                     "/**\n * define TUNGETVNETHASHTYPES - ioctl to get supported virtio_net hashing types\n"
                     " *\n * The argument is a pointer to __u32 which will store the supported virtio_net\n"
                     " * hashing types.\n */\n#define TUNGETVNETHASHTYPES _IOR('T', 228, __u32)\n\n"
                     "/**\n * define TUNSETVNETHASH - ioctl to configure virtio_net hashing\n *\n"
                     " * The argument is a pointer to &struct tun_vnet_hash.\n */\n"
                     "#define TUNSETVNETHASH _IOW('T', 229, struct tun_vnet_hash)\n\n"
                     "/**\n * define TUN_VNET_HASH_REPORT - Request virtio_net hash reporting for vhost\n */\n"
                     "#define TUN_VNET_HASH_REPORT        0x0001\n\n"
                     "/**\n * define TUN_VNET_HASH_RSS - Request virtio_net RSS\n */\n"
                     "#define TUN_VNET_HASH_RSS        0x0002\n\n"
                     "/**\n * struct tun_vnet_hash - virtio_net hashing configuration\n"
                     " * @flags:\n *                Bitmask consists of %TUN_VNET_HASH_REPORT and %TUN_VNET_HASH_RSS\n"
                     " * @pad:\n *                Should be filled with zero before passing to %TUNSETVNETHASH\n"
                     " * @types:\n *                Bitmask of allowed hash types\n */\n"
                     "struct tun_vnet_hash {\n        __u16 flags;\n        __u8 pad[2];\n        __u32 types;\n};\n"),
              ]),
        Patch("selftest: tun: Test vnet ioctls without device", AKIHIKO,
              "Ensure that vnet ioctls result in EBADFD when the underlying device is\n"
              "deleted.\n\n" + _ASOB + _LEI, [
                  ks("tools/testing/selftests/net/tun.c", "TEST_HARNESS_MAIN\n",
                     "TEST_F(tun, vnet_ioctls_without_device) {\n"
                     "        int hdr_sz;\n\n"
                     "        EXPECT_EQ(tun_delete(self->ifname), 0);\n"
                     "        EXPECT_EQ(ioctl(self->fd, TUNGETVNETHDRSZ, &hdr_sz), -1);\n"
                     "        EXPECT_EQ(errno, EBADFD);\n}\n\nTEST_HARNESS_MAIN\n"),
              ]),
        Patch("selftest: tun: Add tests for virtio-net hashing", AKIHIKO,
              "The added tests confirm tun can perform RSS and hash reporting, and\n"
              "reject invalid configurations for them.\n\n" + _ASOB + _LEI, [
                  ks("tools/testing/selftests/net/Makefile", "TEST_GEN_PROGS += tun tap\n",
                     "TEST_GEN_PROGS += tun tap\nLDLIBS += -lmnl\n"),
                  ks("tools/testing/selftests/net/Makefile", "TEST_GEN_FILES := socket nettest\n",
                     "TEST_GEN_FILES := socket nettest tun_vnet_hash\n"),
                  ks("tools/testing/selftests/net/tun.c", "TEST_HARNESS_MAIN\n",
                     "FIXTURE(tun_vnet_hash)\n{\n        int dest_fds[3];\n        int source_fd;\n};\n\n"
                     "TEST_F(tun_vnet_hash, unclassified) {\n"
                     "        struct tun_vnet_hash hash = { .flags = TUN_VNET_HASH_REPORT,\n"
                     "                                      .types = VIRTIO_NET_HASH_REPORT_IPv4 };\n\n"
                     "        ASSERT_EQ(ioctl(self->dest_fds[0], TUNSETVNETHASH, &hash), 0);\n}\n\n"
                     "TEST_HARNESS_MAIN\n"),
              ]),
        Patch("vhost/net: Support VIRTIO_NET_F_HASH_REPORT", AKIHIKO,
              "VIRTIO_NET_F_HASH_REPORT allows to report hash values calculated on the\n"
              "host. When VHOST_NET_F_VIRTIO_NET_HDR is employed, it will report no\n"
              "hash values (i.e., the hash_report member is always set to\n"
              "VIRTIO_NET_HASH_REPORT_NONE). Otherwise, the values reported by the\n"
              "underlying socket will be reported.\n\n"
              "VIRTIO_NET_F_HASH_REPORT requires VIRTIO_F_VERSION_1.\n\n" + _ASOB + _LEI, [
                  ks("drivers/vhost/net.c", "                         (1ULL << VIRTIO_F_RING_RESET)\n};\n",
                     "                         (1ULL << VIRTIO_F_RING_RESET) |\n"
                     "                         (1ULL << VIRTIO_NET_F_HASH_REPORT)\n};\n"),
                  ks("drivers/vhost/net.c", """\
        hdr_len = (features & ((1ULL << VIRTIO_NET_F_MRG_RXBUF) |
                               (1ULL << VIRTIO_F_VERSION_1))) ?
                        sizeof(struct virtio_net_hdr_mrg_rxbuf) :
                        sizeof(struct virtio_net_hdr);
""", """\
        if (features & (1ULL << VIRTIO_NET_F_HASH_REPORT))
                hdr_len = sizeof(struct virtio_net_hdr_v1_hash);
        else if (features & ((1ULL << VIRTIO_NET_F_MRG_RXBUF) |
                             (1ULL << VIRTIO_F_VERSION_1)))
                hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
        else
                hdr_len = sizeof(struct virtio_net_hdr);
"""),
              ]),
    ]


_RSS_TAIL = """\
---
base-commit: {base}
change-id: 20240403-rss-e737d89efa77
prerequisite-change-id: 20241230-tun-66e10a49b0c7:v6
prerequisite-patch-id: 871dc5f146fb6b0e3ec8612971a8e8190472c0fb
prerequisite-patch-id: 2797ed249d32590321f088373d4055ff3f430a0e

Best regards,
-- 
Akihiko Odaki <akihiko.odaki@daynix.com>

"""

S_RSS = Series(
    key="rss-v9", project="linux", title="tun: Introduce virtio-net hashing feature",
    sender=AKIHIKO, committer=AKIHIKO, prefix="PATCH net-next", version=9,
    first_date=datetime(2025, 3, 7, 20, 1, 16, tzinfo=tz(9)),
    author_date=datetime(2025, 3, 7, 14, 12, 3, tzinfo=tz(9)),
    style="b4", stamp="20250307|rss|v9|df76624025eb", git_version="2.48.1",
    to=["Jonathan Corbet <corbet@lwn.net>",
        "Willem de Bruijn <willemdebruijn.kernel@gmail.com>",
        "Jason Wang <jasowang@redhat.com>", '"David S. Miller" <davem@davemloft.net>',
        "Eric Dumazet <edumazet@google.com>", "Jakub Kicinski <kuba@kernel.org>",
        "Paolo Abeni <pabeni@redhat.com>", '"Michael S. Tsirkin" <mst@redhat.com>',
        "Xuan Zhuo <xuanzhuo@linux.alibaba.com>", "Shuah Khan <shuah@kernel.org>",
        "linux-doc@vger.kernel.org", "linux-kernel@vger.kernel.org",
        "netdev@vger.kernel.org", "kvm@vger.kernel.org",
        "virtualization@lists.linux-foundation.org", "linux-kselftest@vger.kernel.org",
        "Yuri Benditovich <yuri.benditovich@daynix.com>",
        "Andrew Melnychenko <andrew@daynix.com>",
        "Stephen Hemminger <stephen@networkplumber.org>", "gur.stavi@huawei.com",
        "Lei Yang <leiyang@redhat.com>", "Simon Horman <horms@kernel.org>",
        "Akihiko Odaki <akihiko.odaki@daynix.com>"],
    cover={"subject": "tun: Introduce virtio-net hashing feature", "blurb": text("rss_0"),
           "b4_tail": _RSS_TAIL, "change_id": "20240403-rss-e737d89efa77",
           "b4_version": "0.14.2"},
    patches=_rss_patches(), stat_width=80, charset="utf-8",
)


# =====================================================================================
# vfio/pci: Allow MMIO regions to be exported through dma-buf (v3 0/3, Vivek Kasireddy)
# =====================================================================================

FILES["drivers/vfio/vfio_main.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO core
 *
 * Copyright (C) 2012 Red Hat, Inc.  All rights reserved.
 *     Author: Alex Williamson <alex.williamson@redhat.com>
 */

#include <linux/cdev.h>
#include <linux/compat.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/vfio.h>
#include "vfio.h"

void vfio_device_put_registration(struct vfio_device *device)
{
        if (refcount_dec_and_test(&device->refcount))
                complete(&device->comp);
}

bool vfio_device_try_get_registration(struct vfio_device *device)
{
        return refcount_inc_not_zero(&device->refcount);
}

/*
 * VFIO driver API
 */
/* Release helper called by vfio_put_device() */
static void vfio_device_release(struct device *dev)
{
        struct vfio_device *device =
                        container_of(dev, struct vfio_device, device);

        vfio_release_device_set(device);
        ida_free(&vfio.device_ida, device->index);

        if (device->ops->release)
                device->ops->release(device);

        iput(device->inode);
        simple_release_fs(&vfio.vfs_mount, &vfio.fs_count);
        kvfree(device);
}
""")

FILES["include/linux/vfio.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VFIO API definition
 *
 * Copyright (C) 2012 Red Hat, Inc.  All rights reserved.
 *     Author: Alex Williamson <alex.williamson@redhat.com>
 */
#ifndef VFIO_H
#define VFIO_H

#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/workqueue.h>
#include <linux/poll.h>
#include <linux/cdev.h>
#include <uapi/linux/vfio.h>
#include <linux/iova_bitmap.h>

int vfio_register_group_dev(struct vfio_device *device);
int vfio_register_emulated_iommu_dev(struct vfio_device *device);
void vfio_unregister_group_dev(struct vfio_device *device);

int vfio_assign_device_set(struct vfio_device *device, void *set_id);
unsigned int vfio_device_set_open_count(struct vfio_device_set *dev_set);
struct vfio_device *
vfio_find_device_in_devset(struct vfio_device_set *dev_set,
                           struct device *dev);

int vfio_mig_get_next_state(struct vfio_device *device,
                            enum vfio_device_mig_state cur_fsm,
                            enum vfio_device_mig_state new_fsm,
                            enum vfio_device_mig_state *next_fsm);

#endif /* VFIO_H */
""")

FILES["drivers/vfio/pci/Makefile"] = """\
# SPDX-License-Identifier: GPL-2.0-only

vfio-pci-core-y := vfio_pci_core.o vfio_pci_intrs.o vfio_pci_rdwr.o vfio_pci_config.o
vfio-pci-core-$(CONFIG_VFIO_PCI_ZDEV_KVM) += vfio_pci_zdev.o
obj-$(CONFIG_VFIO_PCI_CORE) += vfio-pci-core.o

vfio-pci-y := vfio_pci.o
vfio-pci-$(CONFIG_VFIO_PCI_IGD) += vfio_pci_igd.o
obj-$(CONFIG_VFIO_PCI) += vfio-pci.o
"""

FILES["drivers/vfio/pci/vfio_pci_priv.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef VFIO_PCI_PRIV_H
#define VFIO_PCI_PRIV_H

#include <linux/vfio_pci_core.h>

/* Special capability IDs predefined access */
#define PCI_CAP_ID_INVALID                0xFF        /* default raw access */
#define PCI_CAP_ID_INVALID_VIRT                0xFE        /* default virt access */

/* Cap maximum number of ioeventfds per device (arbitrary) */
#define VFIO_PCI_IOEVENTFD_MAX                1000

bool vfio_pci_memory_lock_and_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_memory_unlock_and_restore(struct vfio_pci_core_device *vdev,
                                        u16 cmd);

static inline bool vfio_pci_is_vga(struct pci_dev *pdev)
{
        return (pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA;
}

#endif
""")

FILES["drivers/vfio/pci/vfio_pci_config.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO PCI config space virtualization
 *
 * Copyright (C) 2012 Red Hat, Inc.  All rights reserved.
 *     Author: Alex Williamson <alex.williamson@redhat.com>
 */

#include <linux/fs.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/slab.h>

#include "vfio_pci_priv.h"

static int vfio_basic_config_write(struct vfio_pci_core_device *vdev, int pos,
                                   int count, struct perm_bits *perm,
                                   int offset, __le32 val)
{
        struct pci_dev *pdev = vdev->pdev;
        __le16 *virt_cmd;
        u16 new_cmd = 0;
        int ret;

        virt_cmd = (__le16 *)&vdev->vconfig[PCI_COMMAND];

        if (offset == PCI_COMMAND) {
                bool phys_mem, virt_mem, new_mem, phys_io, virt_io, new_io;
                u16 phys_cmd;

                ret = pci_user_read_config_word(pdev, PCI_COMMAND, &phys_cmd);
                if (ret)
                        return ret;

                new_cmd = le32_to_cpu(val);

                phys_io = !!(phys_cmd & PCI_COMMAND_IO);
                virt_io = !!(le16_to_cpu(*virt_cmd) & PCI_COMMAND_IO);
                new_io = !!(new_cmd & PCI_COMMAND_IO);

                phys_mem = !!(phys_cmd & PCI_COMMAND_MEMORY);
                virt_mem = !!(le16_to_cpu(*virt_cmd) & PCI_COMMAND_MEMORY);
                new_mem = !!(new_cmd & PCI_COMMAND_MEMORY);

                if (!new_mem)
                        vfio_pci_zap_and_down_write_memory_lock(vdev);
                else
                        down_write(&vdev->memory_lock);
        }

        count = vfio_default_config_write(vdev, pos, count, perm, offset, val);
        if (count < 0) {
                if (offset == PCI_COMMAND)
                        up_write(&vdev->memory_lock);
                return count;
        }

        if (offset == PCI_COMMAND)
                up_write(&vdev->memory_lock);

        return count;
}
""")

FILES["drivers/vfio/pci/vfio_pci_core.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2012 Red Hat, Inc.  All rights reserved.
 *     Author: Alex Williamson <alex.williamson@redhat.com>
 *
 * Derived from original vfio:
 * Copyright 2010 Cisco Systems, Inc.  All rights reserved.
 * Author: Tom Lyon, pugs@cisco.com
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/aperture.h>
#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/interrupt.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/vgaarb.h>
#include <linux/nospec.h>
#include <linux/sched/mm.h>
#include <linux/iommufd.h>

#include "vfio_pci_priv.h"

static int vfio_pci_core_pm_entry(struct vfio_device *device, u32 flags,
                                  void __user *arg, size_t argsz)
{
        struct vfio_pci_core_device *vdev =
                container_of(device, struct vfio_pci_core_device, vdev);
        int ret;

        ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
        if (ret != 1)
                return ret;

        /*
         * Inside vfio_pci_runtime_pm_entry(), only the runtime PM usage count
         * will be decremented. The pm_runtime_put() will be invoked again
         * while returning from the ioctl and then the device can go into
         * runtime suspended state.
         */
        return vfio_pci_runtime_pm_entry(vdev, NULL);
}

static int vfio_pci_core_pm_exit(struct vfio_device *device, u32 flags,
                                 void __user *arg, size_t argsz)
{
        struct vfio_pci_core_device *vdev =
                container_of(device, struct vfio_pci_core_device, vdev);
        int ret;

        ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
        if (ret != 1)
                return ret;

        /*
         * The device is always in the active state here due to pm wrappers
         * around ioctls. The pm_runtime_get_sync() will be invoked again
         * while returning from the ioctl.
         */
        __vfio_pci_runtime_pm_exit(vdev);
        return 0;
}

int vfio_pci_core_ioctl_feature(struct vfio_device *device, u32 flags,
                                void __user *arg, size_t argsz)
{
        switch (flags & VFIO_DEVICE_FEATURE_MASK) {
        case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
                return vfio_pci_core_pm_entry(device, flags, arg, argsz);
        case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
                return vfio_pci_core_pm_exit(device, flags, arg, argsz);
        case VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
                return vfio_pci_core_feature_token(device, flags, arg, argsz);
        default:
                return -ENOTTY;
        }
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl_feature);

void vfio_pci_core_close_device(struct vfio_device *core_vdev)
{
        struct vfio_pci_core_device *vdev =
                container_of(core_vdev, struct vfio_pci_core_device, vdev);

        vfio_pci_core_disable(vdev);

        mutex_lock(&vdev->igate);
        if (vdev->err_trigger) {
                eventfd_ctx_put(vdev->err_trigger);
                vdev->err_trigger = NULL;
        }
        mutex_unlock(&vdev->igate);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_close_device);
""")

FILES["include/linux/vfio_pci_core.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2012 Red Hat, Inc.  All rights reserved.
 *     Author: Alex Williamson <alex.williamson@redhat.com>
 */

#ifndef VFIO_PCI_CORE_H
#define VFIO_PCI_CORE_H

#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/vfio.h>

struct vfio_pci_core_device {
        struct vfio_device        vdev;
        struct pci_dev                *pdev;
        void __iomem                *barmap[PCI_STD_NUM_BARS];
        bool                        bar_mmap_supported[PCI_STD_NUM_BARS];
        u8                        *pci_config_map;
        u8                        *vconfig;
        struct perm_bits        *msi_perm;
        spinlock_t                irqlock;
        struct mutex                igate;
        struct eventfd_ctx        *err_trigger;
        struct eventfd_ctx        *req_trigger;
        struct list_head        ioeventfds_list;
        struct vfio_pci_vf_token        *vf_token;
        struct list_head                sriov_pfs_item;
        struct vfio_pci_core_device        *sriov_pf_core_dev;
        struct notifier_block        nb;
        struct rw_semaphore        memory_lock;
};

#endif /* VFIO_PCI_CORE_H */
""")

FILES["include/uapi/linux/vfio.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VFIO API definition
 *
 * Copyright (C) 2012 Red Hat, Inc.  All rights reserved.
 *     Author: Alex Williamson <alex.williamson@redhat.com>
 */
#ifndef _UAPIVFIO_H
#define _UAPIVFIO_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * Upon VFIO_DEVICE_FEATURE_SET, set or clear the BUS mastering for the device
 * based on the operation specified in op flag.
 */
struct vfio_device_feature_bus_master {
        __u32 op;
#define                VFIO_DEVICE_FEATURE_CLEAR_MASTER        0        /* Clear Bus Master */
#define                VFIO_DEVICE_FEATURE_SET_MASTER                1        /* Set Bus Master */
};
#define VFIO_DEVICE_FEATURE_BUS_MASTER 10

/* -------- API for Type1 VFIO IOMMU -------- */

#endif /* _UAPIVFIO_H */
""")

_VSOB = sob(VIVEK)


def _vfiopci_patches() -> list:
    return [
        Patch("vfio: Export vfio device get and put registration helpers", VIVEK,
              text("vfiopci_1"), [
                  ks("drivers/vfio/vfio_main.c",
                     "                complete(&device->comp);\n}\n",
                     "                complete(&device->comp);\n}\n"
                     "EXPORT_SYMBOL_GPL(vfio_device_put_registration);\n"),
                  ks("drivers/vfio/vfio_main.c",
                     "        return refcount_inc_not_zero(&device->refcount);\n}\n",
                     "        return refcount_inc_not_zero(&device->refcount);\n}\n"
                     "EXPORT_SYMBOL_GPL(vfio_device_try_get_registration);\n"),
                  ks("include/linux/vfio.h",
                     "void vfio_unregister_group_dev(struct vfio_device *device);\n",
                     "void vfio_unregister_group_dev(struct vfio_device *device);\n"
                     "bool vfio_device_try_get_registration(struct vfio_device *device);\n"
                     "void vfio_device_put_registration(struct vfio_device *device);\n"),
              ]),
        Patch("vfio/pci: Share the core device pointer while invoking feature functions", VIVEK,
              "There is no need to share the main device pointer (struct vfio_device *)\n"
              "with all the feature functions as they only need the core device\n"
              "pointer. Therefore, extract the core device pointer once in the\n"
              "caller (vfio_pci_core_ioctl_feature) and share it instead.\n\n"
              "Signed-off-by: Vivek Kasireddy <vivek.kasireddy@intel.com>\n", [
                  ks("drivers/vfio/pci/vfio_pci_core.c", """\
static int vfio_pci_core_pm_entry(struct vfio_device *device, u32 flags,
                                  void __user *arg, size_t argsz)
{
        struct vfio_pci_core_device *vdev =
                container_of(device, struct vfio_pci_core_device, vdev);
        int ret;
""", """\
static int vfio_pci_core_pm_entry(struct vfio_pci_core_device *vdev, u32 flags,
                                  void __user *arg, size_t argsz)
{
        int ret;
"""),
                  ks("drivers/vfio/pci/vfio_pci_core.c", """\
static int vfio_pci_core_pm_exit(struct vfio_device *device, u32 flags,
                                 void __user *arg, size_t argsz)
{
        struct vfio_pci_core_device *vdev =
                container_of(device, struct vfio_pci_core_device, vdev);
        int ret;
""", """\
static int vfio_pci_core_pm_exit(struct vfio_pci_core_device *vdev, u32 flags,
                                 void __user *arg, size_t argsz)
{
        int ret;
"""),
                  ks("drivers/vfio/pci/vfio_pci_core.c", """\
int vfio_pci_core_ioctl_feature(struct vfio_device *device, u32 flags,
                                void __user *arg, size_t argsz)
{
        switch (flags & VFIO_DEVICE_FEATURE_MASK) {
        case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
                return vfio_pci_core_pm_entry(device, flags, arg, argsz);
        case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
                return vfio_pci_core_pm_exit(device, flags, arg, argsz);
        case VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
                return vfio_pci_core_feature_token(device, flags, arg, argsz);
""", """\
int vfio_pci_core_ioctl_feature(struct vfio_device *device, u32 flags,
                                void __user *arg, size_t argsz)
{
        struct vfio_pci_core_device *vdev =
                container_of(device, struct vfio_pci_core_device, vdev);

        switch (flags & VFIO_DEVICE_FEATURE_MASK) {
        case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
                return vfio_pci_core_pm_entry(vdev, flags, arg, argsz);
        case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
                return vfio_pci_core_pm_exit(vdev, flags, arg, argsz);
        case VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
                return vfio_pci_core_feature_token(vdev, flags, arg, argsz);
"""),
              ]),
        Patch("vfio/pci: Allow MMIO regions to be exported through dma-buf", VIVEK,
              "Jason Gunthorpe wrote in the original series:\n"
              "\"dma-buf has become a way to safely acquire a handle to non-struct page\n"
              "memory that can still have lifetime controlled by the exporter. Notably\n"
              "RDMA can now import dma-buf FDs and build them into MRs which allows for\n"
              "PCI P2P operations. Extend this to allow vfio-pci to export MMIO memory\n"
              "from PCI device BARs.\n\n"
              "The patch design loosely follows the pattern in commit\n"
              "db1a8dd916aa (\"habanalabs: add support for dma-buf exporter\") except this\n"
              "does not support pinning.\"\n\n"
              "In addition to the original implementation, this patch adds support\n"
              "for exporting a dma-buf from multiple ranges of a region.\n\n"
              "Original-patch-by: Jason Gunthorpe <jgg@nvidia.com>\n" + _VSOB, [
                  ("sub", "drivers/vfio/pci/Makefile",
                   "vfio-pci-core-$(CONFIG_VFIO_PCI_ZDEV_KVM) += vfio_pci_zdev.o\n",
                   "vfio-pci-core-$(CONFIG_VFIO_PCI_ZDEV_KVM) += vfio_pci_zdev.o\n"
                   "vfio-pci-core-$(CONFIG_DMA_SHARED_BUFFER) += vfio_pci_dmabuf.o\n"),
                  ks("drivers/vfio/pci/vfio_pci_config.c",
                     "                if (!new_mem)\n                        vfio_pci_zap_and_down_write_memory_lock(vdev);\n"
                     "                else\n                        down_write(&vdev->memory_lock);\n",
                     "                if (!new_mem) {\n"
                     "                        vfio_pci_zap_and_down_write_memory_lock(vdev);\n"
                     "                        vfio_pci_dma_buf_move(vdev, true);\n"
                     "                } else {\n                        down_write(&vdev->memory_lock);\n                }\n"),
                  ks("drivers/vfio/pci/vfio_pci_config.c",
                     "        if (offset == PCI_COMMAND)\n                up_write(&vdev->memory_lock);\n\n"
                     "        return count;\n",
                     "        if (offset == PCI_COMMAND) {\n"
                     "                if (__vfio_pci_memory_enabled(vdev))\n"
                     "                        vfio_pci_dma_buf_move(vdev, false);\n"
                     "                up_write(&vdev->memory_lock);\n        }\n\n"
                     "        return count;\n"),
                  ks("drivers/vfio/pci/vfio_pci_core.c",
                     "                return vfio_pci_core_feature_token(vdev, flags, arg, argsz);\n",
                     "                return vfio_pci_core_feature_token(vdev, flags, arg, argsz);\n"
                     "        case VFIO_DEVICE_FEATURE_DMA_BUF:\n"
                     "                return vfio_pci_core_feature_dma_buf(vdev, flags, arg, argsz);\n"),
                  ks("drivers/vfio/pci/vfio_pci_core.c",
                     "        vfio_pci_core_disable(vdev);\n\n",
                     "        vfio_pci_dma_buf_cleanup(vdev);\n        vfio_pci_core_disable(vdev);\n\n"),
                  knew("drivers/vfio/pci/vfio_pci_dmabuf.c", """\
// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2022, NVIDIA CORPORATION & AFFILIATES.
 */
#include <linux/dma-buf.h>
#include <linux/pci-p2pdma.h>
#include <linux/dma-resv.h>

#include "vfio_pci_priv.h"

MODULE_IMPORT_NS("DMA_BUF");

struct vfio_pci_dma_buf {
        struct dma_buf *dmabuf;
        struct vfio_pci_core_device *vdev;
        struct list_head dmabufs_elm;
        struct vfio_region_dma_range *dma_ranges;
        unsigned int nr_ranges;
        u64 size;
        u8 revoked : 1;
};

static int vfio_pci_dma_buf_attach(struct dma_buf *dmabuf,
                                   struct dma_buf_attachment *attachment)
{
        struct vfio_pci_dma_buf *priv = dmabuf->priv;

        if (!attachment->peer2peer)
                return -EOPNOTSUPP;

        if (priv->revoked)
                return -ENODEV;

        return 0;
}

void vfio_pci_dma_buf_move(struct vfio_pci_core_device *vdev, bool revoked)
{
        struct vfio_pci_dma_buf *priv;
        struct vfio_pci_dma_buf *tmp;

        lockdep_assert_held_write(&vdev->memory_lock);

        list_for_each_entry_safe(priv, tmp, &vdev->dmabufs, dmabufs_elm) {
                if (!get_file_rcu(&priv->dmabuf->file))
                        continue;

                if (priv->revoked != revoked) {
                        dma_resv_lock(priv->dmabuf->resv, NULL);
                        priv->revoked = revoked;
                        dma_buf_move_notify(priv->dmabuf);
                        dma_resv_unlock(priv->dmabuf->resv);
                }
                dma_buf_put(priv->dmabuf);
        }
}
"""),
                  ks("drivers/vfio/pci/vfio_pci_priv.h",
                     "static inline bool vfio_pci_is_vga(struct pci_dev *pdev)\n",
                     "#ifdef CONFIG_DMA_SHARED_BUFFER\n"
                     "int vfio_pci_core_feature_dma_buf(struct vfio_pci_core_device *vdev, u32 flags,\n"
                     "                                  struct vfio_device_feature_dma_buf __user *arg,\n"
                     "                                  size_t argsz);\n"
                     "void vfio_pci_dma_buf_cleanup(struct vfio_pci_core_device *vdev);\n"
                     "void vfio_pci_dma_buf_move(struct vfio_pci_core_device *vdev, bool revoked);\n"
                     "#else\n"
                     "static inline void vfio_pci_dma_buf_cleanup(struct vfio_pci_core_device *vdev)\n{\n}\n"
                     "static inline void vfio_pci_dma_buf_move(struct vfio_pci_core_device *vdev,\n"
                     "                                         bool revoked)\n{\n}\n"
                     "#endif\n\n"
                     "static inline bool vfio_pci_is_vga(struct pci_dev *pdev)\n"),
                  ks("include/linux/vfio_pci_core.h",
                     "        struct rw_semaphore        memory_lock;\n",
                     "        struct rw_semaphore        memory_lock;\n        struct list_head        dmabufs;\n"),
                  ks("include/uapi/linux/vfio.h",
                     "#define VFIO_DEVICE_FEATURE_BUS_MASTER 10\n",
                     "#define VFIO_DEVICE_FEATURE_BUS_MASTER 10\n\n"
                     "/**\n * Upon VFIO_DEVICE_FEATURE_GET create a dma_buf fd for the\n"
                     " * regions selected.\n *\n"
                     " * open_flags are the typical flags passed to open(2), eg O_RDWR, O_CLOEXEC,\n"
                     " * etc. offset/length specify a slice of the region to create the dmabuf from.\n"
                     " * nr_ranges is the total number of (P2P DMA) ranges that comprise the dmabuf.\n *\n"
                     " * Return: The fd number on success, -1 and errno is set on failure.\n */\n"
                     "#define VFIO_DEVICE_FEATURE_DMA_BUF 11\n\n"
                     "struct vfio_region_dma_range {\n        __u64 offset;\n        __u64 length;\n};\n\n"
                     "struct vfio_device_feature_dma_buf {\n        __u32        region_index;\n"
                     "        __u32        open_flags;\n        __u32   nr_ranges;\n"
                     "        struct vfio_region_dma_range dma_ranges[];\n};\n"),
              ]),
    ]


S_VFIOPCI = Series(
    key="vfio-dmabuf-v3", project="linux",
    title="vfio/pci: Allow MMIO regions to be exported through dma-buf",
    sender=VIVEK, committer=VIVEK, prefix="PATCH", version=3,
    first_date=datetime(2025, 3, 6, 21, 16, 41, tzinfo=tz(-8)),
    author_date=datetime(2025, 3, 6, 14, 40, 2, tzinfo=tz(-8)),
    style="send-email", stamp="20250307052248.405803", git_version="2.48.1",
    to=["dri-devel@lists.freedesktop.org", "kvm@vger.kernel.org", "linux-rdma@vger.kernel.org"],
    cc=["Vivek Kasireddy <vivek.kasireddy@intel.com>", "Jason Gunthorpe <jgg@nvidia.com>",
        "Leon Romanovsky <leonro@nvidia.com>",
        "=?UTF-8?q?Christian=20K=C3=B6nig?= <christian.koenig@amd.com>",
        "Simona Vetter <simona.vetter@ffwll.ch>", "Gerd Hoffmann <kraxel@redhat.com>",
        "Alex Williamson <alex.williamson@redhat.com>", "Yishai Hadas <yishaih@nvidia.com>",
        "Shameer Kolothum <shameerali.kolothum.thodi@huawei.com>",
        "Kevin Tian <kevin.tian@intel.com>", "Wei Lin Guay <wguay@meta.com>",
        "Xu Yilun <yilun.xu@linux.intel.com>"],
    cover={"subject": "vfio/pci: Allow MMIO regions to be exported through dma-buf",
           "blurb": text("vfiopci_0")},
    patches=_vfiopci_patches(), fold_subjects={0},
)

# =====================================================================================
# Move initializing SEV/SNP functionality to KVM (v6 0/8, Ashish Kalra)
# =====================================================================================

FILES["drivers/crypto/ccp/sev-dev.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD Secure Encrypted Virtualization (SEV) interface
 *
 * Copyright (C) 2016,2019 Advanced Micro Devices, Inc.
 *
 * Author: Brijesh Singh <brijesh.singh@amd.com>
 */

#include <linux/bitfield.h>
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/interrupt.h>
#include <linux/spinlock.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/delay.h>
#include <linux/hw_random.h>
#include <linux/ccp.h>
#include <linux/firmware.h>
#include <linux/panic_notifier.h>
#include <linux/gfp.h>
#include <linux/cpufeature.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/psp.h>
#include <linux/amd-iommu.h>

#include <asm/smp.h>
#include <asm/cacheflush.h>
#include <asm/e820/types.h>
#include <asm/sev.h>

#include "psp-dev.h"
#include "sev-dev.h"

static int psp_probe_timeout = 5;
module_param(psp_probe_timeout, int, 0644);
MODULE_PARM_DESC(psp_probe_timeout, " default timeout value, in seconds, during PSP device probe");

static bool psp_init_on_probe = true;
module_param(psp_init_on_probe, bool, 0444);
MODULE_PARM_DESC(psp_init_on_probe, "  if true, the PSP will be initialized on module init. Else the PSP will be initialized on the first command requiring it");

static int _sev_platform_init_locked(struct sev_platform_init_args *args)
{
        struct sev_device *sev;
        int rc;

        if (!psp_master || !psp_master->sev_data)
                return -ENODEV;

        sev = psp_master->sev_data;

        if (sev->state == SEV_STATE_INIT)
                return 0;

        /*
         * Legacy guests cannot be running while SNP_INIT(_EX) is executing,
         * so perform SEV-SNP initialization at probe time.
         */
        rc = __sev_snp_init_locked(&args->error);
        if (rc && rc != -ENODEV) {
                /* Don't abort the probe if SNP INIT failed, continue with SEV INIT. */
                dev_err(sev->dev, "SEV-SNP: failed to INIT rc %d, error %#x\\n",
                        rc, args->error);
        }

        /* Defer legacy SEV/SEV-ES support if allowed by caller/module. */
        if (args->probe && !psp_init_on_probe)
                return 0;

        return __sev_platform_init_locked(&args->error);
}

static int __sev_platform_shutdown_locked(int *error)
{
        struct psp_device *psp = psp_master;
        struct sev_device *sev;
        int ret;

        if (!psp || !psp->sev_data)
                return 0;

        sev = psp->sev_data;

        if (sev->state == SEV_STATE_UNINIT)
                return 0;

        ret = __sev_do_cmd_locked(SEV_CMD_SHUTDOWN, NULL, error);
        if (ret)
                return ret;

        sev->state = SEV_STATE_UNINIT;
        dev_dbg(sev->dev, "SEV firmware shutdown\\n");

        return ret;
}

static int sev_ioctl_do_pek_pdh_gen(int cmd, struct sev_issue_cmd *argp, bool writable)
{
        struct sev_device *sev = psp_master->sev_data;
        int rc;

        if (!writable)
                return -EPERM;

        if (sev->state == SEV_STATE_UNINIT) {
                rc = __sev_platform_init_locked(&argp->error);
                if (rc)
                        return rc;
        }

        return __sev_do_cmd_locked(cmd, NULL, &argp->error);
}

static int __sev_snp_shutdown_locked(int *error, bool panic)
{
        struct psp_device *psp = psp_master;
        struct sev_device *sev;
        struct sev_data_snp_shutdown_ex data;
        int ret;

        if (!psp || !psp->sev_data)
                return 0;

        sev = psp->sev_data;

        if (!sev->snp_initialized)
                return 0;

        memset(&data, 0, sizeof(data));
        data.len = sizeof(data);
        data.iommu_snp_shutdown = 1;

        ret = __sev_do_cmd_locked(SEV_CMD_SNP_SHUTDOWN_EX, &data, error);
        if (ret)
                return ret;

        sev->snp_initialized = false;
        dev_dbg(sev->dev, "SEV-SNP firmware shutdown\\n");

        return ret;
}

void sev_pci_init(void)
{
        struct sev_device *sev = psp_master->sev_data;
        struct sev_platform_init_args args = {0};
        int rc;

        if (!sev)
                return;

        psp_timeout = psp_probe_timeout;

        if (sev_get_api_version())
                goto err;

        if (sev_update_firmware(sev->dev) == 0)
                sev_get_api_version();

        /* Initialize the platform */
        args.probe = true;
        rc = sev_platform_init(&args);
        if (rc)
                dev_err(sev->dev, "SEV: failed to INIT error %#x, rc %d\\n",
                        args.error, rc);

        dev_info(sev->dev, "SEV%s API:%d.%d build:%d\\n", sev->snp_initialized ?
                "-SNP" : "", sev->api_major, sev->api_minor, sev->build);

        atomic_notifier_chain_register(&panic_notifier_list,
                                       &snp_panic_notifier);
        return;

err:
        psp_master->sev_data = NULL;
}
""")

FILES["include/linux/psp-sev.h"] = K("""\
/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD Secure Encrypted Virtualization (SEV) driver interface
 *
 * Copyright (C) 2016-2017 Advanced Micro Devices, Inc.
 *
 * Author: Brijesh Singh <brijesh.singh@amd.com>
 *
 * SEV API spec is available at https://developer.amd.com/sev
 */

#ifndef __PSP_SEV_H__
#define __PSP_SEV_H__

#include <uapi/linux/psp-sev.h>

/**
 * struct sev_platform_init_args
 *
 * @error: SEV firmware error code
 * @probe: True if this is being called as part of CCP module probe, which
 *  will defer SEV_INIT/SEV_INIT_EX firmware initialization until needed
 *  unless psp_init_on_probe module param is set
 */
struct sev_platform_init_args {
        int error;
        bool probe;
};

#ifdef CONFIG_CRYPTO_DEV_SP_PSP

int sev_platform_init(struct sev_platform_init_args *args);
int sev_platform_status(struct sev_user_data_status *status, int *error);
int sev_issue_cmd_external_user(struct file *filep, unsigned int id,
                                void *data, int *error);

#else        /* !CONFIG_CRYPTO_DEV_SP_PSP */

static inline int
sev_platform_status(struct sev_user_data_status *status, int *error) { return -ENODEV; }

static inline int sev_platform_init(struct sev_platform_init_args *args) { return -ENODEV; }

#endif        /* CONFIG_CRYPTO_DEV_SP_PSP */

#endif        /* __PSP_SEV_H__ */
""")

FILES["arch/x86/kvm/svm/sev.c"] = K("""\
// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-based Virtual Machine driver for Linux
 *
 * AMD SVM-SEV support
 *
 * Copyright 2010 Red Hat, Inc. and/or its affiliates.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_types.h>
#include <linux/kvm_host.h>
#include <linux/kernel.h>
#include <linux/highmem.h>
#include <linux/psp.h>
#include <linux/psp-sev.h>
#include <linux/pagemap.h>
#include <linux/swap.h>
#include <linux/misc_cgroup.h>
#include <linux/processor.h>
#include <linux/trace_events.h>

#include <asm/pkru.h>
#include <asm/trapnr.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/debugreg.h>
#include <asm/sev.h>

#include "mmu.h"
#include "x86.h"
#include "svm.h"
#include "svm_ops.h"
#include "cpuid.h"
#include "trace.h"

void __init sev_hardware_setup(void)
{
        unsigned int eax, ebx, ecx, edx, sev_asid_count, sev_es_asid_count;
        bool sev_snp_supported = false;
        bool sev_es_supported = false;
        bool sev_supported = false;

        if (!sev_enabled || !npt_enabled || !nrips)
                goto out;

        /*
         * SEV must obviously be supported in hardware.  Sanity check that the
         * CPU supports decode assists, which is mandatory for SEV guests to
         * support instruction emulation.  Ditto for flushing by ASID, as SEV
         * guests are bound to a single ASID, i.e. KVM can't rotate to a new
         * ASID to effect a TLB flush.
         */
        if (!boot_cpu_has(X86_FEATURE_SEV) ||
            WARN_ON_ONCE(!boot_cpu_has(X86_FEATURE_DECODEASSISTS)) ||
            WARN_ON_ONCE(!boot_cpu_has(X86_FEATURE_FLUSHBYASID)))
                goto out;

        sev_supported = true;
out:
        sev_enabled = sev_supported;
        sev_es_enabled = sev_es_supported;
}

void sev_hardware_unsetup(void)
{
        if (!sev_enabled)
                return;

        /* No need to take sev_bitmap_lock, all VMs have been destroyed. */
        sev_flush_asids(1, max_sev_asid);

        bitmap_free(sev_asid_bitmap);
        bitmap_free(sev_reclaim_asid_bitmap);

        misc_cg_set_capacity(MISC_CG_RES_SEV, 0);
        misc_cg_set_capacity(MISC_CG_RES_SEV_ES, 0);
}
""")

_SEV = "drivers/crypto/ccp/sev-dev.c"
_ASOB2 = sob(ASHISH)
_TL = "Reviewed-by: Tom Lendacky <thomas.lendacky@amd.com>\n"
_DG = "Reviewed-by: Dionna Glaze <dionnaglaze@google.com>\n"


def _sev_patches() -> list:
    return [
        Patch("crypto: ccp: Abort doing SEV INIT if SNP INIT fails", ASHISH, text("sev_1"), [
            ks(_SEV, """\
        if (rc && rc != -ENODEV) {
                /* Don't abort the probe if SNP INIT failed, continue with SEV INIT. */
                dev_err(sev->dev, "SEV-SNP: failed to INIT rc %d, error %#x\\n",
                        rc, args->error);
        }
""", """\
        if (rc && rc != -ENODEV)
                return rc;
"""),
        ]),
        Patch("crypto: ccp: Move dev_info/err messages for SEV/SNP init and shutdown", ASHISH,
              "Move dev_info and dev_err messages related to SEV/SNP initialization\n"
              "and shutdown into __sev_platform_init_locked(), __sev_snp_init_locked()\n"
              "and __sev_platform_shutdown_locked(), __sev_snp_shutdown_locked() so\n"
              "that they don't need to be issued from callers.\n\n"
              "This allows both _sev_platform_init_locked() and various SEV/SNP ioctls\n"
              "to call __sev_platform_init_locked(), __sev_snp_init_locked() and\n"
              "__sev_platform_shutdown_locked(), __sev_snp_shutdown_locked() for\n"
              "implicit SEV/SNP initialization and shutdown without additionally\n"
              "printing any successful initialization/shutdown messages.\n\n"
              + _TL + _ASOB2, [
                  ks(_SEV, "        ret = __sev_do_cmd_locked(SEV_CMD_SHUTDOWN, NULL, error);\n"
                     "        if (ret)\n                return ret;\n",
                     "        ret = __sev_do_cmd_locked(SEV_CMD_SHUTDOWN, NULL, error);\n"
                     "        if (ret) {\n"
                     "                dev_err(sev->dev, \"SEV: failed to SHUTDOWN error %#x, rc %d\\n\",\n"
                     "                        *error, ret);\n                return ret;\n        }\n"),
                  ks(_SEV, "        rc = sev_platform_init(&args);\n        if (rc)\n"
                     "                dev_err(sev->dev, \"SEV: failed to INIT error %#x, rc %d\\n\",\n"
                     "                        args.error, rc);\n\n"
                     "        dev_info(sev->dev, \"SEV%s API:%d.%d build:%d\\n\", sev->snp_initialized ?\n"
                     "                \"-SNP\" : \"\", sev->api_major, sev->api_minor, sev->build);\n",
                     "        sev_platform_init(&args);\n"),
              ]),
        Patch("crypto: ccp: Ensure implicit SEV/SNP init and shutdown in ioctls", ASHISH,
              "Modify the behavior of implicit SEV initialization in some of the\n"
              "SEV ioctls to do both SEV initialization and shutdown and add\n"
              "implicit SNP initialization and shutdown to some of the SNP ioctls\n"
              "so that the change of SEV/SNP platform initialization not being\n"
              "done during PSP driver probe time does not break userspace tools\n"
              "such as sevtool, etc.\n\n"
              "Prepare for SEV/SNP platform initialization to be moved to KVM\n"
              "module load time.\n\n"
              "Suggested-by: Dionna Glaze <dionnaglaze@google.com>\n" + _ASOB2, [
                  ks(_SEV, """\
static int sev_ioctl_do_pek_pdh_gen(int cmd, struct sev_issue_cmd *argp, bool writable)
{
        struct sev_device *sev = psp_master->sev_data;
        int rc;

        if (!writable)
                return -EPERM;

        if (sev->state == SEV_STATE_UNINIT) {
                rc = __sev_platform_init_locked(&argp->error);
                if (rc)
                        return rc;
        }

        return __sev_do_cmd_locked(cmd, NULL, &argp->error);
}
""", """\
static int sev_move_to_init_state(struct sev_issue_cmd *argp, bool *shutdown_required)
{
        struct sev_platform_init_args init_args = {0};
        int rc;

        rc = _sev_platform_init_locked(&init_args);
        if (rc) {
                argp->error = SEV_RET_INVALID_PLATFORM_STATE;
                return rc;
        }

        *shutdown_required = true;

        return 0;
}

static int sev_ioctl_do_pek_pdh_gen(int cmd, struct sev_issue_cmd *argp, bool writable)
{
        struct sev_device *sev = psp_master->sev_data;
        bool shutdown_required = false;
        int rc;

        if (!writable)
                return -EPERM;

        if (sev->state == SEV_STATE_UNINIT) {
                rc = sev_move_to_init_state(argp, &shutdown_required);
                if (rc)
                        return rc;
        }

        rc = __sev_do_cmd_locked(cmd, NULL, &argp->error);

        if (shutdown_required)
                __sev_firmware_shutdown(sev, false);

        return rc;
}
"""),
              ]),
        Patch("crypto: ccp: Reset TMR size at SNP Shutdown", ASHISH,
              "Implicit SNP initialization as part of some SNP ioctls modify TMR size\n"
              "to be SNP compliant which followed by SNP shutdown will leave the\n"
              "TMR size modified and then subsequently cause SEV only initialization\n"
              "to fail, hence, reset TMR size to default at SNP Shutdown.\n\n"
              "Acked-by: Dionna Glaze <dionnaglaze@google.com>\n" + _TL + _ASOB2, [
                  ks(_SEV, "        sev->snp_initialized = false;\n",
                     "        sev->snp_initialized = false;\n"
                     "        /* Reset TMR size back to default */\n"
                     "        sev_es_tmr_size = SEV_TMR_SIZE;\n"),
              ]),
        Patch("crypto: ccp: Register SNP panic notifier only if SNP is enabled", ASHISH,
              "Currently, the SNP panic notifier is registered on module initialization\n"
              "regardless of whether SNP is being enabled or initialized.\n\n"
              "Instead, register the SNP panic notifier only when SNP is actually\n"
              "initialized and unregister the notifier when SNP is shutdown.\n\n"
              + _TL + _DG + _ASOB2, [
                  ks(_SEV, "        sev_platform_init(&args);\n\n"
                     "        atomic_notifier_chain_register(&panic_notifier_list,\n"
                     "                                       &snp_panic_notifier);\n        return;\n",
                     "        sev_platform_init(&args);\n\n        return;\n"),
                  ks(_SEV, "        sev->snp_initialized = false;\n",
                     "        sev->snp_initialized = false;\n"
                     "        atomic_notifier_chain_unregister(&panic_notifier_list,\n"
                     "                                         &snp_panic_notifier);\n"),
              ]),
        Patch("crypto: ccp: Add new SEV/SNP platform shutdown API", ASHISH,
              "Add new API interface to do SEV/SNP platform shutdown when KVM module\n"
              "is unloaded.\n\n" + _TL + _ASOB2, [
                  ks(_SEV, "void sev_pci_init(void)\n",
                     "void sev_platform_shutdown(void)\n{\n"
                     "        if (!psp_master || !psp_master->sev_data)\n                return;\n\n"
                     "        sev_firmware_shutdown(psp_master->sev_data);\n}\n"
                     "EXPORT_SYMBOL_GPL(sev_platform_shutdown);\n\n"
                     "void sev_pci_init(void)\n"),
                  ks("include/linux/psp-sev.h",
                     "int sev_platform_status(struct sev_user_data_status *status, int *error);\n",
                     "int sev_platform_status(struct sev_user_data_status *status, int *error);\n"
                     "void sev_platform_shutdown(void);\n"),
                  ks("include/linux/psp-sev.h",
                     "static inline int sev_platform_init(struct sev_platform_init_args *args) { return -ENODEV; }\n",
                     "static inline int sev_platform_init(struct sev_platform_init_args *args) { return -ENODEV; }\n\n"
                     "static inline void sev_platform_shutdown(void) { }\n"),
              ]),
        Patch("KVM: SVM: Add support to initialize SEV/SNP functionality in KVM", ASHISH,
              "Move platform initialization of SEV/SNP from CCP driver probe time to\n"
              "KVM module load time so that KVM can do SEV/SNP platform initialization\n"
              "explicitly if it actually wants to use SEV/SNP functionality.\n\n"
              "Add support for KVM to explicitly call into the CCP driver at load time\n"
              "to initialize SEV/SNP. If required, this behavior can be altered with KVM\n"
              "module parameters to not do SEV/SNP platform initialization at module load\n"
              "time. Additionally, a corresponding SEV/SNP platform shutdown is invoked\n"
              "during KVM module unload time.\n\n"
              "Suggested-by: Sean Christopherson <seanjc@google.com>\n" + _TL + _ASOB2, [
                  ks("arch/x86/kvm/svm/sev.c", "void __init sev_hardware_setup(void)\n{\n"
                     "        unsigned int eax, ebx, ecx, edx, sev_asid_count, sev_es_asid_count;\n",
                     "void __init sev_hardware_setup(void)\n{\n"
                     "        unsigned int eax, ebx, ecx, edx, sev_asid_count, sev_es_asid_count;\n"
                     "        struct sev_platform_init_args init_args = {0};\n"),
                  ks("arch/x86/kvm/svm/sev.c", "        sev_enabled = sev_supported;\n        sev_es_enabled = sev_es_supported;\n}\n",
                     "        sev_enabled = sev_supported;\n        sev_es_enabled = sev_es_supported;\n\n"
                     "        if (!sev_enabled)\n                return;\n\n"
                     "        /*\n         * Do both SNP and SEV initialization at KVM module load.\n         */\n"
                     "        init_args.probe = true;\n        sev_platform_init(&init_args);\n}\n"),
                  ks("arch/x86/kvm/svm/sev.c", "        if (!sev_enabled)\n                return;\n\n"
                     "        /* No need to take sev_bitmap_lock, all VMs have been destroyed. */\n",
                     "        if (!sev_enabled)\n                return;\n\n"
                     "        /* No need to take sev_bitmap_lock, all VMs have been destroyed. */\n"
                     "        sev_platform_shutdown();\n"),
              ]),
        Patch("crypto: ccp: Move SEV/SNP Platform initialization to KVM", ASHISH,
              "SNP initialization is forced during PSP driver probe purely because SNP\n"
              "can't be initialized if VMs are running.  But the only in-tree user of\n"
              "SEV/SNP functionality is KVM, and KVM depends on PSP driver for the same.\n"
              "Forcing SEV/SNP initialization because a hypervisor could be running\n"
              "legacy non-confidential VMs make no sense.\n\n"
              "This patch removes SEV/SNP initialization from the PSP driver probe\n"
              "time and moves the requirement to initialize SEV/SNP functionality\n"
              "to KVM if it wants to use SEV/SNP.\n\n"
              "Suggested-by: Sean Christopherson <seanjc@google.com>\n"
              + _TL + "Reviewed-by: Alexey Kardashevskiy <aik@amd.com>\n" + _ASOB2, [
                  ks(_SEV, "        /* Initialize the platform */\n        args.probe = true;\n"
                     "        sev_platform_init(&args);\n\n        return;\n",
                     "        return;\n"),
                  ks(_SEV, "        struct sev_device *sev = psp_master->sev_data;\n"
                     "        struct sev_platform_init_args args = {0};\n        int rc;\n\n        if (!sev)\n",
                     "        struct sev_device *sev = psp_master->sev_data;\n\n        if (!sev)\n"),
              ]),
    ]


S_SEV = Series(
    key="sev-init-v6", project="linux", title="Move initializing SEV/SNP functionality to KVM",
    sender=ASHISH_SENDER, committer=ASHISH, prefix="PATCH", version=6,
    first_date=datetime(2025, 3, 6, 23, 9, 3, tzinfo=tz(0)),
    author_date=datetime(2025, 3, 6, 22, 30, 11, tzinfo=tz(0)),
    style="format-patch", stamp="1741300901", git_version="2.34.1",
    to=["<seanjc@google.com>", "<pbonzini@redhat.com>", "<tglx@linutronix.de>",
        "<mingo@redhat.com>", "<bp@alien8.de>", "<dave.hansen@linux.intel.com>",
        "<x86@kernel.org>", "<hpa@zytor.com>", "<thomas.lendacky@amd.com>",
        "<john.allen@amd.com>", "<herbert@gondor.apana.org.au>", "<kvm@vger.kernel.org>"],
    cc=["<michael.roth@amd.com>", "<dionnaglaze@google.com>", "<nikunj@amd.com>",
        "<ardb@kernel.org>", "<kevinloughlin@google.com>", "<Neeraj.Upadhyay@amd.com>",
        "<aik@amd.com>", "<linux-kernel@vger.kernel.org>",
        "<linux-crypto@vger.kernel.org>", "<linux-coco@lists.linux.dev>"],
    cover={"subject": "Move initializing SEV/SNP functionality to KVM", "blurb": text("sev_0")},
    patches=_sev_patches(),
)
