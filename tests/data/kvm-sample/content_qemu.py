"""QEMU series: hw/hyperv v2/v3/v4, hw/vfio, and the GHES v8 series (cover + 1 patch)."""

from __future__ import annotations

from datetime import datetime, timedelta

from content import (
    FILES,
    MAURO,
    PHILMD,
    PIERRICK,
    QEMU_ORDER,
    RTH,
    Patch,
    Series,
    rb,
    sob,
    text,
    tz,
)

# =====================================================================================
# hw/hyperv: remove duplication compilation units (v2, v3, v4)
# =====================================================================================

FILES["hw/hyperv/meson.build"] = """\
specific_ss.add(when: 'CONFIG_HYPERV', if_true: files('hyperv.c'))
specific_ss.add(when: 'CONFIG_HYPERV_TESTDEV', if_true: files('hyperv_testdev.c'))
specific_ss.add(when: 'CONFIG_VMBUS', if_true: files('vmbus.c'))
specific_ss.add(when: 'CONFIG_SYNDBG', if_true: files('syndbg.c'))
specific_ss.add(when: 'CONFIG_HV_BALLOON', if_true: files('hv-balloon.c', 'hv-balloon-page_range_tree.c', 'hv-balloon-our_range_memslots.c'), if_false: files('hv-balloon-stub.c'))
"""

FILES["include/hw/hyperv/hyperv.h"] = """\
/*
 * Hyper-V guest/hypervisor interaction
 *
 * Copyright (c) 2015-2018 Virtuozzo International GmbH.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 */

#ifndef HW_HYPERV_HYPERV_H
#define HW_HYPERV_HYPERV_H

#include "cpu-qom.h"
#include "exec/cpu-defs.h"
#include "hw/hyperv/hyperv-proto.h"

typedef struct HvSintRoute HvSintRoute;

/*
 * Callback executed in a bottom-half when the status of posting the message
 * becomes known, before unblocking the connection for further messages
 */
typedef void (*HvSintMsgCb)(void *data, int status);

HvSintRoute *hyperv_sint_route_new(uint32_t vp_index, uint32_t sint,
                                   HvSintMsgCb cb, void *cb_data);
void hyperv_sint_route_ref(HvSintRoute *sint_route);
void hyperv_sint_route_unref(HvSintRoute *sint_route);

int hyperv_sint_route_set_sint(HvSintRoute *sint_route);

/*
 * Submit a message to be posted in vcpu context.  If the submission succeeds,
 * the status of posting the message is reported via the callback associated
 * with the @sint_route; until then no more messages are accepted.
 */
int hyperv_post_msg(HvSintRoute *sint_route, struct hyperv_message *msg);

static inline uint32_t hyperv_vp_index(CPUState *cs)
{
    return cs->cpu_index;
}

void hyperv_synic_add(CPUState *cs);
void hyperv_synic_reset(CPUState *cs);
void hyperv_synic_update(CPUState *cs, bool enable,
                         hwaddr msg_page_addr, hwaddr event_page_addr);
bool hyperv_is_synic_enabled(void);

uint16_t hyperv_hcall_post_dbg_data(uint64_t ingpa, uint64_t outgpa, bool fast);
uint16_t hyperv_hcall_retreive_dbg_data(uint64_t ingpa, uint64_t outgpa,
                                        bool fast);
uint16_t hyperv_hcall_reset_dbg_session(uint64_t outgpa);

#endif
"""

SYNDBG_DEFS = """\
/*
 * Hyper-V synthetic debugger platform capabilities
 * These are HYPERV_CPUID_SYNDBG_PLATFORM_CAPABILITIES.EAX bits.
 */
#define HV_SYNDBG_CAP_ALLOW_KERNEL_DEBUGGING    (1u << 1)

/*
 * Hyper-V synthetic debugger options
 */
#define HV_SYNDBG_OPTION_SEND_RECV_RAW          (1u << 0)
#define HV_SYNDBG_OPTION_USE_HCALLS             (1u << 2)

"""

FILES["include/hw/hyperv/hyperv-proto.h"] = """\
/*
 * Definitions for Hyper-V guest/hypervisor interaction
 *
 * Copyright (c) 2017-2018 Virtuozzo International GmbH.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 */

#ifndef HW_HYPERV_HYPERV_PROTO_H
#define HW_HYPERV_HYPERV_PROTO_H

#include "qemu/bitmap.h"

/*
 * Hypercall status code
 */
#define HV_STATUS_SUCCESS                     0
#define HV_STATUS_INVALID_HYPERCALL_CODE      2
#define HV_STATUS_INVALID_HYPERCALL_INPUT     3
#define HV_STATUS_INVALID_ALIGNMENT           4
#define HV_STATUS_INVALID_PARAMETER           5
#define HV_STATUS_INSUFFICIENT_MEMORY         11
#define HV_STATUS_INVALID_PORT_ID             17
#define HV_STATUS_INVALID_CONNECTION_ID       18
#define HV_STATUS_INSUFFICIENT_BUFFERS        19
#define HV_STATUS_NOT_ACKNOWLEDGED            20
#define HV_STATUS_NO_DATA                     27

/*
 * Hypercall numbers
 */
#define HV_POST_MESSAGE                       0x005c
#define HV_SIGNAL_EVENT                       0x005d
#define HV_POST_DEBUG_DATA                    0x0069
#define HV_RETRIEVE_DEBUG_DATA                0x006a
#define HV_RESET_DEBUG_SESSION                0x006b
#define HV_HYPERCALL_FAST                     (1u << 16)

/*
 * Message size
 */
#define HV_MESSAGE_PAYLOAD_SIZE               240

/*
 * Number of synthetic interrupts
 */
#define HV_SINT_COUNT                         16

/*
 * Connection id valid bits
 */
#define HV_CONNECTION_ID_MASK                 0x00ffffff

/*
 * Input structure for POST_MESSAGE hypercall
 */
struct hyperv_post_message_input {
    uint32_t connection_id;
    uint32_t _reserved;
    uint32_t message_type;
    uint32_t payload_size;
    uint8_t  payload[HV_MESSAGE_PAYLOAD_SIZE];
};

#endif
"""

FILES["target/i386/kvm/hyperv-proto.h"] = """\
/*
 * Definitions for Hyper-V guest/hypervisor interaction - x86-specific part
 *
 * Copyright (c) 2017-2018 Virtuozzo International GmbH.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 */

#ifndef TARGET_I386_HYPERV_PROTO_H
#define TARGET_I386_HYPERV_PROTO_H

#include "hw/hyperv/hyperv-proto.h"

#define HV_CPUID_VENDOR_AND_MAX_FUNCTIONS     0x40000000
#define HV_CPUID_INTERFACE                    0x40000001
#define HV_CPUID_VERSION                      0x40000002
#define HV_CPUID_FEATURES                     0x40000003
#define HV_CPUID_ENLIGHTMENT_INFO             0x40000004
#define HV_CPUID_IMPLEMENT_LIMITS             0x40000005
#define HV_CPUID_SYNDBG_VENDOR_AND_MAX_FUNCTIONS 0x40000080
#define HV_CPUID_SYNDBG_INTERFACE             0x40000081
#define HV_CPUID_SYNDBG_PLATFORM_CAPABILITIES 0x40000082
#define HV_CPUID_MIN                          0x40000005
#define HV_CPUID_MAX                          0x4000ffff
#define HV_HYPERVISOR_PRESENT_BIT             0x80000000

""" + SYNDBG_DEFS + """\
/*
 * HV_CPUID_FEATURES.EAX bits
 */
#define HV_VP_RUNTIME_AVAILABLE      (1u << 0)
#define HV_TIME_REF_COUNT_AVAILABLE  (1u << 1)
#define HV_SYNIC_AVAILABLE           (1u << 2)
#define HV_SYNTIMERS_AVAILABLE       (1u << 3)
#define HV_APIC_ACCESS_AVAILABLE     (1u << 4)
#define HV_HYPERCALL_AVAILABLE       (1u << 5)
#define HV_VP_INDEX_AVAILABLE        (1u << 6)
#define HV_RESET_AVAILABLE           (1u << 7)

/*
 * Synthetic debugger control definitions
 */
#define HV_SYNDBG_CONTROL_SEND              (1u << 0)
#define HV_SYNDBG_CONTROL_RECV              (1u << 1)
#define HV_SYNDBG_CONTROL_SEND_SIZE(ctl)    ((ctl >> 16) & 0xffff)

#endif
"""

FILES["hw/hyperv/syndbg.c"] = """\
/*
 * QEMU Hyper-V Synthetic Debugging device
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 */

#include "qemu/osdep.h"
#include "qemu/ctype.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/sockets.h"
#include "qapi/error.h"
#include "migration/vmstate.h"
#include "hw/qdev-properties.h"
#include "hw/loader.h"
#include "cpu.h"
#include "hw/hyperv/hyperv.h"
#include "hw/hyperv/vmbus-bridge.h"
#include "hw/hyperv/hyperv-proto.h"
#include "net/net.h"
#include "net/eth.h"
#include "net/checksum.h"
#include "trace.h"

#define TYPE_HV_SYNDBG       "hv-syndbg"

typedef struct HvSynDbg {
    DeviceState parent_obj;

    char *host_ip;
    uint16_t host_port;
    bool use_hcalls;

    uint32_t target_ip;
    struct sockaddr_in servaddr;
    int socket;
    bool has_data_pending;
    uint64_t pending_page_gpa;
} HvSynDbg;

#define HVSYNDBG(obj) OBJECT_CHECK(HvSynDbg, (obj), TYPE_HV_SYNDBG)

/* returns NULL unless there is exactly one HV Synth debug device */
static HvSynDbg *hv_syndbg_find(void)
{
    /* Returns NULL unless there is exactly one hvsd device */
    return HVSYNDBG(object_resolve_path_type("", TYPE_HV_SYNDBG, NULL));
}

#define UDP_PKT_HEADER_SIZE \\
    (sizeof(struct eth_header) + sizeof(struct ip_header) +\\
     sizeof(struct udp_header))

static uint16_t handle_recv_msg(HvSynDbg *syndbg, uint64_t outgpa,
                                uint32_t count, bool is_raw, uint32_t options,
                                uint64_t timeout, uint32_t *retrecv_len)
{
    uint16_t ret;
    uint8_t data_buf[TARGET_PAGE_SIZE - UDP_PKT_HEADER_SIZE];
    hwaddr out_len;
    void *out_data;
    ssize_t recv_byte_count;

    /* TODO: Handle options and timeout */
    (void)options;
    (void)timeout;

    if (!syndbg->has_data_pending) {
        recv_byte_count = 0;
    } else {
        recv_byte_count = recv(syndbg->socket, data_buf,
                               MIN(sizeof(data_buf), count), MSG_WAITALL);
        if (recv_byte_count == -1) {
            return HV_STATUS_INVALID_PARAMETER;
        }
    }

    if (!recv_byte_count) {
        *retrecv_len = 0;
        return HV_STATUS_NO_DATA;
    }

    out_len = recv_byte_count;
    if (is_raw) {
        out_len += UDP_PKT_HEADER_SIZE;
    }
    out_data = cpu_physical_memory_map(outgpa, &out_len, 1);
    if (!out_data) {
        return HV_STATUS_INSUFFICIENT_MEMORY;
    }

    ret = HV_STATUS_SUCCESS;
    memcpy(out_data, data_buf, recv_byte_count);
    *retrecv_len = recv_byte_count;
    cpu_physical_memory_unmap(out_data, out_len, 1, out_len);
    return ret;
}

static void hv_syndbg_realize(DeviceState *dev, Error **errp)
{
    HvSynDbg *syndbg = HVSYNDBG(dev);

    if (!hv_syndbg_find()) {
        error_setg(errp, "at most one %s device is permitted", TYPE_HV_SYNDBG);
        return;
    }

    if (inet_aton(syndbg->host_ip, &syndbg->servaddr.sin_addr) != 1) {
        error_setg(errp, "%s failed to resolve host name %s", TYPE_HV_SYNDBG,
                   syndbg->host_ip);
        return;
    }

    syndbg->socket = socket(AF_INET, SOCK_DGRAM, 0);
    if (syndbg->socket < 0) {
        error_setg(errp, "%s failed to create socket", TYPE_HV_SYNDBG);
        return;
    }

    qemu_socket_set_nonblock(syndbg->socket);
}
"""

