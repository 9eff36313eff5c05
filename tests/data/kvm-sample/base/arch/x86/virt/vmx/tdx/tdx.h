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