FILES["hw/hyperv/vmbus.c"] = """\
/*
 * QEMU Hyper-V VMBus
 *
 * Copyright (c) 2017-2018 Virtuozzo International GmbH.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "migration/vmstate.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "hw/hyperv/hyperv.h"
#include "hw/hyperv/vmbus.h"
#include "hw/hyperv/vmbus-bridge.h"
#include "hw/sysbus.h"
#include "cpu.h"
#include "trace.h"

static size_t gpadl_len(VMBusGpadl *gpadl)
{
    return gpadl->num_gfns * TARGET_PAGE_SIZE;
}

static void gpadl_iter_cache_unmap(GpadlIter *iter)
{
    uint32_t map_start_in_page = (uintptr_t)iter->map & ~TARGET_PAGE_MASK;
    uint32_t io_end_in_page = ((iter->last_off - 1) & ~TARGET_PAGE_MASK) + 1;

    /* mapping is only done to do non-zero amount of i/o */
    assert(iter->last_off > 0);
    assert(map_start_in_page < io_end_in_page);

    dma_memory_unmap(iter->as, iter->map, TARGET_PAGE_SIZE - map_start_in_page,
                     iter->dir, io_end_in_page - map_start_in_page);
}

/*
 * Copy exactly @len bytes between the GPADL pointed to by @iter and @buf.
 * The direction of the copy is determined by @iter->dir.
 * The caller must ensure the operation overflows neither @buf nor the GPADL
 * (there's an assert for the latter).
 * Reuse the currently mapped page in the GPADL if possible.
 */
static ssize_t gpadl_iter_io(GpadlIter *iter, void *buf, uint32_t len)
{
    ssize_t ret = len;

    assert(iter->active);

    while (len) {
        uint32_t off_in_page = iter->off & ~TARGET_PAGE_MASK;
        uint32_t pgleft = TARGET_PAGE_SIZE - off_in_page;
        uint32_t cplen = MIN(pgleft, len);
        void *p;

        /* try to reuse the cached mapping */
        if (iter->map) {
            uint32_t map_start_in_page =
                (uintptr_t)iter->map & ~TARGET_PAGE_MASK;
            uint32_t off_base = iter->off & TARGET_PAGE_MASK;
            uint32_t mapped_base = (iter->last_off - 1) & TARGET_PAGE_MASK;
            if (off_base != mapped_base || off_in_page < map_start_in_page) {
                gpadl_iter_cache_unmap(iter);
                iter->map = NULL;
            }
        }

        if (!iter->map) {
            dma_addr_t maddr;
            dma_addr_t mlen = pgleft;
            uint32_t idx = iter->off >> TARGET_PAGE_BITS;
            assert(idx < iter->gpadl->num_gfns);

            maddr = (iter->gpadl->gfns[idx] << TARGET_PAGE_BITS) | off_in_page;

            iter->map = dma_memory_map(iter->as, maddr, &mlen, iter->dir,
                                       MEMTXATTRS_UNSPECIFIED);
            if (mlen != pgleft) {
                dma_memory_unmap(iter->as, iter->map, mlen, iter->dir, 0);
                iter->map = NULL;
                return -EFAULT;
            }
        }

        p = (void *)(uintptr_t)(((uintptr_t)iter->map & TARGET_PAGE_MASK) |
                off_in_page);
        if (iter->dir == DMA_DIRECTION_FROM_DEVICE) {
            memcpy(p, buf, cplen);
        } else {
            memcpy(buf, p, cplen);
        }

        buf += cplen;
        len -= cplen;
        iter->off += cplen;
        iter->last_off = iter->off;
    }

    return ret;
}

static int sgl_from_gpa_ranges(QEMUSGList *sgl, VMBusDevice *dev,
                               VMBusRingBufCommon *ringbuf, uint32_t len)
{
    int ret;
    vmbus_pkt_gpa_direct hdr;
    hwaddr curaddr = 0;
    hwaddr curlen = 0;
    int num;

    if (len < sizeof(hdr)) {
        return -EIO;
    }
    ret = ringbuf_io(ringbuf, &hdr, sizeof(hdr));
    if (ret < 0) {
        return ret;
    }
    len -= sizeof(hdr);

    num = (len - hdr.rangecount * sizeof(vmbus_gpa_range)) / sizeof(uint64_t);
    if (num < 0) {
        return -EIO;
    }
    qemu_sglist_init(sgl, DEVICE(dev), num, ringbuf->as);

    for (; hdr.rangecount; hdr.rangecount--) {
        vmbus_gpa_range range;

        if (len < sizeof(range)) {
            goto eio;
        }
        ret = ringbuf_io(ringbuf, &range, sizeof(range));
        if (ret < 0) {
            goto err;
        }
        len -= sizeof(range);

        if (range.byte_offset & TARGET_PAGE_MASK) {
            goto eio;
        }

        for (; range.byte_count; range.byte_offset = 0) {
            uint64_t paddr;
            uint32_t plen = MIN(range.byte_count,
                                TARGET_PAGE_SIZE - range.byte_offset);

            if (len < sizeof(uint64_t)) {
                goto eio;
            }
            ret = ringbuf_io(ringbuf, &paddr, sizeof(paddr));
            if (ret < 0) {
                goto err;
            }
            len -= sizeof(uint64_t);
            paddr <<= TARGET_PAGE_BITS;
            paddr |= range.byte_offset;
            range.byte_count -= plen;

            if (curaddr + curlen == paddr) {
                /* consecutive fragments - join */
                curlen += plen;
            } else {
                if (curlen) {
                    qemu_sglist_add(sgl, curaddr, curlen);
                }

                curaddr = paddr;
                curlen = plen;
            }
        }
    }

    if (curlen) {
        qemu_sglist_add(sgl, curaddr, curlen);
    }

    return 0;
eio:
    ret = -EIO;
err:
    qemu_sglist_destroy(sgl);
    return ret;
}

static void ringbuf_init_common(VMBusRingBufCommon *ringbuf, VMBusGpadl *gpadl,
                                AddressSpace *as, DMADirection dir,
                                uint32_t begin, uint32_t end)
{
    ringbuf->as = as;
    ringbuf->rb_addr = gpadl->gfns[begin] << TARGET_PAGE_BITS;
    ringbuf->base = (begin + 1) << TARGET_PAGE_BITS;
    ringbuf->len = (end - begin - 1) << TARGET_PAGE_BITS;
    gpadl_iter_init(&ringbuf->iter, gpadl, as, dir);
}

static void handle_gpadl_header(VMBus *vmbus, vmbus_message_gpadl_header *msg,
                                uint32_t msglen)
{
    VMBusGpadl *gpadl;
    uint32_t num_gfns, i;

    /* must include at least one gpa range */
    if (msglen < sizeof(*msg) + sizeof(msg->range[0]) ||
        !vmbus_initialized(vmbus)) {
        return;
    }

    num_gfns = (msg->range_buflen - msg->rangecount * sizeof(msg->range[0])) /
               sizeof(msg->range[0].pfn_array[0]);

    trace_vmbus_gpadl_header(msg->gpadl_id, num_gfns);

    /*
     * In theory the GPADL_HEADER message can define a GPADL with multiple GPA
     * ranges each with arbitrary size and alignment.  However in practice only
     * single-range page-aligned GPADLs have been observed so just ignore
     * anything else and simplify things greatly.
     */
    if (msg->rangecount != 1 || msg->range[0].byte_offset ||
        (msg->range[0].byte_count != (num_gfns << TARGET_PAGE_BITS))) {
        return;
    }

    /* ignore requests to create already existing GPADLs */
    if (find_gpadl(vmbus, msg->gpadl_id)) {
        return;
    }

    gpadl = create_gpadl(vmbus, msg->gpadl_id, msg->child_relid, num_gfns);

    for (i = 0; i < num_gfns &&
         (void *)&msg->range[0].pfn_array[i + 1] <= (void *)msg + msglen;
         i++) {
        gpadl->gfns[gpadl->seen_gfns++] = msg->range[0].pfn_array[i];
    }

    if (gpadl_full(gpadl)) {
        vmbus_state_set(vmbus, VMBUS_CREATE_GPADL);
    }
}

static void handle_initiate_contact(VMBus *vmbus,
                                    vmbus_message_initiate_contact *msg,
                                    uint32_t msglen)
{
    if (msglen < sizeof(*msg)) {
        return;
    }

    trace_vmbus_initiate_contact(msg->version_requested >> 16,
                                 msg->version_requested & 0xffff,
                                 msg->target_vcpu, msg->monitor_page1,
                                 msg->monitor_page2, msg->interrupt_page);

    /*
     * Reset vmbus on INITIATE_CONTACT regardless of its previous state.
     * Useful, in particular, with vmbus-aware BIOS which can't shut vmbus down
     * before handing over to OS loader.
     */
    vmbus_reset_all(vmbus);

    vmbus->target_vp = msg->target_vcpu;
    vmbus->version = msg->version_requested;
    if (vmbus->version < VMBUS_VERSION_WIN8) {
        /* linearly split one page into separate halves for recv and send */
        vmbus->int_page_gpa = msg->interrupt_page & TARGET_PAGE_MASK;
        vmbus->int_page_size = TARGET_PAGE_SIZE / 2;
        vmbus->int_page_recv = vmbus->int_page_gpa;
        vmbus->int_page_send = vmbus->int_page_gpa + TARGET_PAGE_SIZE / 2;
    }
    vmbus_state_set(vmbus, VMBUS_HANDSHAKE);
}

static bool vmbus_rx_buf_fits(VMBusChannel *chan, uint32_t len)
{
    return ROUND_UP(len, TARGET_PAGE_SIZE) <= gpadl_len(chan->gpadl);
}

static uint32_t vmbus_rx_buf_pages(VMBusChannel *chan)
{
    return gpadl_len(chan->gpadl) >> TARGET_PAGE_BITS;
}
"""


def _vmbus_runtime(src: str) -> str:
    """hw/hyperv/vmbus: replace the compile-time target page macros by runtime calls."""
    return (src.replace('#include "cpu.h"\n', '#include "exec/target_page.h"\n')
            .replace("TARGET_PAGE_SIZE", "qemu_target_page_size()")
            .replace("TARGET_PAGE_MASK", "qemu_target_page_mask()")
            .replace("TARGET_PAGE_BITS", "qemu_target_page_bits()"))


def _whole(path: str, new: str) -> tuple:
    return ("sub", path, FILES[path], new)


_MESON = "hw/hyperv/meson.build"


def _meson(old_line_start: str, new_line: str) -> tuple:
    """Replace one whole line of hw/hyperv/meson.build (base wording of that line)."""
    for line in FILES[_MESON].splitlines():
        if line.startswith(old_line_start):
            return ("sub", _MESON, line + "\n", new_line + "\n")
    raise KeyError(old_line_start)


_BALLOON_ALL = ("specific_ss.add(when: 'CONFIG_HV_BALLOON', if_true: files('hv-balloon.c', "
                "'hv-balloon-page_range_tree.c', 'hv-balloon-our_range_memslots.c')")


def _syndbg_ops(version: int) -> list:
    path = "hw/hyperv/syndbg.c"
    if version >= 4:
        includes = ("sub", path, '#include "qemu/sockets.h"\n',
                    '#include "qemu/sockets.h"\n#include "qemu/units.h"\n')
        size = "(4 * KiB)"
    else:
        includes = None
        size = "4096"
    assertion = ("assert(qemu_target_page_size() >= BUFFER_SIZE);" if version == 2
                 else "assert(qemu_target_page_size() == BUFFER_SIZE);")
    ops = [
        ("sub", path, '#include "cpu.h"\n', '#include "exec/target_page.h"\n'),
        ("sub", path, '#define TYPE_HV_SYNDBG       "hv-syndbg"\n',
         '#define TYPE_HV_SYNDBG       "hv-syndbg"\n\n'
         "/*\n * Hyper-V syndbg buffers are always 4KiB, whatever the target page size.\n */\n"
         f"#define BUFFER_SIZE {size}\n"),
        ("sub", path, "    uint8_t data_buf[TARGET_PAGE_SIZE - UDP_PKT_HEADER_SIZE];\n",
         "    uint8_t data_buf[BUFFER_SIZE - UDP_PKT_HEADER_SIZE];\n"),
        ("sub", path, "    HvSynDbg *syndbg = HVSYNDBG(dev);\n\n    if (!hv_syndbg_find()) {",
         f"    HvSynDbg *syndbg = HVSYNDBG(dev);\n\n    {assertion}\n    if (!hv_syndbg_find()) {{"),
        _meson("specific_ss.add(when: 'CONFIG_SYNDBG'",
               "system_ss.add(when: 'CONFIG_SYNDBG', if_true: files('syndbg.c'))"),
    ]
    if includes:
        ops.insert(0, includes)
    return ops


def hyperv_patches(version: int) -> list:
    r_rth = rb(RTH)
    r_phil = rb(PHILMD)
    s = sob(PIERRICK)
    msg1 = text("hyperv_v4_1") if version >= 3 else s
    msg5_rb = r_rth if version >= 4 else ""
    return [
        Patch("hw/hyperv/hv-balloon-stub: common compilation unit", PIERRICK, msg1, [
            _meson("specific_ss.add(when: 'CONFIG_HV_BALLOON'",
                   _BALLOON_ALL + ")\n"
                   "system_ss.add(when: 'CONFIG_HV_BALLOON', if_false: files('hv-balloon-stub.c'))"),
        ]),
        Patch("hw/hyperv/hyperv.h: header cleanup", PIERRICK,
              "Remove the target dependent headers: cpu-qom.h only brings CPUState,\n"
              "which is already declared in qemu/typedefs.h, and hwaddr comes from\n"
              "exec/hwaddr.h.\n\n" + r_phil + r_rth + s, [
                  ("sub", "include/hw/hyperv/hyperv.h",
                   '#include "cpu-qom.h"\n#include "exec/cpu-defs.h"\n',
                   '#include "exec/hwaddr.h"\n'),
              ]),
        Patch("hw/hyperv/vmbus: common compilation unit", PIERRICK,
              "Replace TARGET_PAGE.* by runtime calls.\n\n" + r_rth + s, [
                  _whole("hw/hyperv/vmbus.c", _vmbus_runtime(FILES["hw/hyperv/vmbus.c"])),
                  _meson("specific_ss.add(when: 'CONFIG_VMBUS'",
                         "system_ss.add(when: 'CONFIG_VMBUS', if_true: files('vmbus.c'))"),
              ]),
        Patch("hw/hyperv/hyperv-proto: move SYNDBG definition from target/i386", PIERRICK,
              "Allows to make hw/hyperv/syndbg.c target independent.\n\n" + r_phil + r_rth + s, [
                  ("sub", "target/i386/kvm/hyperv-proto.h", SYNDBG_DEFS, ""),
                  ("sub", "include/hw/hyperv/hyperv-proto.h", "};\n\n#endif\n",
                   "};\n\n" + SYNDBG_DEFS + "#endif\n"),
              ]),
        Patch("hw/hyperv/syndbg: common compilation unit", PIERRICK,
              "Replace TARGET_PAGE.* by runtime calls.\n\n"
              "The syndbg buffers are a single Hyper-V page, which is always 4KiB,\n"
              "so use a fixed size for them and check the target agrees.\n\n" + msg5_rb + s,
              _syndbg_ops(version)),
        Patch("hw/hyperv/balloon: common balloon compilation units", PIERRICK,
              r_rth + s, [
                  ("sub", _MESON, _BALLOON_ALL + ")\n",
                   _BALLOON_ALL.replace("specific_ss", "system_ss") + ")\n"),
              ]),
        Patch("hw/hyperv/hyperv_testdev: common compilation unit", PIERRICK,
              r_rth + s, [
                  _meson("specific_ss.add(when: 'CONFIG_HYPERV_TESTDEV'",
                         "system_ss.add(when: 'CONFIG_HYPERV_TESTDEV', "
                         "if_true: files('hyperv_testdev.c'))"),
              ]),
    ]


_HV_BLURB_V4 = text("hyperv_v4_0")
_HV_BLURB_V3 = _HV_BLURB_V4.replace("\nv4\n- use KiB unit\n", "")
_HV_BLURB_V2 = _HV_BLURB_V3.replace("\nv3\n- fix assert for page size.\n", "")
assert _HV_BLURB_V2 != _HV_BLURB_V3 != _HV_BLURB_V4

_HV_TO = ["qemu-devel@nongnu.org", "kvm@vger.kernel.org"]
_HV_CC = ["philmd@linaro.org", "Paolo Bonzini <pbonzini@redhat.com>",
          "pierrick.bouvier@linaro.org", "alex.bennee@linaro.org",
          "Marcelo Tosatti <mtosatti@redhat.com>",
          '"Maciej S. Szmigiero" <maciej.szmigiero@oracle.com>',
          "richard.henderson@linaro.org", "manos.pitsidianakis@linaro.org"]
_HV_TITLE = "hw/hyperv: remove duplication compilation units"
PT = tz(-8)


def _hyperv(version: int, first: datetime, stamp: str, irt: str | None = None) -> Series:
    return Series(
        key=f"hyperv-v{version}", project="qemu", title=_HV_TITLE,
        sender=PIERRICK, committer=PIERRICK, prefix="PATCH", version=version,
        patches=hyperv_patches(version), first_date=first,
        author_date=first - timedelta(hours=2), style="send-email", stamp=stamp,
        git_version="2.39.5", to=_HV_TO, cc=_HV_CC, orderfile=QEMU_ORDER, abbrev=10,
        cover={"subject": _HV_TITLE,
               "blurb": {2: _HV_BLURB_V2, 3: _HV_BLURB_V3, 4: _HV_BLURB_V4}[version]},
        in_reply_to=irt, charset='"utf-8"',
    )


S_HYPERV_V2 = _hyperv(2, datetime(2025, 3, 7, 11, 9, 56, tzinfo=PT), "20250307191003.248950")
S_HYPERV_V3 = _hyperv(3, datetime(2025, 3, 7, 11, 37, 5, tzinfo=PT), "20250307193712.261415",
                      irt="<20250307191003.248950-1-pierrick.bouvier@linaro.org>")
S_HYPERV_V4 = _hyperv(4, datetime(2025, 3, 7, 13, 56, 16, tzinfo=PT), "20250307215623.524987")


# =====================================================================================
# hw/vfio: Build various objects once (Philippe Mathieu-Daudé, 00/14)
# =====================================================================================

FILES["hw/vfio/common.c"] = """\
/*
 * generic functions used by VFIO devices
 *
 * Copyright Red Hat, Inc. 2012
 *
 * Authors:
 *  Alex Williamson <alex.williamson@redhat.com>
 *
 * This work is licensed under the terms of the GNU GPL, version 2.  See
 * the COPYING file in the top-level directory.
 */

#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <linux/vfio.h>

#include "hw/vfio/vfio-common.h"
#include "hw/vfio/pci.h"
#include "exec/address-spaces.h"
#include "exec/memory.h"
#include "exec/ram_addr.h"
#include "exec/target_page.h"
#include "hw/hw.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/range.h"
#include "system/kvm.h"
#include "system/reset.h"
#include "system/runstate.h"
#include "trace.h"
#include "qapi/error.h"
#include "migration/misc.h"
#include "migration/blocker.h"
#include "migration/qemu-file.h"
#include "system/tpm.h"

int vfio_get_dirty_bitmap(const VFIOContainerBase *bcontainer, uint64_t iova,
                          uint64_t size, ram_addr_t ram_addr, Error **errp)
{
    bool all_device_dirty_tracking =
        vfio_devices_all_device_dirty_tracking(bcontainer);
    uint64_t dirty_pages;
    VFIOBitmap vbmap;
    int ret;

    if (!bcontainer->dirty_pages_supported && !all_device_dirty_tracking) {
        cpu_physical_memory_set_dirty_range(ram_addr, size,
                                            tcg_enabled() ? DIRTY_CLIENTS_ALL :
                                            DIRTY_CLIENTS_NOCODE);
        return 0;
    }

    ret = vfio_bitmap_alloc(&vbmap, size);
    if (ret) {
        error_setg_errno(errp, -ret,
                         "Failed to allocate dirty tracking bitmap");
        return ret;
    }

    if (all_device_dirty_tracking) {
        ret = vfio_devices_query_dirty_bitmap(bcontainer, &vbmap, iova, size,
                                              errp);
    } else {
        ret = vfio_container_query_dirty_bitmap(bcontainer, &vbmap, iova, size,
                                                errp);
    }

    if (ret) {
        goto out;
    }

    dirty_pages = cpu_physical_memory_set_dirty_lebitmap(vbmap.bitmap, ram_addr,
                                                         vbmap.pages);

    trace_vfio_get_dirty_bitmap(iova, size, vbmap.size, ram_addr, dirty_pages);
out:
    g_free(vbmap.bitmap);

    return ret;
}
"""

FILES["hw/vfio/spapr.c"] = """\
/*
 * DMA memory preregistration
 *
 * Authors:
 *  Alexey Kardashevskiy <aik@ozlabs.ru>
 *
 * This work is licensed under the terms of the GNU GPL, version 2.  See
 * the COPYING file in the top-level directory.
 */

#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <linux/vfio.h>
#include <linux/kvm.h>
#include "exec/address-spaces.h"
#include "exec/ram_addr.h"

#include "hw/vfio/vfio-common.h"
#include "hw/hw.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "trace.h"

static int vfio_spapr_create_window(VFIOContainer *container,
                                    MemoryRegionSection *section,
                                    hwaddr *pgsize, Error **errp)
{
    int ret = 0;
    VFIOContainerBase *bcontainer = &container->bcontainer;
    IOMMUMemoryRegion *iommu_mr = IOMMU_MEMORY_REGION(section->mr);
    uint64_t pagesize = memory_region_iommu_get_min_page_size(iommu_mr), pgmask;
    unsigned entries, bits_total, bits_per_level, max_levels;
    struct vfio_iommu_spapr_tce_create create = { .argsz = sizeof(create) };
    long rampagesize = qemu_minrampagesize();

    /*
     * The host might not support the guest supported IOMMU page size,
     * so we will use smaller physical IOMMU pages to back them.
     */
    if (pagesize > rampagesize) {
        pagesize = rampagesize;
    }
    pgmask = bcontainer->pgsizes & (pagesize | (pagesize - 1));
    pagesize = pgmask ? (1ULL << (63 - clz64(pgmask))) : 0;
    if (!pagesize) {
        error_setg_errno(errp, EINVAL, "Host doesn't support page size 0x%"PRIx64
                         ", the supported mask is 0x%lx",
                         memory_region_iommu_get_min_page_size(iommu_mr),
                         bcontainer->pgsizes);
        return -EINVAL;
    }

    if (kvm_enabled()) {
        /* with KVM, the TCE table lives in the kernel */
        create.flags = 0;
    }
    *pgsize = pagesize;
    return ret;
}
"""

FILES["hw/vfio/migration.c"] = """\
/*
 * Migration support for VFIO devices
 *
 * Copyright NVIDIA, Inc. 2020
 *
 * This work is licensed under the terms of the GNU GPL, version 2. See
 * the COPYING file in the top-level directory.
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/cutils.h"
#include "qemu/units.h"
#include "qemu/error-report.h"
#include <linux/vfio.h>
#include <sys/ioctl.h>

#include "system/runstate.h"
#include "hw/vfio/vfio-common.h"
#include "migration/misc.h"
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "migration/qemu-file.h"
#include "migration/register.h"
#include "migration/blocker.h"
#include "qapi/error.h"
#include "qapi/qapi-events-vfio.h"
#include "exec/ramlist.h"
#include "exec/ram_addr.h"
#include "pci.h"
#include "trace.h"

/*
 * This is an arbitrary size based on migration of mlx5 devices, where typically
 * total device migration size is on the order of 100s of MB. Testing with
 * larger values, e.g. 128MB and 1GB, did not show a performance improvement.
 */
#define VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE (1 * MiB)

static unsigned long bytes_transferred;
"""

FILES["hw/vfio/iommufd.c"] = """\
/*
 * iommufd container backend
 *
 * Copyright (C) 2023 Intel Corporation.
 * Copyright Red Hat, Inc. 2023
 *
 * Authors: Yi Liu <yi.l.liu@intel.com>
 *          Eric Auger <eric.auger@redhat.com>
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>

#include "hw/vfio/vfio-common.h"
#include "qemu/error-report.h"
#include "trace.h"
#include "qapi/error.h"
#include "system/iommufd.h"
#include "hw/qdev-core.h"
#include "system/reset.h"
#include "qemu/cutils.h"
#include "qemu/chardev_open.h"
#include "pci.h"
#include "exec/ram_addr.h"

static int iommufd_cdev_map(const VFIOContainerBase *bcontainer, hwaddr iova,
                            ram_addr_t size, void *vaddr, bool readonly)
{
    const VFIOIOMMUFDContainer *container =
        container_of(bcontainer, VFIOIOMMUFDContainer, bcontainer);

    return iommufd_backend_map_dma(container->be,
                                   container->ioas_id,
                                   iova, size, vaddr, readonly);
}
"""

FILES["hw/vfio/meson.build"] = """\
vfio_ss = ss.source_set()
vfio_ss.add(files(
  'helpers.c',
  'common.c',
  'container-base.c',
  'container.c',
  'migration.c',
))
vfio_ss.add(when: 'CONFIG_PSERIES', if_true: files('spapr.c'))
vfio_ss.add(when: 'CONFIG_IOMMUFD', if_true: files(
  'iommufd.c',
))
vfio_ss.add(when: 'CONFIG_VFIO_PCI', if_true: files(
  'display.c',
  'pci-quirks.c',
  'pci.c',
))
vfio_ss.add(when: 'CONFIG_VFIO_CCW', if_true: files('ccw.c'))
vfio_ss.add(when: 'CONFIG_VFIO_PLATFORM', if_true: files('platform.c'))
vfio_ss.add(when: 'CONFIG_VFIO_AP', if_true: files('ap.c'))
vfio_ss.add(when: 'CONFIG_VFIO_IGD', if_true: files('igd.c'))

specific_ss.add_all(when: 'CONFIG_VFIO', if_true: vfio_ss)

system_ss.add(when: 'CONFIG_VFIO_XGMAC', if_true: files('calxeda-xgmac.c'))
system_ss.add(when: 'CONFIG_VFIO_AMD_XGBE', if_true: files('amd-xgbe.c'))
system_ss.add(when: 'CONFIG_VFIO', if_true: files(
  'cpr.c',
  'migration-multifd.c',
  'region.c',
))
"""

FILES["include/exec/ram_addr.h"] = """\
/*
 * Declarations for cpu physical memory functions
 *
 * Copyright 2011 Red Hat, Inc. and/or its affiliates
 *
 * Authors:
 *  Avi Kivity <avi@redhat.com>
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or
 * later.  See the COPYING file in the top-level directory.
 *
 */

/*
 * This header is for use by exec.c and memory.c ONLY.  Do not include it.
 * The functions declared here will be removed soon.
 */

#ifndef QEMU_EXEC_RAM_ADDR_H
#define QEMU_EXEC_RAM_ADDR_H

#include "cpu.h"
#include "system/xen.h"
#include "system/tcg.h"
#include "exec/cputlb.h"
#include "exec/ramlist.h"
#include "exec/ramblock.h"
#include "exec/exec-all.h"
#include "qemu/rcu.h"

extern uint64_t total_dirty_pages;

long qemu_minrampagesize(void);
long qemu_maxrampagesize(void);

/**
 * qemu_ram_alloc_from_file,
 * qemu_ram_alloc_from_fd:  Allocate a ram block from the specified backing
 *                          file or device
 */
RAMBlock *qemu_ram_alloc_from_file(ram_addr_t size, MemoryRegion *mr,
                                   uint32_t ram_flags, const char *mem_path,
                                   off_t offset, Error **errp);

#endif
"""

FILES["include/system/hostmem.h"] = """\
/*
 * QEMU Host Memory Backend
 *
 * Copyright (C) 2013-2014 Red Hat Inc
 *
 * Authors:
 *   Igor Mammedov <imammedo@redhat.com>
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 */

#ifndef SYSTEM_HOSTMEM_H
#define SYSTEM_HOSTMEM_H

#include "system/numa.h"
#include "qapi/qapi-types-machine.h"
#include "qom/object.h"
#include "exec/memory.h"
#include "qemu/bitmap.h"
#include "qemu/thread-context.h"

#define TYPE_MEMORY_BACKEND "memory-backend"
OBJECT_DECLARE_TYPE(HostMemoryBackend, HostMemoryBackendClass,
                    MEMORY_BACKEND)

bool host_memory_backend_mr_inited(HostMemoryBackend *backend);
MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *backend);

void host_memory_backend_set_mapped(HostMemoryBackend *backend, bool mapped);
bool host_memory_backend_is_mapped(HostMemoryBackend *backend);
size_t host_memory_backend_pagesize(HostMemoryBackend *memdev);
char *host_memory_backend_get_name(HostMemoryBackend *backend);

#endif
"""

FILES["include/system/iommufd.h"] = """\
/*
 * iommufd container backend declaration
 *
 * Copyright (C) 2024 Intel Corporation.
 * Copyright Red Hat, Inc. 2024
 *
 * Authors: Yi Liu <yi.l.liu@intel.com>
 *          Eric Auger <eric.auger@redhat.com>
 *          Zhenzhong Duan <zhenzhong.duan@intel.com>
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSTEM_IOMMUFD_H
#define SYSTEM_IOMMUFD_H

#include "qom/object.h"
#include "exec/hwaddr.h"
#include "exec/cpu-common.h"
#include "system/host_iommu_device.h"

#define TYPE_IOMMUFD_BACKEND "iommufd"
OBJECT_DECLARE_TYPE(IOMMUFDBackend, IOMMUFDBackendClass, IOMMUFD_BACKEND)

struct IOMMUFDBackendClass {
    ObjectClass parent_class;
};

bool iommufd_backend_connect(IOMMUFDBackend *be, Error **errp);
void iommufd_backend_disconnect(IOMMUFDBackend *be);

bool iommufd_backend_alloc_ioas(IOMMUFDBackend *be, uint32_t *ioas_id,
                                Error **errp);
void iommufd_backend_free_id(IOMMUFDBackend *be, uint32_t id);

#endif
"""

FILES["include/system/kvm.h"] = """\
/*
 * QEMU KVM support
 *
 * Copyright IBM, Corp. 2008
 *
 * Authors:
 *  Anthony Liguori   <aliguori@us.ibm.com>
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 *
 */

#ifndef QEMU_KVM_H
#define QEMU_KVM_H

#include "exec/memattrs.h"
#include "qemu/accel.h"
#include "qom/object.h"

extern bool kvm_allowed;
extern bool kvm_kernel_irqchip;

#define kvm_enabled()           (kvm_allowed)
#define kvm_irqchip_in_kernel() (kvm_kernel_irqchip)

int kvm_irqchip_add_msi_route(KVMRouteChange *c, int vector, PCIDevice *dev);
int kvm_irqchip_update_msi_route(KVMState *s, int virq, MSIMessage msg,
                                 PCIDevice *dev);
void kvm_irqchip_commit_routes(KVMState *s);

#ifdef COMPILING_PER_TARGET
#include "cpu.h"

void kvm_flush_coalesced_mmio_buffer(void);

void kvm_irqchip_add_change_notifier(Notifier *n);
void kvm_irqchip_remove_change_notifier(Notifier *n);
void kvm_irqchip_change_notify(void);

int kvm_set_one_reg(CPUState *cs, uint64_t id, void *source);
int kvm_get_one_reg(CPUState *cs, uint64_t id, void *target);

#endif /* COMPILING_PER_TARGET */

#endif
"""

FILES["target/s390x/kvm/kvm_s390x.h"] = """\
/*
 * QEMU KVM support -- s390x specific functions.
 *
 * Copyright (c) 2009 Ulrich Hecht
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 */

#ifndef KVM_S390X_H
#define KVM_S390X_H

#include "cpu-qom.h"

struct kvm_s390_irq;

void kvm_s390_floating_interrupt_legacy(struct kvm_s390_io_info *io);
void kvm_s390_service_interrupt(uint32_t parm);
void kvm_s390_vcpu_interrupt(S390CPU *cpu, struct kvm_s390_irq *irq);
void kvm_s390_access_exception(S390CPU *cpu, uint16_t code, uint64_t te_code);
int kvm_s390_mem_op(S390CPU *cpu, vaddr addr, uint8_t ar, void *hostbuf,
                    int len, bool is_write);
int kvm_s390_get_hpage_1m(void);
int kvm_s390_get_protected_dump(void);
void kvm_s390_crypto_reset(void);

#endif /* KVM_S390X_H */
"""

FILES["accel/stubs/kvm-stub.c"] = """\
/*
 * QEMU KVM stub
 *
 * Copyright Red Hat, Inc. 2010
 *
 * Author: Paolo Bonzini     <pbonzini@redhat.com>
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 *
 */

#include "qemu/osdep.h"
#include "system/kvm.h"
#include "hw/pci/msi.h"

KVMState *kvm_state;
bool kvm_kernel_irqchip;
bool kvm_async_interrupts_allowed;

void kvm_flush_coalesced_mmio_buffer(void)
{
}

void kvm_cpu_synchronize_state(CPUState *cpu)
{
}

bool kvm_has_sync_mmu(void)
{
    return false;
}

int kvm_irqchip_add_msi_route(KVMRouteChange *c, int vector, PCIDevice *dev)
{
    return -ENOSYS;
}

void kvm_irqchip_commit_routes(KVMState *s)
{
}
"""

FILES["hw/ppc/spapr_caps.c"] = """\
/*
 * QEMU PowerPC pSeries Logical Partition capabilities handling
 *
 * Copyright (c) 2017 David Gibson, Red Hat Inc.
 *
 * SPDX-License-Identifier: MIT
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "system/hw_accel.h"
#include "exec/ram_addr.h"
#include "target/ppc/cpu.h"
#include "target/ppc/mmu-hash64.h"
#include "cpu-models.h"
#include "kvm_ppc.h"
#include "migration/vmstate.h"
#include "system/tcg.h"

#include "hw/ppc/spapr.h"

static void cap_hpt_maxpagesize_cpu_apply(SpaprMachineState *spapr,
                                          PowerPCCPU *cpu,
                                          uint8_t val, Error **errp)
{
    long maxpagesize = qemu_maxrampagesize();

    ppc_hash64_filter_pagesizes(cpu, spapr_pagesize_cb, &maxpagesize);
}
"""

FILES["hw/s390x/s390-virtio-ccw.c"] = """\
/*
 * virtio ccw machine
 *
 * Copyright 2012, 2020 IBM Corp.
 * Copyright (c) 2009 Alexander Graf <agraf@suse.de>
 * Author(s): Cornelia Huck <cornelia.huck@de.ibm.com>
 *            Janosch Frank <frankja@linux.ibm.com>
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/ram_addr.h"
#include "system/confidential-guest-support.h"
#include "hw/boards.h"
#include "hw/s390x/sclp.h"
#include "hw/s390x/s390_flic.h"
#include "virtio-ccw.h"
#include "qemu/config-file.h"
#include "qemu/ctype.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "qemu/qemu-print.h"
#include "qemu/units.h"

static void s390_memory_init(MachineState *ms)
{
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *ram = ms->ram;
    uint64_t ram_size = memory_region_size(ram);
    Error *local_err = NULL;

    memory_region_add_subregion(sysmem, 0, ram);

    /*
     * Configure the maximum page size. As no memory devices were created
     * yet, this is the page size of initial memory only.
     */
    s390_set_max_pagesize(qemu_maxrampagesize(), &local_err);
    if (local_err) {
        error_report_err(local_err);
        exit(EXIT_FAILURE);
    }
}
"""

FILES["docs/devel/vfio-iommufd.rst"] = """\
===============================
IOMMUFD BACKEND usage with VFIO
===============================

(Same meaning for backend/container/BE)

With the introduction of iommufd, the Linux kernel provides a generic
interface for user space drivers to propagate their DMA mappings to kernel
for assigned devices. While the legacy kernel interface is group-centric,
the new iommufd interface is device-centric, relying on device fd and iommufd.

Supported platform
==================

Supports x86, ARM and s390x currently.

Usage
=====

- The ``iommufd`` property of the vfio devices is only available when
  QEMU is built with CONFIG_IOMMUFD.

- Of the two options, ``iommufd`` and ``fd``, the ``fd`` option is used to
  pass the device fd opened by a management interface.
"""

_VFIO_PROPS_FD = """\
#ifdef CONFIG_IOMMUFD
static void vfio_{d}_set_fd(Object *obj, const char *str, Error **errp)
{{
    vfio_device_set_fd(&{V}(obj)->vdev, str, errp);
}}
#endif
"""


def _vfio_dev(d: str, V: str, cls: str, extra_prop: str) -> str:
    return f"""\
/*
 * VFIO {d} device
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include <linux/vfio.h>
#include <sys/ioctl.h>
#include "qapi/error.h"
#include "hw/vfio/vfio-common.h"
#include "system/iommufd.h"
#include "hw/qdev-properties.h"
#include "qemu/error-report.h"
#include "qemu/module.h"

static const Property vfio_{d}_properties[] = {{
    DEFINE_PROP_STRING("sysfsdev", {cls}, vdev.sysfsdev),
{extra_prop}#ifdef CONFIG_IOMMUFD
    DEFINE_PROP_LINK("iommufd", {cls}, vdev.iommufd,
                     TYPE_IOMMUFD_BACKEND, IOMMUFDBackend *),
#endif
}};

""" + _VFIO_PROPS_FD.format(d=d, V=V) + f"""
static void vfio_{d}_class_init(ObjectClass *klass, void *data)
{{
    DeviceClass *dc = DEVICE_CLASS(klass);

    device_class_set_props(dc, vfio_{d}_properties);
#ifdef CONFIG_IOMMUFD
    object_class_property_add_str(klass, "fd", NULL, vfio_{d}_set_fd);
#endif
    dc->desc = "VFIO {d} device assignment";
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}}
"""


FILES["hw/vfio/ap.c"] = _vfio_dev("ap", "VFIO_AP_DEVICE", "VFIOAPDevice", "")
FILES["hw/vfio/ccw.c"] = _vfio_dev(
    "ccw", "VFIO_CCW", "VFIOCCWDevice",
    '    DEFINE_PROP_BOOL("force-orb-pfch", VFIOCCWDevice, force_orb_pfch, false),\n')
FILES["hw/vfio/platform.c"] = _vfio_dev(
    "platform", "VFIO_PLATFORM_DEVICE", "VFIOPlatformDevice",
    '    DEFINE_PROP_UINT32("mmap-timeout-ms", VFIOPlatformDevice, mmap_timeout, 1100),\n')


def _vfio_runtime_iommufd(d: str, cls: str, extra_prop: str) -> list:
    path = f"hw/vfio/{d}.c"
    return [
        ("sub", path, f"""{extra_prop}#ifdef CONFIG_IOMMUFD
    DEFINE_PROP_LINK("iommufd", {cls}, vdev.iommufd,
                     TYPE_IOMMUFD_BACKEND, IOMMUFDBackend *),
#endif
}};
""", f"""{extra_prop}}};

static const Property vfio_{d}_iommufd_properties[] = {{
    DEFINE_PROP_LINK("iommufd", {cls}, vdev.iommufd,
                     TYPE_IOMMUFD_BACKEND, IOMMUFDBackend *),
}};
"""),
        ("sub", path, "#ifdef CONFIG_IOMMUFD\nstatic void", "static void"),
        ("sub", path, "}\n#endif\n\nstatic void vfio_", "}\n\nstatic void vfio_"),
        ("sub", path, f"""    device_class_set_props(dc, vfio_{d}_properties);
#ifdef CONFIG_IOMMUFD
    object_class_property_add_str(klass, "fd", NULL, vfio_{d}_set_fd);
#endif
""", f"""    device_class_set_props(dc, vfio_{d}_properties);
    if (iommufd_builtin()) {{
        device_class_set_props(dc, vfio_{d}_iommufd_properties);
        object_class_property_add_str(klass, "fd", NULL, vfio_{d}_set_fd);
    }}
"""),
    ]


FILES["hw/vfio/pci.c"] = """\
/*
 * vfio based device assignment support
 *
 * Copyright Red Hat, Inc. 2012
 *
 * Authors:
 *  Alex Williamson <alex.williamson@redhat.com>
 *
 * This work is licensed under the terms of the GNU GPL, version 2.  See
 * the COPYING file in the top-level directory.
 */

#include "qemu/osdep.h"
#include CONFIG_DEVICES /* CONFIG_IOMMUFD */
#include <linux/vfio.h>
#include <sys/ioctl.h>

#include "hw/hw.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "hw/pci/pci_bridge.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "migration/vmstate.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/range.h"
#include "qemu/units.h"
#include "system/kvm.h"
#include "system/runstate.h"
#include "pci.h"
#include "trace.h"
#include "qapi/error.h"
#include "migration/blocker.h"
#include "migration/qemu-file.h"
#include "system/iommufd.h"

static void vfio_intx_routing_notifier(PCIDevice *pdev);

static bool vfio_intx_enable_kvm(VFIOPCIDevice *vdev, Error **errp)
{
#ifdef CONFIG_KVM
    int irq_fd = event_notifier_get_fd(&vdev->intx.interrupt);

    if (vdev->no_kvm_intx || !kvm_irqfds_enabled() ||
        vdev->intx.route.mode != PCI_INTX_ENABLED ||
        !kvm_resamplefds_enabled()) {
        return true;
    }

    /* Get to a known interrupt state */
    qemu_set_fd_handler(irq_fd, NULL, NULL, vdev);
    vfio_mask_single_irqindex(&vdev->vbasedev, VFIO_PCI_INTX_IRQ_INDEX);
    vdev->intx.pending = false;
    pci_irq_deassert(&vdev->pdev);

    trace_vfio_intx_enable_kvm(vdev->vbasedev.name);

    return true;
#else
    return true;
#endif
}

static bool vfio_intx_enable(VFIOPCIDevice *vdev, Error **errp)
{
    uint8_t pin = vfio_pci_read_config(&vdev->pdev, PCI_INTERRUPT_PIN, 1);

    if (!pin) {
        return true;
    }

#ifdef CONFIG_KVM
    /*
     * Only conditional to avoid generating error messages on platforms
     * where we won't actually use the result anyway.
     */
    if (kvm_irqfds_enabled() && kvm_resamplefds_enabled()) {
        vdev->intx.route = pci_device_route_intx_to_irq(&vdev->pdev,
                                                        vdev->intx.pin);
    }
#endif

    return vfio_intx_enable_kvm(vdev, errp);
}

static void vfio_realize(PCIDevice *pdev, Error **errp)
{
    VFIOPCIDevice *vdev = VFIO_PCI(pdev);

    if (vfio_pci_read_config(&vdev->pdev, PCI_INTERRUPT_PIN, 1)) {
        vdev->intx.mmap_timer = timer_new_ms(QEMU_CLOCK_VIRTUAL,
                                             vfio_intx_mmap_enable, vdev);
        pci_device_set_intx_routing_notifier(&vdev->pdev,
                                             vfio_intx_routing_notifier);
        vdev->irqchip_change_notifier.notify = vfio_irqchip_change;
        kvm_irqchip_add_change_notifier(&vdev->irqchip_change_notifier);
    }
}

static const Property vfio_pci_dev_properties[] = {
    DEFINE_PROP_PCI_HOST_DEVADDR("host", VFIOPCIDevice, host),
    DEFINE_PROP_UUID_NODEFAULT("vf-token", VFIOPCIDevice, vf_token),
    DEFINE_PROP_STRING("sysfsdev", VFIOPCIDevice, vbasedev.sysfsdev),
    DEFINE_PROP_BOOL("x-no-kvm-intx", VFIOPCIDevice, no_kvm_intx, false),
#ifdef CONFIG_IOMMUFD
    DEFINE_PROP_LINK("iommufd", VFIOPCIDevice, vbasedev.iommufd,
                     TYPE_IOMMUFD_BACKEND, IOMMUFDBackend *),
#endif
    DEFINE_PROP_BOOL("skip-vsc-check", VFIOPCIDevice, skip_vsc_check, true),
};

#ifdef CONFIG_IOMMUFD
static void vfio_pci_set_fd(Object *obj, const char *str, Error **errp)
{
    vfio_device_set_fd(&VFIO_PCI(obj)->vbasedev, str, errp);
}
#endif

static void vfio_pci_dev_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(klass);

    device_class_set_legacy_reset(dc, vfio_pci_reset);
    device_class_set_props(dc, vfio_pci_dev_properties);
#ifdef CONFIG_IOMMUFD
    object_class_property_add_str(klass, "fd", NULL, vfio_pci_set_fd);
#endif
    dc->desc = "VFIO-based PCI device assignment";
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    pdc->realize = vfio_realize;
}
"""

_VFIO_MESON = "hw/vfio/meson.build"
_HWVFIO_CC = ["Alex Williamson <alex.williamson@redhat.com>",
              "Igor Mammedov <imammedo@redhat.com>", "qemu-ppc@nongnu.org",
              "Thomas Huth <thuth@redhat.com>",
              "Richard Henderson <richard.henderson@linaro.org>",
              "Tony Krowiak <akrowiak@linux.ibm.com>", "Ilya Leoshkevich <iii@linux.ibm.com>",
              "Yi Liu <yi.l.liu@intel.com>", "Eric Farman <farman@linux.ibm.com>",
              "Zhenzhong Duan <zhenzhong.duan@intel.com>", "Peter Xu <peterx@redhat.com>",
              "Daniel Henrique Barboza <danielhb413@gmail.com>",
              "Eric Auger <eric.auger@redhat.com>", "qemu-s390x@nongnu.org",
              "Jason Herne <jjherne@linux.ibm.com>",
              "=?UTF-8?q?C=C3=A9dric=20Le=20Goater?= <clg@redhat.com>",
              "David Hildenbrand <david@redhat.com>",
              "=?UTF-8?q?Alex=20Benn=C3=A9e?= <alex.bennee@linaro.org>",
              "Harsh Prateek Bora <harshpb@linux.ibm.com>",
              "Nicholas Piggin <npiggin@gmail.com>", "Halil Pasic <pasic@linux.ibm.com>",
              "Christian Borntraeger <borntraeger@linux.ibm.com>",
              "=?UTF-8?q?Philippe=20Mathieu-Daud=C3=A9?= <philmd@linaro.org>"]
_SP = sob(PHILMD)


def _move_to_system(names: list, when: str = "CONFIG_VFIO") -> list:
    """Drop `names` from the per-target vfio_ss lists and add them to system_ss."""
    ops = []
    for n in names:
        ops.append(("sub", _VFIO_MESON, f"  '{n}',\n", "", ))
    return ops


S_HWVFIO = Series(
    key="hw-vfio", project="qemu", title="hw/vfio: Build various objects once",
    sender=PHILMD, committer=PHILMD, prefix="PATCH", version=None,
    first_date=datetime(2025, 3, 7, 19, 3, 23, tzinfo=tz(1)),
    author_date=datetime(2025, 3, 6, 22, 40, 12, tzinfo=tz(1)),
    style="send-email", stamp="20250307180337.14811", git_version="2.47.1",
    to=["qemu-devel@nongnu.org", "kvm@vger.kernel.org"], cc=_HWVFIO_CC,
    orderfile=QEMU_ORDER, abbrev=10, charset='"utf-8"',
    cover={"subject": "hw/vfio: Build various objects once", "blurb": text("hwvfio_00")},
    patches=[
        Patch("hw/vfio/common: Include missing 'system/tcg.h' header", PHILMD,
              text("hwvfio_01"), [
                  ("sub", "hw/vfio/common.c", '#include "system/runstate.h"\n',
                   '#include "system/runstate.h"\n#include "system/tcg.h"\n'),
              ]),
        Patch("hw/vfio/spapr: Do not include <linux/kvm.h>", PHILMD,
              "<linux/kvm.h> is already included by \"system/kvm.h\" when needed,\n"
              "and spapr.c only uses kvm_enabled().\n\n" + _SP, [
                  ("sub", "hw/vfio/spapr.c", "#include <linux/kvm.h>\n",
                   '#include "system/kvm.h"\n'),
              ]),
        Patch("hw/vfio: Compile some common objects once", PHILMD,
              "Some files don't rely on any target-specific knowledge\n"
              "and can be compiled once:\n\n - helpers.c\n - container-base.c\n\n" + _SP, [
                  ("sub", _VFIO_MESON, "  'helpers.c',\n", ""),
                  ("sub", _VFIO_MESON, "  'container-base.c',\n", ""),
                  ("sub", _VFIO_MESON, "  'cpr.c',\n",
                   "  'cpr.c',\n  'container-base.c',\n  'helpers.c',\n"),
              ]),
        Patch("hw/vfio: Compile more objects once", PHILMD,
              "These files depend on the VFIO symbol in their Kconfig\n"
              "definition. They don't rely on target specific definitions,\n"
              "move them to system_ss[] to build them once.\n\n" + _SP, [
                  ("sub", "hw/vfio/migration.c", '#include "exec/ram_addr.h"\n', ""),
                  ("sub", _VFIO_MESON, "  'container.c',\n  'migration.c',\n", ""),
                  ("sub", _VFIO_MESON, "  'cpr.c',\n",
                   "  'container.c',\n  'cpr.c',\n"),
                  ("sub", _VFIO_MESON, "  'migration-multifd.c',\n",
                   "  'migration.c',\n  'migration-multifd.c',\n"),
              ]),
        Patch("hw/vfio: Compile iommufd.c once", PHILMD,
              "Removing unused \"exec/ram_addr.h\" header allow to\n"
              "compile iommufd.c once for all targets.\n\n" + _SP, [
                  ("sub", "hw/vfio/iommufd.c", '#include "exec/ram_addr.h"\n', ""),
                  ("sub", _VFIO_MESON, "vfio_ss.add(when: 'CONFIG_IOMMUFD', if_true: files(\n"
                   "  'iommufd.c',\n))\n", ""),
                  ("sub", _VFIO_MESON, "system_ss.add(when: 'CONFIG_VFIO_AMD_XGBE'",
                   "system_ss.add(when: 'CONFIG_IOMMUFD', if_true: files('iommufd.c'))\n"
                   "system_ss.add(when: 'CONFIG_VFIO_AMD_XGBE'"),
              ]),
        Patch("system: Declare qemu_[min/max]rampagesize() in 'system/hostmem.h'", PHILMD,
              "Both qemu_minrampagesize() and qemu_maxrampagesize() are\n"
              "related to host memory backends, having the following call\n"
              "stack:\n\n  qemu_minrampagesize()\n     -> find_min_backend_pagesize()\n"
              "         -> object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)\n\n"
              "  qemu_maxrampagesize()\n     -> find_max_backend_pagesize()\n"
              "        -> object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)\n\n"
              "Declare them in \"system/hostmem.h\" to allow files which\n"
              "don't need \"exec/ram_addr.h\" to build once.\n\n" + _SP, [
                  ("sub", "include/exec/ram_addr.h",
                   "long qemu_minrampagesize(void);\nlong qemu_maxrampagesize(void);\n\n", ""),
                  ("sub", "include/system/hostmem.h",
                   "char *host_memory_backend_get_name(HostMemoryBackend *backend);\n",
                   "char *host_memory_backend_get_name(HostMemoryBackend *backend);\n\n"
                   "long qemu_minrampagesize(void);\nlong qemu_maxrampagesize(void);\n"),
                  ("sub", "hw/ppc/spapr_caps.c", '#include "system/hw_accel.h"\n',
                   '#include "system/hw_accel.h"\n#include "system/hostmem.h"\n'),
                  ("sub", "hw/s390x/s390-virtio-ccw.c", '#include "exec/ram_addr.h"\n',
                   '#include "exec/ram_addr.h"\n#include "system/hostmem.h"\n'),
                  ("sub", "hw/vfio/spapr.c", '#include "exec/ram_addr.h"\n',
                   '#include "system/hostmem.h"\n'),
              ]),
        Patch("hw/vfio: Compile display.c once", PHILMD,
              "display.c doesn't rely on target specific definitions,\n"
              "move it to system_ss[] to build it once.\n\n" + _SP, [
                  ("sub", _VFIO_MESON, "  'display.c',\n", ""),
                  ("sub", _VFIO_MESON, "system_ss.add(when: 'CONFIG_VFIO_XGMAC'",
                   "system_ss.add(when: 'CONFIG_VFIO_PCI', if_true: files('display.c'))\n"
                   "system_ss.add(when: 'CONFIG_VFIO_XGMAC'"),
              ]),
        Patch("system/kvm: Expose kvm_irqchip_[add,remove]_change_notifier()", PHILMD,
              "Currently kvm_irqchip_add_irqfd_notifier() and\n"
              "kvm_irqchip_remove_irqfd_notifier() are only declared on\n"
              "target specific code. There is not particular reason to,\n"
              "as their prototypes don't use anything target related.\n\n"
              "Move their declaration with common prototypes, and\n"
              "implement their stub.\n\n" + _SP, [
                  ("sub", "include/system/kvm.h",
                   "void kvm_irqchip_add_change_notifier(Notifier *n);\n"
                   "void kvm_irqchip_remove_change_notifier(Notifier *n);\n"
                   "void kvm_irqchip_change_notify(void);\n\n", ""),
                  ("sub", "include/system/kvm.h", "void kvm_irqchip_commit_routes(KVMState *s);\n",
                   "void kvm_irqchip_commit_routes(KVMState *s);\n\n"
                   "void kvm_irqchip_add_change_notifier(Notifier *n);\n"
                   "void kvm_irqchip_remove_change_notifier(Notifier *n);\n"),
                  ("sub", "accel/stubs/kvm-stub.c",
                   "void kvm_irqchip_commit_routes(KVMState *s)\n{\n}\n",
                   "void kvm_irqchip_commit_routes(KVMState *s)\n{\n}\n\n"
                   "void kvm_irqchip_add_change_notifier(Notifier *n)\n{\n}\n\n"
                   "void kvm_irqchip_remove_change_notifier(Notifier *n)\n{\n}\n\n"
                   "void kvm_irqchip_change_notify(void)\n{\n}\n"),
                  ("sub", "target/s390x/kvm/kvm_s390x.h", '#include "cpu-qom.h"\n',
                   '#include "cpu-qom.h"\n#include "system/kvm.h"\n'),
                  ("sub", "target/s390x/kvm/kvm_s390x.h",
                   "void kvm_s390_crypto_reset(void);\n", ""),
              ]),
        Patch("hw/vfio/pci: Convert CONFIG_KVM check to runtime one", PHILMD,
              "Use the runtime kvm_enabled() helper to check whether\n"
              "KVM is available or not.\n\n" + _SP, [
                  ("sub", "hw/vfio/pci.c", "{\n#ifdef CONFIG_KVM\n    int irq_fd",
                   "{\n    int irq_fd"),
                  ("sub", "hw/vfio/pci.c", "    if (vdev->no_kvm_intx || !kvm_irqfds_enabled()",
                   "    if (!kvm_enabled() || vdev->no_kvm_intx || !kvm_irqfds_enabled()"),
                  ("sub", "hw/vfio/pci.c", "    return true;\n#else\n    return true;\n#endif\n}",
                   "    return true;\n}"),
                  ("sub", "hw/vfio/pci.c", "#ifdef CONFIG_KVM\n    /*\n", "    /*\n"),
                  ("sub", "hw/vfio/pci.c",
                   "    if (kvm_irqfds_enabled() && kvm_resamplefds_enabled()) {",
                   "    if (kvm_enabled() && kvm_irqfds_enabled() && kvm_resamplefds_enabled()) {"),
                  ("sub", "hw/vfio/pci.c", "    }\n#endif\n\n    return vfio_intx_enable_kvm",
                   "    }\n\n    return vfio_intx_enable_kvm"),
              ]),
        Patch("system/iommufd: Introduce iommufd_builtin() helper", PHILMD,
              "iommufd_builtin() can be used to check whether\n"
              "the IOMMUFD feature is built in a QEMU binary.\n\n" + _SP, [
                  ("sub", "include/system/iommufd.h",
                   "void iommufd_backend_free_id(IOMMUFDBackend *be, uint32_t id);\n",
                   "void iommufd_backend_free_id(IOMMUFDBackend *be, uint32_t id);\n\n"
                   "/**\n * iommufd_builtin: Return whether the IOMMUFD backend is built in.\n"
                   " */\nstatic inline bool iommufd_builtin(void)\n{\n"
                   "    return type_is_registered(TYPE_IOMMUFD_BACKEND);\n}\n"),
              ]),
        Patch("hw/vfio/pci: Check CONFIG_IOMMUFD at runtime using iommufd_builtin()", PHILMD,
              "Convert the compile time check on the CONFIG_IOMMUFD definition\n"
              "by a runtime one by calling iommufd_builtin().\n\n" + _SP, [
                  ("sub", "hw/vfio/pci.c", "#include CONFIG_DEVICES /* CONFIG_IOMMUFD */\n", ""),
                  ("sub", "hw/vfio/pci.c", """#ifdef CONFIG_IOMMUFD
    DEFINE_PROP_LINK("iommufd", VFIOPCIDevice, vbasedev.iommufd,
                     TYPE_IOMMUFD_BACKEND, IOMMUFDBackend *),
#endif
    DEFINE_PROP_BOOL("skip-vsc-check", VFIOPCIDevice, skip_vsc_check, true),
};

#ifdef CONFIG_IOMMUFD
static void vfio_pci_set_fd(Object *obj, const char *str, Error **errp)
{
    vfio_device_set_fd(&VFIO_PCI(obj)->vbasedev, str, errp);
}
#endif
""", """    DEFINE_PROP_BOOL("skip-vsc-check", VFIOPCIDevice, skip_vsc_check, true),
};

static const Property vfio_pci_dev_iommufd_properties[] = {
    DEFINE_PROP_LINK("iommufd", VFIOPCIDevice, vbasedev.iommufd,
                     TYPE_IOMMUFD_BACKEND, IOMMUFDBackend *),
};

static void vfio_pci_set_fd(Object *obj, const char *str, Error **errp)
{
    vfio_device_set_fd(&VFIO_PCI(obj)->vbasedev, str, errp);
}
"""),
                  ("sub", "hw/vfio/pci.c", """    device_class_set_props(dc, vfio_pci_dev_properties);
#ifdef CONFIG_IOMMUFD
    object_class_property_add_str(klass, "fd", NULL, vfio_pci_set_fd);
#endif
""", """    device_class_set_props(dc, vfio_pci_dev_properties);
    if (iommufd_builtin()) {
        device_class_set_props(dc, vfio_pci_dev_iommufd_properties);
        object_class_property_add_str(klass, "fd", NULL, vfio_pci_set_fd);
    }
"""),
                  ("sub", "docs/devel/vfio-iommufd.rst",
                   "- The ``iommufd`` property of the vfio devices is only available when\n"
                   "  QEMU is built with CONFIG_IOMMUFD.\n",
                   "- The ``iommufd`` property of the vfio devices is only registered when\n"
                   "  the IOMMUFD backend is built in (see iommufd_builtin()).\n"),
                  ("sub", _VFIO_MESON, "vfio_ss.add(when: 'CONFIG_VFIO_PCI', if_true: files(\n"
                   "  'pci-quirks.c',\n  'pci.c',\n))\n", ""),
                  ("sub", _VFIO_MESON, "system_ss.add(when: 'CONFIG_VFIO_PCI', if_true: files('display.c'))\n",
                   "system_ss.add(when: 'CONFIG_VFIO_PCI', if_true: files(\n"
                   "  'display.c',\n  'pci-quirks.c',\n  'pci.c',\n))\n"),
              ]),
        Patch("hw/vfio/ap: Check CONFIG_IOMMUFD at runtime using iommufd_builtin()", PHILMD,
              "Convert the compile time check on the CONFIG_IOMMUFD definition\n"
              "by a runtime one by calling iommufd_builtin().\n\n" + _SP,
              _vfio_runtime_iommufd("ap", "VFIOAPDevice", "") + [
                  ("sub", _VFIO_MESON, "vfio_ss.add(when: 'CONFIG_VFIO_AP', if_true: files('ap.c'))\n", ""),
                  ("sub", _VFIO_MESON, "system_ss.add(when: 'CONFIG_VFIO_XGMAC'",
                   "system_ss.add(when: 'CONFIG_VFIO_AP', if_true: files('ap.c'))\n"
                   "system_ss.add(when: 'CONFIG_VFIO_XGMAC'"),
              ]),
        Patch("hw/vfio/ccw: Check CONFIG_IOMMUFD at runtime using iommufd_builtin()", PHILMD,
              "Convert the compile time check on the CONFIG_IOMMUFD definition\n"
              "by a runtime one by calling iommufd_builtin().\n\n" + _SP,
              _vfio_runtime_iommufd(
                  "ccw", "VFIOCCWDevice",
                  '    DEFINE_PROP_BOOL("force-orb-pfch", VFIOCCWDevice, force_orb_pfch, false),\n') + [
                  ("sub", _VFIO_MESON, "vfio_ss.add(when: 'CONFIG_VFIO_CCW', if_true: files('ccw.c'))\n", ""),
                  ("sub", _VFIO_MESON, "system_ss.add(when: 'CONFIG_VFIO_XGMAC'",
                   "system_ss.add(when: 'CONFIG_VFIO_CCW', if_true: files('ccw.c'))\n"
                   "system_ss.add(when: 'CONFIG_VFIO_XGMAC'"),
              ]),
        Patch("hw/vfio/platform: Check CONFIG_IOMMUFD at runtime using iommufd_builtin", PHILMD,
              "Convert the compile time check on the CONFIG_IOMMUFD definition\n"
              "by a runtime one by calling iommufd_builtin().\n\n"
              "Since the file doesn't use any target-specific knowledge anymore,\n"
              "move it to system_ss[] to build it once.\n\n" + _SP,
              _vfio_runtime_iommufd(
                  "platform", "VFIOPlatformDevice",
                  '    DEFINE_PROP_UINT32("mmap-timeout-ms", VFIOPlatformDevice, mmap_timeout, 1100),\n') + [
                  ("sub", _VFIO_MESON,
                   "vfio_ss.add(when: 'CONFIG_VFIO_PLATFORM', if_true: files('platform.c'))\n", ""),
                  ("sub", _VFIO_MESON, "system_ss.add(when: 'CONFIG_VFIO_XGMAC'",
                   "system_ss.add(when: 'CONFIG_VFIO_PLATFORM', if_true: files('platform.c'))\n"
                   "system_ss.add(when: 'CONFIG_VFIO_XGMAC'"),
              ]),
    ],
)


# =====================================================================================
# Change ghes to use HEST-based offsets and add support for error inject (v8 00/20)
# Only the cover letter and patch 05/20 (the one touching target/arm/kvm.c, which is
# what puts kvm@ on the Cc) reach the KVM list; the other 19 patches exist only in the
# scratch repository, so that the cover letter's shortlog and diffstat are genuine.
# =====================================================================================

import hashlib  # noqa: E402


def acpi_blob(sig: bytes, size: int, salt: str) -> bytes:
    """A deterministic stand-in for an ACPI table: real header, pseudo-random AML."""
    head = (sig + size.to_bytes(4, "little") + b"\x02\x00" + b"BOCHS " + b"BXPC    "
            + (1).to_bytes(4, "little") + b"BXPC" + (1).to_bytes(4, "little"))
    body = bytearray()
    seed = salt.encode()
    while len(head) + len(body) < size:
        seed = hashlib.sha256(seed).digest()
        body += seed[:24] + b"\x00\x5b\x82" + seed[24:29]
    data = bytearray(head + body)[:size]
    data[9] = (-sum(data)) & 0xFF  # checksum
    return bytes(data)


_DSDTS = {"DSDT": (5196, 5240), "DSDT.acpihmatvirt": (5282, 5326),
          "DSDT.memhp": (6557, 6601), "DSDT.pxb": (7679, 7723),
          "DSDT.topology": (5398, 5442)}
for _name, (_old, _new) in _DSDTS.items():
    FILES[f"tests/data/acpi/aarch64/virt/{_name}"] = acpi_blob(b"DSDT", _old, _name)

FILES["tests/qtest/bios-tables-test-allowed-diff.h"] = \
    "/* List of comma-separated changed AML files to ignore */\n"

FILES["tests/qtest/bios-tables-test.c"] = """\
static void test_acpi_aarch64_virt_tcg(void)
{
    test_data data = {
        .machine = "virt",
        .arch = "aarch64",
        .tcg_only = true,
        .uefi_fl1 = "pc-bios/edk2-aarch64-code.fd",
        .uefi_fl2 = "pc-bios/edk2-arm-vars.fd",
        .cd = "tests/data/uefi-boot-images/bios-tables-test.aarch64.iso.qcow2",
        .ram_start = 0x40000000ULL,
        .scan_len = 128ULL * 1024 * 1024,
    };

    data.smbios_cpu_max_speed = 2900;
    data.smbios_cpu_curr_speed = 2700;
    test_acpi_one("-cpu cortex-a57 "
                  "-smbios type=4,max-speed=2900,current-speed=2700", &data);
    free_test_data(&data);
}
"""

FILES["include/hw/acpi/ghes.h"] = """\
/*
 * Support for generating APEI tables and recording CPER for Guests
 *
 * Copyright (c) 2020 HUAWEI TECHNOLOGIES CO., LTD.
 *
 * Author: Dongjiu Geng <gengdongjiu@huawei.com>
 *
 * This program is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or
 * (at your option) any later version.
 */

#ifndef ACPI_GHES_H
#define ACPI_GHES_H

#include "hw/acpi/bios-linker-loader.h"
#include "qapi/error.h"

/*
 * Values for Hardware Error Notification Type field
 */
enum AcpiHestNotifyType {
    ACPI_GHES_NOTIFY_POLLED = 0,
    ACPI_GHES_NOTIFY_EXTERNAL = 1,
    ACPI_GHES_NOTIFY_LOCAL = 2,
    ACPI_GHES_NOTIFY_SCI = 3,
    ACPI_GHES_NOTIFY_NMI = 4,
    ACPI_GHES_NOTIFY_CMCI = 5,
    ACPI_GHES_NOTIFY_MCE = 6,
    ACPI_GHES_NOTIFY_GPIO = 7,
    ACPI_GHES_NOTIFY_SEA = 8,
    ACPI_GHES_NOTIFY_SEI = 9,
    ACPI_GHES_NOTIFY_GSIV = 10,
    ACPI_GHES_NOTIFY_SDEI = 11,
    /* 12 and greater are reserved */
    ACPI_GHES_NOTIFY_RESERVED = 12
};

enum {
    ACPI_HEST_SRC_ID_SEA = 0,
    /* future ids go here */
    ACPI_HEST_SRC_ID_RESERVED,
};

typedef struct AcpiGhesState {
    uint64_t hw_error_le;
    bool present; /* True if GHES is present at all on this board */
} AcpiGhesState;

void acpi_build_hest(GArray *table_data, GArray *hardware_errors,
                     BIOSLinker *linker,
                     const char *oem_id, const char *oem_table_id);
void acpi_ghes_add_fw_cfg(AcpiGhesState *vms, FWCfgState *s,
                          GArray *hardware_errors);
int acpi_ghes_memory_errors(uint16_t source_id, uint64_t error_physical_addr);

/**
 * acpi_ghes_present: Report whether ACPI GHES table is present
 *
 * Returns: true if the system has an ACPI GHES table and it is
 * safe to call acpi_ghes_memory_errors() to record a memory error.
 */
bool acpi_ghes_present(void);
#endif
"""

FILES["hw/acpi/ghes.c"] = """\
/*
 * Support for generating APEI tables and recording CPER for Guests
 *
 * Copyright (c) 2020 HUAWEI TECHNOLOGIES CO., LTD.
 *
 * Author: Dongjiu Geng <gengdongjiu@huawei.com>
 *
 * This program is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or
 * (at your option) any later version.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/acpi/ghes.h"
#include "hw/acpi/aml-build.h"
#include "qemu/error-report.h"
#include "hw/acpi/generic_event_device.h"
#include "hw/nvram/fw_cfg.h"
#include "qemu/uuid.h"

#define ACPI_HW_ERROR_FW_CFG_FILE           "etc/hardware_errors"
#define ACPI_HW_ERROR_ADDR_FW_CFG_FILE      "etc/hardware_errors_addr"

/* The max size in bytes for one error block */
#define ACPI_GHES_MAX_RAW_DATA_LENGTH   (1 * KiB)

/* Support ARMv8 SEA notification type error source and GPIO interrupt. */
#define ACPI_GHES_ERROR_SOURCE_COUNT        1

static void get_hw_error_offsets(uint64_t ghes_addr,
                                 uint64_t *cper_addr,
                                 uint64_t *read_ack_register_addr)
{
    if (!ghes_addr) {
        return;
    }

    /*
     * non-HEST version supports only one source, so no need to change
     * the start offset based on the source ID. Also, we can't validate
     * the source ID, as it is stored inside the HEST table.
     */

    cpu_physical_memory_read(ghes_addr, cper_addr,
                             sizeof(*cper_addr));

    *cper_addr = le64_to_cpu(*cper_addr);

    /*
     * As the current version supports only one source, the ack offset is
     * just sizeof(uint64_t).
     */
    *read_ack_register_addr = ghes_addr + sizeof(uint64_t);
}

static void ghes_record_cper_errors(const void *cper, size_t len,
                                    uint16_t source_id, Error **errp)
{
    uint64_t cper_addr = 0, read_ack_register_addr = 0, read_ack_register;
    AcpiGedState *acpi_ged_state;
    AcpiGhesState *ags;

    if (len > ACPI_GHES_MAX_RAW_DATA_LENGTH) {
        error_setg(errp, "GHES CPER record is too big: %zd", len);
        return;
    }

    acpi_ged_state = ACPI_GED(object_resolve_path_type("", TYPE_ACPI_GED,
                                                       NULL));
    if (!acpi_ged_state) {
        error_setg(errp, "Can't find ACPI_GED object");
        return;
    }
    ags = &acpi_ged_state->ghes_state;

    assert(ACPI_GHES_ERROR_SOURCE_COUNT == 1);
    get_hw_error_offsets(le64_to_cpu(ags->hw_error_le),
                         &cper_addr, &read_ack_register_addr);

    if (!cper_addr) {
        error_setg(errp, "can not find Generic Error Status Block");
        return;
    }

    cpu_physical_memory_read(read_ack_register_addr,
                             &read_ack_register, sizeof(read_ack_register));

    /* zero means OSPM does not acknowledge the error */
    if (!read_ack_register) {
        error_setg(errp,
                   "OSPM does not acknowledge previous error,"
                   " so can not record CPER for current error anymore");
        return;
    }

    read_ack_register = cpu_to_le64(0);
    /*
     * Clear the Read Ack Register, OSPM will write 1 to this register when
     * it acknowledges the error.
     */
    cpu_physical_memory_write(read_ack_register_addr,
                              &read_ack_register, sizeof(uint64_t));

    /* Write the generic error data entry into guest memory */
    cpu_physical_memory_write(cper_addr, cper, len);
}

int acpi_ghes_memory_errors(uint16_t source_id, uint64_t physical_address)
{
    /* Memory Error Section Type */
    const uint8_t guid[] =
          UUID_LE(0xA5BC1114, 0x6F64, 0x4EDE, 0xB8, 0x63, 0x3E, 0x83, \\
                  0xED, 0x7C, 0x83, 0xB1);
    Error *errp = NULL;
    int data_length;
    GArray *block;

    block = g_array_new(false, true /* clear */, 1);

    data_length = ACPI_GHES_DATA_LENGTH + ACPI_GHES_MEM_CPER_LENGTH;
    /*
     * It should not run out of the preallocated memory if adding a new generic
     * error data entry
     */
    assert((data_length + ACPI_GHES_GESB_SIZE) <=
            ACPI_GHES_MAX_RAW_DATA_LENGTH);

    ghes_gen_err_data_uncorrectable_recoverable(block, guid, data_length);

    /* Build the memory section CPER for above new generic error data entry */
    acpi_ghes_build_append_mem_cper(block, physical_address);

    /* Report the error */
    ghes_record_cper_errors(block->data, block->len, source_id, &errp);

    g_array_free(block, true);

    if (errp) {
        error_report_err(errp);
        return -1;
    }

    return 0;
}

bool acpi_ghes_present(void)
{
    AcpiGedState *acpi_ged_state;
    AcpiGhesState *ags;

    acpi_ged_state = ACPI_GED(object_resolve_path_type("", TYPE_ACPI_GED,
                                                       NULL));

    if (!acpi_ged_state) {
        return false;
    }
    ags = &acpi_ged_state->ghes_state;
    return ags->present;
}
"""

FILES["hw/acpi/ghes-stub.c"] = """\
/*
 * Support for generating APEI tables and recording CPER for Guests:
 * stub functions.
 *
 * Copyright (c) 2021 Linaro, Ltd
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 */

#include "qemu/osdep.h"
#include "hw/acpi/ghes.h"

int acpi_ghes_memory_errors(uint16_t source_id, uint64_t physical_address)
{
    return -1;
}

bool acpi_ghes_present(void)
{
    return false;
}
"""

FILES["target/arm/kvm.c"] = """\
/*
 * ARM implementation of KVM hooks
 *
 * Copyright Christoffer Dall 2009-2010
 * Copyright Mian-M. Hamayun 2013, Virtual Open Systems
 * Copyright Alex Bennée 2014, Linaro
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 *
 */

#include "qemu/osdep.h"
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "qemu/timer.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qom/object.h"
#include "qapi/error.h"
#include "system/system.h"
#include "system/runstate.h"
#include "system/kvm.h"
#include "system/kvm_int.h"
#include "kvm_arm.h"
#include "cpu.h"
#include "trace.h"
#include "internals.h"
#include "hw/pci/pci.h"
#include "exec/memattrs.h"
#include "exec/address-spaces.h"
#include "exec/ram_addr.h"
#include "hw/boards.h"
#include "hw/irq.h"
#include "qapi/visitor.h"
#include "qemu/log.h"
#include "hw/acpi/acpi.h"
#include "hw/acpi/ghes.h"
#include "target/arm/gtimer.h"
#include "migration/blocker.h"

void kvm_arch_on_sigbus_vcpu(CPUState *c, int code, void *addr)
{
    ram_addr_t ram_addr;
    hwaddr paddr;

    assert(code == BUS_MCEERR_AR || code == BUS_MCEERR_AO);

    if (acpi_ghes_present() && addr) {
        ram_addr = qemu_ram_addr_from_host(addr);
        if (ram_addr != RAM_ADDR_INVALID &&
            kvm_physical_memory_addr_from_host(c->kvm_state, addr, &paddr)) {
            kvm_hwpoison_page_add(ram_addr);
            /*
             * If this is a BUS_MCEERR_AR, we know we have been called
             * synchronously from the vCPU thread, so we can easily
             * synchronize the state and inject an error.
             *
             * TODO: we currently don't tell the guest at all about
             * BUS_MCEERR_AO. In that case we might either be being
             * called synchronously from the vCPU thread, or a bit
             * later from the main thread, so doing the injection of
             * the error would be more complicated.
             */
            if (code == BUS_MCEERR_AR) {
                kvm_cpu_synchronize_state(c);
                if (!acpi_ghes_memory_errors(ACPI_HEST_SRC_ID_SEA, paddr)) {
                    kvm_inject_arm_sea(c);
                } else {
                    error_report("failed to record the error");
                    abort();
                }
            }
            return;
        }
        if (code == BUS_MCEERR_AO) {
            error_report("Hardware memory error at addr %p for memory used by "
                "QEMU itself instead of guest system!", addr);
        }
    }

    if (code == BUS_MCEERR_AR) {
        error_report("Hardware memory error!");
        exit(1);
    }
}
"""

FILES["MAINTAINERS"] = """\
ACPI/HEST/GHES
R: Dongjiu Geng <gengdongjiu1@gmail.com>
L: qemu-arm@nongnu.org
S: Maintained
F: hw/acpi/ghes.c
F: include/hw/acpi/ghes.h
F: docs/specs/acpi_hest_ghes.rst

ACPI/HEST/GHES/ARM processor CPER
R: Mauro Carvalho Chehab <mchehab+huawei@kernel.org>
S: Maintained
"""

FILES["docs/specs/acpi_hest_ghes.rst"] = """\
APEI tables generating and CPER record
======================================

..
   Copyright (c) 2020 HUAWEI TECHNOLOGIES CO., LTD.

   This work is licensed under the terms of the GNU GPL, version 2 or later.
   See the COPYING file in the top-level directory.

Design Details
--------------

(1) "etc/hardware_errors" is a new fw_cfg blob to store the hardware error
    information, which has a fixed size of 1 KiB per error source.

(2) "etc/hardware_errors_addr" is used by the firmware to tell QEMU where
    "etc/hardware_errors" was allocated.

(3) QEMU uses the address of the first entry to calculate the location of
    each error source record and of its read ack register.
"""

FILES["hw/acpi/Kconfig"] = """\
config ACPI_APEI
    bool
    select ACPI_GENERIC_EVENT_DEVICE

config ACPI_PCI
    bool
    depends on ACPI && PCI
"""

FILES["hw/acpi/meson.build"] = """\
acpi_ss = ss.source_set()
acpi_ss.add(files(
  'acpi_interface.c',
  'aml-build.c',
  'bios-linker-loader.c',
  'core.c',
  'utils.c',
))
acpi_ss.add(when: 'CONFIG_ACPI_APEI', if_true: files('ghes.c'), if_false: files('ghes-stub.c'))
system_ss.add(when: 'CONFIG_ACPI', if_false: files('acpi-stub.c', 'aml-build-stub.c', 'ghes-stub.c'))
"""

FILES["hw/acpi/aml-build.c"] = """\
/* Support for generating ACPI tables and passing them to Guests */

#include "qemu/osdep.h"
#include <glib/gprintf.h>
#include "hw/acpi/aml-build.h"

/* ACPI 6.4: 19.6.51 GpioInt (GPIO Interrupt Connection Resource Descriptor) */
Aml *aml_gpio_int(AmlConsumerAndProducer con_and_pro,
                  AmlLevelAndEdge edge_level,
                  AmlActiveHighAndLow active_level, AmlShared shared,
                  AmlPinConfig pin_config, uint16_t debounce_timeout,
                  const uint32_t pin_list[], uint32_t pin_count,
                  const char *resource_source_name,
                  const uint8_t *vendor_data, uint16_t vendor_data_len)
{
    return aml_gpio_connection(AML_INTERRUPT_CONNECTION, con_and_pro,
                               edge_level, active_level, shared,
                               AML_IO_RESTRICT_NONE, pin_config,
                               debounce_timeout, pin_list, pin_count,
                               resource_source_name, vendor_data,
                               vendor_data_len);
}
"""

FILES["include/hw/acpi/aml-build.h"] = """\
#ifndef HW_ACPI_AML_BUILD_H
#define HW_ACPI_AML_BUILD_H

#include "hw/acpi/acpi-defs.h"
#include "hw/acpi/bios-linker-loader.h"

Aml *aml_notify(Aml *arg1, Aml *arg2);
Aml *aml_method(const char *name, int arg_count, AmlSerializeFlag sflag);

#endif
"""

FILES["hw/acpi/generic_event_device.c"] = """\
/*
 *
 * Copyright (c) 2018 Intel Corporation
 * Copyright (c) 2019 Huawei Technologies R & D (UK) Ltd
 * Written by Samuel Ortiz, Shameer Kolothum
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms and conditions of the GNU General Public License,
 * version 2 or later, as published by the Free Software Foundation.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/acpi/acpi.h"
#include "hw/acpi/generic_event_device.h"
#include "hw/irq.h"
#include "hw/mem/pc-dimm.h"
#include "hw/mem/nvdimm.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "qemu/error-report.h"
#include "system/runstate.h"

static const uint32_t ged_supported_events[] = {
    ACPI_GED_MEM_HOTPLUG_EVT,
    ACPI_GED_PWR_DOWN_EVT,
    ACPI_GED_NVDIMM_HOTPLUG_EVT,
    ACPI_GED_CPU_HOTPLUG_EVT,
};

static const VMStateDescription vmstate_ghes = {
    .name = "acpi-ghes",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(hw_error_le, AcpiGhesState),
        VMSTATE_END_OF_LIST()
    },
};

static const Property acpi_ged_properties[] = {
    DEFINE_PROP_UINT32("ged-event", AcpiGedState, ged_event_bitmap, 0),
};
"""

FILES["include/hw/acpi/generic_event_device.h"] = """\
#ifndef HW_ACPI_GENERIC_EVENT_DEVICE_H
#define HW_ACPI_GENERIC_EVENT_DEVICE_H

#include "hw/sysbus.h"
#include "hw/acpi/memory_hotplug.h"
#include "hw/acpi/ghes.h"

#define ACPI_GED_MEM_HOTPLUG_EVT   0x1
#define ACPI_GED_PWR_DOWN_EVT      0x2
#define ACPI_GED_NVDIMM_HOTPLUG_EVT 0x4
#define ACPI_GED_CPU_HOTPLUG_EVT    0x8

#endif
"""

FILES["include/hw/acpi/acpi_dev_interface.h"] = """\
#ifndef ACPI_DEV_INTERFACE_H
#define ACPI_DEV_INTERFACE_H

#include "qapi/qapi-types-acpi.h"
#include "qom/object.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"

/* These values are part of guest ABI, and can not be changed */
typedef enum {
    ACPI_PCI_HOTPLUG_STATUS = 2,
    ACPI_CPU_HOTPLUG_STATUS = 4,
    ACPI_MEMORY_HOTPLUG_STATUS = 8,
    ACPI_NVDIMM_HOTPLUG_STATUS = 16,
    ACPI_VMGENID_CHANGE_STATUS = 32,
    ACPI_POWER_DOWN_STATUS = 64,
} AcpiEventStatusBits;

#endif
"""

FILES["hw/arm/virt-acpi-build.c"] = """\
static void acpi_dsdt_add_power_button(Aml *scope)
{
    Aml *dev = aml_device(ACPI_POWER_BUTTON_DEVICE);
    aml_append(dev, aml_name_decl("_HID", aml_string("PNP0C0C")));
    aml_append(dev, aml_name_decl("_UID", aml_int(0)));
    aml_append(scope, dev);
}

static void virt_acpi_build(VirtMachineState *vms, AcpiBuildTables *tables)
{
    if (vms->ras) {
        build_ghes_error_table(tables->hardware_errors, tables->linker);
        acpi_add_table(table_offsets, tables_blob);
        acpi_build_hest(tables_blob, tables->hardware_errors, tables->linker,
                        vms->oem_id, vms->oem_table_id);
    }
}
"""

FILES["hw/arm/virt.c"] = """\
static inline DeviceState *create_acpi_ged(VirtMachineState *vms)
{
    DeviceState *dev;
    MachineState *ms = MACHINE(vms);
    int irq = vms->irqmap[VIRT_ACPI_GED];
    uint32_t event = ACPI_GED_PWR_DOWN_EVT;

    if (ms->ram_slots) {
        event |= ACPI_GED_MEM_HOTPLUG_EVT;
    }

    if (ms->nvdimms_state->is_enabled) {
        event |= ACPI_GED_NVDIMM_HOTPLUG_EVT;
    }

    dev = qdev_new(TYPE_ACPI_GED);
    qdev_prop_set_uint32(dev, "ged-event", event);
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);

    return dev;
}
"""

FILES["include/hw/arm/virt.h"] = """\
struct VirtMachineClass {
    MachineClass parent;
    bool no_tcg_its;
    bool claim_edge_triggered_timers;
    bool smbios_old_sys_ver;
    bool no_highmem_redists;
    bool no_highmem_compact;
    bool no_ns_el2_virt_timer_irq;
    bool no_nested_smmu;
};

struct VirtMachineState {
    MachineState parent;
    Notifier machine_done;
    DeviceState *platform_bus_dev;
    FWCfgState *fw_cfg;
    PFlashCFI01 *flash[2];
    bool secure;
    bool highmem;
    bool ras;
    DeviceState *acpi_dev;
    Notifier powerdown_notifier;
};
"""

FILES["hw/core/machine.c"] = """\
GlobalProperty hw_compat_9_2[] = {
    {"arm-cpu", "backcompat-pauth-default-use-qarma5", "true"},
    { "virtio-balloon-pci", "vectors", "0" },
    { "virtio-rng-pci", "vectors", "0" },
    { "virtio-rng-pci-transitional", "vectors", "0" },
    { "virtio-rng-pci-non-transitional", "vectors", "0" },
    { "virtio-scsi-pci", "virtqueue_size", "128" },
    { "virtio-scsi-pci-transitional", "virtqueue_size", "128" },
    { "virtio-scsi-pci-non-transitional", "virtqueue_size", "128" },
    { "virtio-blk-pci", "virtqueue_size", "128" },
};
const size_t hw_compat_9_2_len = G_N_ELEMENTS(hw_compat_9_2);
"""

FILES["qapi/meson.build"] = """\
qapi_all_modules = [
  'acpi',
  'audio',
  'authz',
  'block',
  'block-core',
  'block-export',
  'char',
  'common',
  'compat',
  'control',
]
"""

FILES["qapi/qapi-schema.json"] = """\
# -*- Mode: Python -*-
# vim: filetype=python
##
# = Introduction
#
# This document describes all commands currently supported by QMP.
##

{ 'include': 'pragma.json' }

{ 'include': 'error.json' }
{ 'include': 'common.json' }
{ 'include': 'sockets.json' }
{ 'include': 'run-state.json' }
{ 'include': 'crypto.json' }
{ 'include': 'acpi.json' }
{ 'include': 'pci.json' }
"""

_MSOB = sob(MAURO)
_MRB_IGOR = "Reviewed-by: Igor Mammedov <imammedo@redhat.com>\n"
_MRB_JON = "Reviewed-by: Jonathan Cameron <Jonathan.Cameron@huawei.com>\n"
_MACK_IGOR = "Acked-by: Igor Mammedov <imammedo@redhat.com>\n"
_ALLOWED = "tests/qtest/bios-tables-test-allowed-diff.h"
_ALLOWED_ALL = ('"tests/data/acpi/aarch64/virt/DSDT",\n'
                '"tests/data/acpi/aarch64/virt/DSDT.acpihmatvirt",\n'
                '"tests/data/acpi/aarch64/virt/DSDT.memhp",\n'
                '"tests/data/acpi/aarch64/virt/DSDT.pxb",\n'
                '"tests/data/acpi/aarch64/virt/DSDT.topology",\n'
                '"tests/data/acpi/aarch64/virt/HEST",\n')
_GHES_C = "hw/acpi/ghes.c"
_GHES_H = "include/hw/acpi/ghes.h"


def _append(path: str, lines: str) -> tuple:
    return ("sub", path, FILES[path], FILES[path] + lines)


def _ghes_patches() -> list:
    return [
        Patch("tests/acpi: virt: add an empty HEST file", MAURO,
              "Such file will be used to track HEST table changes.\n\n"
              "For now, disallow HEST table check until we update it to the\n"
              "current data.\n\n" + _MSOB + _MRB_IGOR, [
                  ("new", "tests/data/acpi/aarch64/virt/HEST", b""),
                  ("sub", _ALLOWED, "ignore */\n",
                   'ignore */\n"tests/data/acpi/aarch64/virt/HEST",\n'),
              ]),
        Patch("tests/qtest/bios-tables-test: extend to also check HEST table", MAURO,
              "Currently, aarch64 can generate a HEST table when loaded with\n"
              "-machine ras=on. Add support for it.\n\n" + _MSOB + _MRB_IGOR, [
                  ("sub", "tests/qtest/bios-tables-test.c",
                   '    test_acpi_one("-cpu cortex-a57 "\n',
                   '    test_acpi_one("-cpu cortex-a57 -machine ras=on "\n'),
                  ("sub", "tests/qtest/bios-tables-test.c", "        .tcg_only = true,\n",
                   "        .tcg_only = true,\n        .variant = \".hest\",\n"),
              ]),
        Patch("tests/acpi: virt: update HEST file with its current data", MAURO,
              "Now that HEST table is checked for aarch64, add the current\n"
              "firmware file.\n\n" + _MSOB + _MRB_IGOR, [
                  ("bin", "tests/data/acpi/aarch64/virt/HEST", acpi_blob(b"HEST", 224, "HEST")),
                  ("sub", _ALLOWED, '"tests/data/acpi/aarch64/virt/HEST",\n', ""),
              ]),
        Patch('Revert "hw/acpi/ghes: Make ghes_record_cper_errors() static"', MAURO,
              "This reverts commit 611f3bdb20f7828b0813aa90d47d1275ef18329b.\n\n"
              "GHES CPER records will be used by the error injection code,\n"
              "so it needs to stay public.\n\n" + _MSOB, [
                  ("sub", _GHES_C, "static void ghes_record_cper_errors(const void *cper, size_t len,\n"
                   "                                    uint16_t source_id, Error **errp)\n",
                   "void ghes_record_cper_errors(const void *cper, size_t len,\n"
                   "                             uint16_t source_id, Error **errp)\n"),
                  ("sub", _GHES_H,
                   "int acpi_ghes_memory_errors(uint16_t source_id, uint64_t error_physical_addr);\n",
                   "int acpi_ghes_memory_errors(uint16_t source_id, uint64_t error_physical_addr);\n"
                   "void ghes_record_cper_errors(const void *cper, size_t len,\n"
                   "                             uint16_t source_id, Error **errp);\n"),
              ]),
        Patch("acpi/ghes: Cleanup the code which gets ghes ged state", MAURO,
              "Move the check logic into a common function and simplify the\n"
              "code which checks if GHES is enabled and was properly setup.\n\n"
              "While here, make the callers pass the state down instead of\n"
              "looking for the GED device again.\n\n" + _MSOB + _MRB_IGOR + _MRB_JON, [
                  ("sub", _GHES_H,
                   "int acpi_ghes_memory_errors(uint16_t source_id, uint64_t error_physical_addr);\n"
                   "void ghes_record_cper_errors(const void *cper, size_t len,\n"
                   "                             uint16_t source_id, Error **errp);\n\n"
                   "/**\n * acpi_ghes_present: Report whether ACPI GHES table is present\n *\n"
                   " * Returns: true if the system has an ACPI GHES table and it is\n"
                   " * safe to call acpi_ghes_memory_errors() to record a memory error.\n"
                   " */\nbool acpi_ghes_present(void);\n",
                   "int acpi_ghes_memory_errors(AcpiGhesState *ags, uint16_t source_id,\n"
                   "                            uint64_t error_physical_addr);\n"
                   "void ghes_record_cper_errors(AcpiGhesState *ags, const void *cper, size_t len,\n"
                   "                             uint16_t source_id, Error **errp);\n\n"
                   "/**\n * acpi_ghes_get_state: Get a pointer for ACPI ghes state\n *\n"
                   " * Returns: a pointer to ghes state if the system has an ACPI GHES table,\n"
                   " * NULL, otherwise.\n */\nAcpiGhesState *acpi_ghes_get_state(void);\n"),
                  ("sub", _GHES_C,
                   "void ghes_record_cper_errors(const void *cper, size_t len,\n"
                   "                             uint16_t source_id, Error **errp)\n{\n"
                   "    uint64_t cper_addr = 0, read_ack_register_addr = 0, read_ack_register;\n"
                   "    AcpiGedState *acpi_ged_state;\n    AcpiGhesState *ags;\n",
                   "void ghes_record_cper_errors(AcpiGhesState *ags, const void *cper, size_t len,\n"
                   "                             uint16_t source_id, Error **errp)\n{\n"
                   "    uint64_t cper_addr = 0, read_ack_register_addr = 0, read_ack_register;\n"),
                  ("sub", _GHES_C,
                   "    acpi_ged_state = ACPI_GED(object_resolve_path_type(\"\", TYPE_ACPI_GED,\n"
                   "                                                       NULL));\n"
                   "    if (!acpi_ged_state) {\n"
                   "        error_setg(errp, \"Can't find ACPI_GED object\");\n"
                   "        return;\n    }\n    ags = &acpi_ged_state->ghes_state;\n\n", ""),
                  ("sub", _GHES_C,
                   "int acpi_ghes_memory_errors(uint16_t source_id, uint64_t physical_address)\n",
                   "int acpi_ghes_memory_errors(AcpiGhesState *ags, uint16_t source_id,\n"
                   "                            uint64_t physical_address)\n"),
                  ("sub", _GHES_C,
                   "    ghes_record_cper_errors(block->data, block->len, source_id, &errp);\n",
                   "    ghes_record_cper_errors(ags, block->data, block->len, source_id, &errp);\n"),
                  ("sub", _GHES_C,
                   "bool acpi_ghes_present(void)\n{\n",
                   "AcpiGhesState *acpi_ghes_get_state(void)\n{\n"),
                  ("sub", _GHES_C,
                   "    if (!acpi_ged_state) {\n        return false;\n    }\n"
                   "    ags = &acpi_ged_state->ghes_state;\n    return ags->present;\n}\n",
                   "    if (!acpi_ged_state) {\n        return NULL;\n    }\n"
                   "    ags = &acpi_ged_state->ghes_state;\n\n"
                   "    if (!ags->present) {\n        return NULL;\n    }\n    return ags;\n}\n"),
                  ("sub", "hw/acpi/ghes-stub.c",
                   "int acpi_ghes_memory_errors(uint16_t source_id, uint64_t physical_address)\n"
                   "{\n    return -1;\n}\n\nbool acpi_ghes_present(void)\n{\n    return false;\n}\n",
                   "int acpi_ghes_memory_errors(AcpiGhesState *ags, uint16_t source_id,\n"
                   "                            uint64_t physical_address)\n"
                   "{\n    return -1;\n}\n\nAcpiGhesState *acpi_ghes_get_state(void)\n{\n"
                   "    return NULL;\n}\n"),
                  ("sub", "target/arm/kvm.c",
                   "    hwaddr paddr;\n\n    assert(code == BUS_MCEERR_AR || code == BUS_MCEERR_AO);\n\n"
                   "    if (acpi_ghes_present() && addr) {\n",
                   "    hwaddr paddr;\n    AcpiGhesState *ags;\n\n"
                   "    assert(code == BUS_MCEERR_AR || code == BUS_MCEERR_AO);\n\n"
                   "    ags = acpi_ghes_get_state();\n    if (ags && addr) {\n"),
                  ("sub", "target/arm/kvm.c",
                   "                if (!acpi_ghes_memory_errors(ACPI_HEST_SRC_ID_SEA, paddr)) {\n",
                   "                if (!acpi_ghes_memory_errors(ags, ACPI_HEST_SRC_ID_SEA,\n"
                   "                                             paddr)) {\n"),
              ]),
        Patch("acpi/ghes: prepare to change the way HEST offsets are calculated", MAURO,
              "Add a new ags flag to change the way HEST offsets are calculated.\n"
              "Currently, offsets needed to store ACPI HEST offsets and read ack\n"
              "are calculated based on a previous knowledge from the logic\n"
              "which creates the HEST table.\n\n" + _MSOB + _MRB_IGOR, [
                  ("sub", _GHES_H, "    uint64_t hw_error_le;\n",
                   "    uint64_t hest_addr_le;\n    uint64_t hw_error_le;\n    bool use_hest_addr; /* True if HEST address is present */\n"),
              ]),
        Patch("acpi/ghes: add a firmware file with HEST address", MAURO,
              "Store HEST table address at GPA, placing its the start of the table\n"
              "at hest_addr_le variable.\n\n" + _MSOB + _MRB_IGOR, [
                  ("sub", _GHES_C, '#define ACPI_HW_ERROR_ADDR_FW_CFG_FILE      "etc/hardware_errors_addr"\n',
                   '#define ACPI_HW_ERROR_ADDR_FW_CFG_FILE      "etc/hardware_errors_addr"\n'
                   '#define ACPI_HEST_ADDR_FW_CFG_FILE          "etc/acpi_table_hest_addr"\n'),
              ]),
        Patch("acpi/ghes: Use HEST table offsets when preparing GHES records", MAURO,
              "There are two pointers that are needed during error injection:\n\n"
              "1. The start address of the CPER block to be stored;\n"
              "2. The address of the read ack.\n\n"
              "It is preferable to calculate them from the HEST table.\n\n" + _MSOB + _MRB_IGOR, [
                  ("sub", _GHES_C, "    if (!ghes_addr) {\n        return;\n    }\n",
                   "    if (!ghes_addr) {\n        return;\n    }\n\n"
                   "    /* HEST-based offsets are handled by get_hest_error_offsets() */\n"),
              ]),
        Patch("acpi/ghes: don't hard-code the number of sources for HEST table", MAURO,
              "The current code is actually dependent on having just one error\n"
              "structure with a single source, as any change there would cause\n"
              "migration issues.\n\n" + _MSOB + _MRB_IGOR, [
                  ("sub", _GHES_C, "/* Support ARMv8 SEA notification type error source and GPIO interrupt. */\n"
                   "#define ACPI_GHES_ERROR_SOURCE_COUNT        1\n", ""),
                  ("sub", _GHES_H, "    ACPI_HEST_SRC_ID_RESERVED,\n};\n",
                   "    ACPI_HEST_SRC_ID_RESERVED,\n};\n\ntypedef struct AcpiNotificationSourceId {\n"
                   "    enum AcpiGhesSourceID source_id;\n    enum AcpiGhesNotifyType notify;\n"
                   "} AcpiNotificationSourceId;\n"),
                  ("sub", "hw/arm/virt-acpi-build.c",
                   "        acpi_build_hest(tables_blob, tables->hardware_errors, tables->linker,\n"
                   "                        vms->oem_id, vms->oem_table_id);\n",
                   "        acpi_build_hest(tables_blob, tables->hardware_errors, tables->linker,\n"
                   "                        hest_ghes_notify, ARRAY_SIZE(hest_ghes_notify),\n"
                   "                        vms->oem_id, vms->oem_table_id);\n"),
              ]),
        Patch("acpi/ghes: add a notifier to notify when error data is ready", MAURO,
              "Some error injection notify methods are async, like GPIO\n"
              "notify. Add a notifier to be used when the error record is\n"
              "ready to be sent to the guest OS.\n\n" + _MSOB + _MRB_JON + _MACK_IGOR, [
                  ("sub", _GHES_H, "typedef struct AcpiGhesState {\n",
                   "extern NotifierList acpi_generic_error_notifiers;\n\ntypedef struct AcpiGhesState {\n"),
                  ("sub", _GHES_C, "#include \"qemu/uuid.h\"\n",
                   "#include \"qemu/uuid.h\"\n\nNotifierList acpi_generic_error_notifiers =\n"
                   "    NOTIFIER_LIST_INITIALIZER(acpi_generic_error_notifiers);\n"),
              ]),
        Patch("acpi/generic_event_device: Update GHES migration to cover hest addr", MAURO,
              "The GHES migration logic should now support HEST table location too.\n\n"
              + _MSOB + _MRB_IGOR, [
                  ("sub", "hw/acpi/generic_event_device.c",
                   "        VMSTATE_UINT64(hw_error_le, AcpiGhesState),\n        VMSTATE_END_OF_LIST()\n    },\n};\n",
                   "        VMSTATE_UINT64(hw_error_le, AcpiGhesState),\n        VMSTATE_END_OF_LIST()\n    },\n};\n\n"
                   "static const VMStateDescription vmstate_hest = {\n    .name = \"acpi-hest\",\n"
                   "    .version_id = 1,\n    .minimum_version_id = 1,\n"
                   "    .fields = (const VMStateField[]) {\n"
                   "        VMSTATE_UINT64(hest_addr_le, AcpiGhesState),\n"
                   "        VMSTATE_END_OF_LIST()\n    },\n};\n"),
              ]),
        Patch("acpi/generic_event_device: add logic to detect if HEST addr is available", MAURO,
              "Create a new property (x-has-hest-addr) and use it to detect if\n"
              "the GHES table offsets can be calculated from the HEST address\n"
              "(qemu 10.0 and upper) or via the legacy way via an offset obtained\n"
              "from the hardware_errors firmware file.\n\n" + _MSOB + _MRB_JON + _MRB_IGOR, [
                  ("sub", "hw/acpi/generic_event_device.c",
                   "    DEFINE_PROP_UINT32(\"ged-event\", AcpiGedState, ged_event_bitmap, 0),\n",
                   "    DEFINE_PROP_UINT32(\"ged-event\", AcpiGedState, ged_event_bitmap, 0),\n"
                   "    DEFINE_PROP_BOOL(\"x-has-hest-addr\", AcpiGedState,\n"
                   "                     ghes_state.use_hest_addr, false),\n"),
              ]),
        Patch("acpi/generic_event_device: add an APEI error device", MAURO,
              "Adds a generic error device to handle generic hardware error\n"
              "events as specified at ACPI 6.5 specification at 18.3.2.7.2:\n"
              "https://uefi.org/specs/ACPI/6.5/18_Platform_Error_Interfaces.html#event-notification-for-generic-error-sources\n"
              "using HID PNP0C33.\n\n" + _MSOB + _MRB_IGOR + _MRB_JON, [
                  ("sub", "hw/acpi/generic_event_device.c", "    ACPI_GED_CPU_HOTPLUG_EVT,\n",
                   "    ACPI_GED_CPU_HOTPLUG_EVT,\n    ACPI_GED_ERROR_EVT,\n"),
                  ("sub", "include/hw/acpi/generic_event_device.h",
                   "#define ACPI_GED_CPU_HOTPLUG_EVT    0x8\n",
                   "#define ACPI_GED_CPU_HOTPLUG_EVT    0x8\n#define ACPI_GED_ERROR_EVT          0x10\n"),
                  ("sub", "include/hw/acpi/acpi_dev_interface.h",
                   "    ACPI_POWER_DOWN_STATUS = 64,\n",
                   "    ACPI_POWER_DOWN_STATUS = 64,\n    ACPI_GENERIC_ERROR = 128,\n"),
                  _append("hw/acpi/aml-build.c",
                          "\n/* ACPI 5.0b: 18.3.2.6.2 Event Notification For Generic Error Sources */\n"
                          "Aml *aml_error_device(void)\n{\n    Aml *dev = aml_device(ACPI_APEI_ERROR_DEVICE);\n\n"
                          "    aml_append(dev, aml_name_decl(\"_HID\", aml_string(\"PNP0C33\")));\n"
                          "    aml_append(dev, aml_name_decl(\"_UID\", aml_int(0)));\n\n"
                          "    return dev;\n}\n"),
                  ("sub", "include/hw/acpi/aml-build.h",
                   "Aml *aml_notify(Aml *arg1, Aml *arg2);\n",
                   "Aml *aml_notify(Aml *arg1, Aml *arg2);\nAml *aml_error_device(void);\n"
                   "#define ACPI_APEI_ERROR_DEVICE   \"GEDD\"\n"),
              ]),
        Patch("tests/acpi: virt: allow acpi table changes at DSDT and HEST tables", MAURO,
              "We'll be adding a new GED device for HEST GPIO notification and\n"
              "increasing the number of available error sources from 1 to 2.\n\n"
              + _MSOB + _MACK_IGOR, [
                  ("sub", _ALLOWED, "ignore */\n", "ignore */\n" + _ALLOWED_ALL),
              ]),
        Patch("arm/virt: Wire up a GED error device for ACPI / GHES", MAURO,
              "Adds support to ARM virtualization to allow handling\n"
              "generic error ACPI Event via GED & error source device.\n\n"
              "It is aligned with Linux Kernel patch:\n"
              "https://lore.kernel.org/lkml/1272350481-27951-8-git-send-email-ying.huang@intel.com/\n\n"
              + _MSOB + _MRB_JON + _MACK_IGOR, [
                  ("sub", "hw/arm/virt.c", "    uint32_t event = ACPI_GED_PWR_DOWN_EVT;\n",
                   "    uint32_t event = ACPI_GED_PWR_DOWN_EVT | ACPI_GED_ERROR_EVT;\n"),
                  ("sub", "hw/arm/virt.c", "    return dev;\n}\n",
                   "    return dev;\n}\n\nstatic void virt_generic_error_req(Notifier *n, void *opaque)\n{\n"
                   "    VirtMachineState *s = container_of(n, VirtMachineState, generic_error_notifier);\n\n"
                   "    acpi_send_event(s->acpi_dev, ACPI_GENERIC_ERROR);\n}\n"),
                  ("sub", "include/hw/arm/virt.h", "    Notifier powerdown_notifier;\n",
                   "    Notifier powerdown_notifier;\n    Notifier generic_error_notifier;\n"),
                  ("sub", "hw/arm/virt-acpi-build.c", "    aml_append(scope, dev);\n}\n",
                   "    aml_append(scope, dev);\n}\n\nstatic const AcpiNotificationSourceId hest_ghes_notify[] = {\n"
                   "    { ACPI_HEST_SRC_ID_SYNC, ACPI_GHES_NOTIFY_SEA },\n"
                   "    { ACPI_HEST_SRC_ID_QMP, ACPI_GHES_NOTIFY_GPIO },\n};\n"),
              ]),
        Patch("qapi/acpi-hest: add an interface to do generic CPER error injection", MAURO,
              "Create a QMP command to be used for generic ACPI APEI hardware error\n"
              "injection.\n\n" + _MSOB + _MRB_JON + _MACK_IGOR, [
                  ("new", "qapi/acpi-hest.json",
                   "# -*- Mode: Python -*-\n# vim: filetype=python\n# SPDX-License-Identifier: GPL-2.0-or-later\n\n"
                   "##\n# == GHESv2 CPER Error Injection\n#\n# Defined since ACPI Specification 6.1,\n"
                   "# section 18.3.2.8 Generic Hardware Error Source version 2.\n##\n\n\n"
                   "##\n# @inject-ghes-v2-error:\n#\n# Inject an error with additional ACPI 6.1 GHESv2 error information\n#\n"
                   "# @cper: contains a base64 encoded string with raw data for a single\n"
                   "#     CPER record with Generic Error Status Block, Generic Error Data\n"
                   "#     Entry and generic error data payload, as described at\n#     https://uefi.org/specs/UEFI/2.10/Apx_N_Common_Platform_Error_Record.html#format\n#\n"
                   "# Features:\n#\n# @unstable: This command is experimental.\n#\n# Since: 10.0\n##\n"
                   "{ 'command': 'inject-ghes-v2-error',\n  'data': {\n    'cper': 'str'\n  },\n"
                   "  'features': [ 'unstable' ]\n}\n"),
                  ("sub", "qapi/meson.build", "  'acpi',\n", "  'acpi',\n  'acpi-hest',\n"),
                  ("sub", "qapi/qapi-schema.json", "{ 'include': 'acpi.json' }\n",
                   "{ 'include': 'acpi.json' }\n{ 'include': 'acpi-hest.json' }\n"),
                  ("new", "hw/acpi/ghes_cper.c",
                   "/*\n * CPER payload parser for error injection\n *\n"
                   " * Copyright(C) 2024-2025 Huawei LTD.\n *\n"
                   " * This code is licensed under the GPL version 2 or later. See the\n"
                   " * COPYING file in the top-level directory.\n *\n */\n\n"
                   "#include \"qemu/osdep.h\"\n\n#include \"qemu/base64.h\"\n#include \"qemu/error-report.h\"\n"
                   "#include \"qemu/uuid.h\"\n#include \"qapi/qapi-commands-acpi-hest.h\"\n#include \"hw/acpi/ghes.h\"\n\n"
                   "void qmp_inject_ghes_v2_error(const char *qmp_cper, Error **errp)\n{\n"
                   "    AcpiGhesState *ags;\n    uint8_t *cper;\n    size_t len;\n\n"
                   "    ags = acpi_ghes_get_state();\n    if (!ags) {\n        return;\n    }\n\n"
                   "    cper = qbase64_decode(qmp_cper, -1, &len, errp);\n    if (!cper) {\n"
                   "        error_setg(errp, \"missing GHES CPER payload\");\n        return;\n    }\n\n"
                   "    ghes_record_cper_errors(ags, cper, len, ACPI_HEST_SRC_ID_QMP, errp);\n}\n"),
                  ("new", "hw/acpi/ghes_cper_stub.c",
                   "/*\n * Stub interface for CPER payload parser for error injection\n *\n"
                   " * Copyright(C) 2024-2025 Huawei LTD.\n *\n"
                   " * This code is licensed under the GPL version 2 or later. See the\n"
                   " * COPYING file in the top-level directory.\n *\n */\n\n"
                   "#include \"qemu/osdep.h\"\n#include \"qapi/error.h\"\n"
                   "#include \"qapi/qapi-commands-acpi-hest.h\"\n#include \"hw/acpi/ghes.h\"\n\n"
                   "void qmp_inject_ghes_v2_error(const char *cper, Error **errp)\n{\n"
                   "    error_setg(errp, \"GHES QMP error inject is not compiled in\");\n}\n"),
                  ("sub", "hw/acpi/meson.build",
                   "system_ss.add(when: 'CONFIG_ACPI', if_false: files(",
                   "system_ss.add(when: 'CONFIG_GHES_CPER', if_true: files('ghes_cper.c'))\n"
                   "system_ss.add(when: 'CONFIG_GHES_CPER', if_false: files('ghes_cper_stub.c'))\n"
                   "system_ss.add(when: 'CONFIG_ACPI', if_false: files("),
                  ("sub", "hw/acpi/Kconfig", "config ACPI_PCI\n",
                   "config GHES_CPER\n    bool\n    depends on ACPI_APEI\n    default y\n\nconfig ACPI_PCI\n"),
                  _append("MAINTAINERS", "F: hw/acpi/ghes_cper.c\nF: hw/acpi/ghes_cper_stub.c\n"
                          "F: qapi/acpi-hest.json\n"),
              ]),
        Patch("acpi/generic_event_device.c: enable use_hest_addr for QEMU 10.x", MAURO,
              "Now that we have everything in place, enable using HEST GPA\n"
              "instead of hw_error_le on GED for QEMU 10.0 and newer machines.\n\n"
              + _MSOB + _MRB_IGOR, [
                  ("sub", "hw/core/machine.c", "    { \"virtio-blk-pci\", \"virtqueue_size\", \"128\" },\n",
                   "    { \"virtio-blk-pci\", \"virtqueue_size\", \"128\" },\n"
                   "    { \"acpi-ged\", \"x-has-hest-addr\", \"false\" },\n"
                   "    { \"acpi-ged\", \"x-has-hest-addr-defaults\", \"false\" },\n"),
              ]),
        Patch("tests/acpi: virt: update HEST and DSDT tables", MAURO,
              "- The HEST table now has two error sources;\n"
              "- The DSDT table has a new GED error device (GEDD).\n\n" + _MSOB + _MACK_IGOR, [
                  ("sub", _ALLOWED, _ALLOWED_ALL, ""),
              ] + [("bin", f"tests/data/acpi/aarch64/virt/{n}", acpi_blob(b"DSDT", new, n + "-ged"))
                   for n, (_, new) in _DSDTS.items()]),
        Patch('docs: hest: add new "etc/acpi_table_hest_addr" and update workflow', MAURO,
              "While the HEST layout didn't change, there are some internal\n"
              "changes related to how offsets are calculated and how memory error\n"
              "events are triggered.\n\n" + _MSOB + _MRB_JON + _MACK_IGOR, [
                  ("sub", "docs/specs/acpi_hest_ghes.rst",
                   "(3) QEMU uses the address of the first entry to calculate the location of\n"
                   "    each error source record and of its read ack register.\n",
                   "(3) \"etc/acpi_table_hest_addr\" is a new fw_cfg blob where the firmware\n"
                   "    stores the address of the HEST table.\n\n"
                   "(4) QEMU walks the HEST table from that address to find the error source\n"
                   "    structure for a given source ID, and from it the location of the\n"
                   "    CPER record and of its read ack register.\n"),
              ]),
        Patch("scripts/ghes_inject: add a script to generate GHES error inject", MAURO,
              "Using the QMP GHESv2 API requires preparing a raw data array\n"
              "containing a CPER record.\n\n"
              "Add a helper script with subcommands to prepare such data.\n\n"
              + _MSOB + _MRB_JON, [
                  ("new", "scripts/ghes_inject.py",
                   "#!/usr/bin/env python3\n#\n# pylint: disable=C0114\n# SPDX-License-Identifier: GPL-2.0-or-later\n#\n"
                   "# Copyright (C) 2024-2025 Mauro Carvalho Chehab <mchehab+huawei@kernel.org>\n\n"
                   "import argparse\nimport sys\n\nfrom arm_processor_error import ArmProcessorEinj\n\n"
                   "EINJ_DESC = \"\"\"\nHandle ACPI GHESv2 error injection logic QEMU QMP interface.\n\"\"\"\n\n"
                   "def main():\n    parser = argparse.ArgumentParser(description=EINJ_DESC)\n"
                   "    subparsers = parser.add_subparsers()\n    ArmProcessorEinj(subparsers)\n"
                   "    args = parser.parse_args()\n    if \"func\" not in args:\n"
                   "        parser.print_help()\n        sys.exit(1)\n    args.func(args)\n\n"
                   "if __name__ == \"__main__\":\n    main()\n", 0o755),
                  ("new", "scripts/arm_processor_error.py",
                   "#!/usr/bin/env python3\n#\n# pylint: disable=C0301,C0114,R0903,R0912,R0913,R0914,R0915,W0511\n"
                   "# SPDX-License-Identifier: GPL-2.0-or-later\n\n"
                   "\"\"\"Generate an ARM processor error CPER, compatible with UEFI 2.9A Errata.\"\"\"\n\n"
                   "from qmp_helper import qmp, util, cper_guid\n\n\nclass ArmProcessorEinj:\n"
                   "    \"\"\"Implements ARM Processor Error injection via GHES\"\"\"\n\n"
                   "    DESC = \"Generates an ARM processor error CPER\"\n\n"
                   "    def __init__(self, subparsers):\n        parser = subparsers.add_parser(\"arm\", description=self.DESC)\n"
                   "        parser.set_defaults(func=self.send_cper)\n\n"
                   "    def send_cper(self, args):\n        \"\"\"Parse subcommand arguments and send a CPER via QMP\"\"\"\n"
                   "        qmp_cmd = qmp(args.host, args.port, args.debug)\n"
                   "        return qmp_cmd.send_cper(cper_guid.CPER_PROC_ARM, b\"\")\n"),
                  ("new", "scripts/qmp_helper.py",
                   "#!/usr/bin/env python3\n#\n# pylint: disable=C0103,E0213,E1135,E1136,E1137,R0902,R0903,R0912,R0913,R0917\n"
                   "# SPDX-License-Identifier: GPL-2.0-or-later\n\n"
                   "\"\"\"Helper classes to be used by ghes_inject command classes.\"\"\"\n\n"
                   "import json\nimport sys\n\nfrom base64 import b64encode\n\n\nclass util:\n"
                   "    \"\"\"Ancillary functions to deal with bitmaps\"\"\"\n\n    @staticmethod\n"
                   "    def data_add(data, value, num_bytes):\n        \"\"\"Adds bytes from value inside a bitarray\"\"\"\n"
                   "        data.extend(value.to_bytes(num_bytes, byteorder=\"little\"))\n\n\nclass qmp:\n"
                   "    \"\"\"Opens a connection and send/receive QMP commands\"\"\"\n\n"
                   "    def send_cper(self, notif_type, payload):\n        \"\"\"Send commands to QMP\"\"\"\n"
                   "        cper_data = {\"cper\": b64encode(bytes(payload)).decode(\"ascii\")}\n"
                   "        return self.send_cmd(\"inject-ghes-v2-error\", cper_data)\n", 0o755),
                  _append("MAINTAINERS", "F: scripts/ghes_inject.py\nF: scripts/arm_processor_error.py\n"
                          "F: scripts/qmp_helper.py\n"),
              ]),
    ]


S_GHES = Series(
    key="ghes-v8", project="qemu",
    title="Change ghes to use HEST-based offsets and add support for error inject",
    sender=MAURO, committer=MAURO, prefix="PATCH", version=8,
    first_date=datetime(2025, 3, 7, 20, 14, 29, tzinfo=tz(1)),
    author_date=datetime(2025, 3, 7, 19, 9, 54, tzinfo=tz(1)) - timedelta(hours=2.5),
    style="format-patch", stamp="1741374594", git_version="2.48.1",
    to=["Michael S . Tsirkin <mst@redhat.com>", "kvm@vger.kernel.org"],
    cc=["Jonathan Cameron <Jonathan.Cameron@huawei.com>", "Shiju Jose <shiju.jose@huawei.com>",
        "qemu-arm@nongnu.org", "qemu-devel@nongnu.org",
        "Mauro Carvalho Chehab <mchehab+huawei@kernel.org>",
        "Igor Mammedov <imammedo@redhat.com>", "Peter Maydell <peter.maydell@linaro.org>",
        "Paolo Bonzini <pbonzini@redhat.com>", "linux-kernel@vger.kernel.org"],
    cover={"subject": "Change ghes to use HEST-based offsets and add support for error inject",
           "blurb": text("ghes_00")},
    patches=_ghes_patches(), include=[0, 5], fold_subjects={0}, abbrev=10,
)
