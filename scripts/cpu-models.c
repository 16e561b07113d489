/*
 * cpu-models: what each of libunicorn's x86 CPU models looks like to a guest after TCG's feature
 * filtering, and whether LAHF, SYSENTER (to a UC_HOOK_INSN hook), WRGSBASE, XGETBV and an
 * XSAVE/XRSTOR round trip (with PKRU where the model has PKU) work in 64-bit code with it; for the
 * PKU models, whether a load is checked against PKRU under UC_TLB_VIRTUAL; and Linux's
 * AT_MINSIGSTKSZ for the model's XSAVE state. The engine runs at CPL 0, as libunicorn starts.
 * Build against libunicorn 2.1 (UNICORN: a unicorn 2.1.4 source tree, for its include/ headers):
 *   gcc -O1 -I UNICORN/include scripts/cpu-models.c -L .deps/unicorn/lib -lunicorn -o cpu-models
 *   LD_LIBRARY_PATH=.deps/unicorn/lib ./cpu-models      (one line per model, then the host's size)
 * Results: docs/conformance.md ("Could another emulated CPU make these two count?").
 */
#include <cpuid.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unicorn/unicorn.h>

static const char *NAMES[] = {
    "qemu64", "phenom", "core2duo", "kvm64", "qemu32", "kvm32", "coreduo", "486", "pentium",
    "pentium2", "pentium3", "athlon", "n270", "Conroe", "Penryn", "Nehalem", "Westmere",
    "SandyBridge", "IvyBridge", "Haswell", "Broadwell", "Skylake-Client", "Skylake-Server",
    "Cascadelake-Server", "Cooperlake", "Icelake-Client", "Icelake-Server", "Denverton",
    "Snowridge", "KnightsMill", "Opteron_G1", "Opteron_G2", "Opteron_G3", "Opteron_G4",
    "Opteron_G5", "EPYC", "Dhyana", "EPYC-Rome"};

enum { CODE = 0x10000, DATA = 0x20000, DATA_SIZE = 0x4000 };

static uc_engine *open_model(int model) {
  uc_engine *uc;
  if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) return NULL;
  if (uc_ctl_set_cpu_model(uc, model) != UC_ERR_OK) {
    uc_close(uc);
    return NULL;
  }
  uc_mem_map(uc, CODE, 0x1000, UC_PROT_ALL);
  uc_mem_map(uc, DATA, DATA_SIZE, UC_PROT_ALL);
  return uc;
}

/* Runs `code` at CODE; returns the uc_err (UC_ERR_INSN_INVALID for #UD). */
static uc_err run(uc_engine *uc, const void *code, size_t len) {
  uc_mem_write(uc, CODE, code, len);
  return uc_emu_start(uc, CODE, CODE + len, 0, 0);
}

static void cpuid(uc_engine *uc, uint32_t leaf, uint32_t sub, uint32_t r[4]) {
  static const uint8_t insn[] = {0x0f, 0xa2};
  uint64_t a = leaf, c = sub, b = 0, d = 0;
  uc_reg_write(uc, UC_X86_REG_RAX, &a);
  uc_reg_write(uc, UC_X86_REG_RCX, &c);
  run(uc, insn, sizeof insn);
  uc_reg_read(uc, UC_X86_REG_RAX, &a);
  uc_reg_read(uc, UC_X86_REG_RBX, &b);
  uc_reg_read(uc, UC_X86_REG_RCX, &c);
  uc_reg_read(uc, UC_X86_REG_RDX, &d);
  r[0] = a, r[1] = b, r[2] = c, r[3] = d;
}

static int sysenter_hooks;
static void on_sysenter(uc_engine *uc, void *user) { sysenter_hooks++; }

/* lahf in 64-bit code: "ok" or "UD". */
static const char *lahf(uc_engine *uc) {
  static const uint8_t insn[] = {0x9f};
  return run(uc, insn, sizeof insn) == UC_ERR_OK ? "ok" : "UD";
}

/* sysenter in 64-bit code: "hook" (hook ran, RIP after it), "UD", or the error. */
static const char *sysenter(uc_engine *uc) {
  static const uint8_t insn[] = {0x0f, 0x34, 0x90};
  uc_hook h;
  uint64_t rip = 0;
  sysenter_hooks = 0;
  uc_hook_add(uc, &h, UC_HOOK_INSN, on_sysenter, NULL, 1, 0, UC_X86_INS_SYSENTER);
  uc_err e = run(uc, insn, 2);
  uc_reg_read(uc, UC_X86_REG_RIP, &rip);
  uc_hook_del(uc, h);
  if (e == UC_ERR_INSN_INVALID) return "UD";
  if (e != UC_ERR_OK) return uc_strerror(e);
  if (sysenter_hooks == 1 && rip == CODE + 2) return "hook";
  return "no-hook";
}

/*
 * XSAVE round trip: xgetbv(0); set xmm0 and (with PKU, after setting CR4.PKE) PKRU; xsave64 with
 * EDX:EAX = XCR0; check the image (xmm0 at 160, xstate_bv at 512, PKRU at 2688); change both in
 * memory; xrstor64; read them back. Prints "xcr0=... ok" or what failed.
 */
static void xsave_test(uc_engine *uc, int pku, char *out, size_t n) {
  uint64_t cr4 = 0, a, c, d, rdi = DATA;
  uc_reg_read(uc, UC_X86_REG_CR4, &cr4);
  int osx = (cr4 >> 18) & 1;
  if (!osx) {
    cr4 |= 1ull << 18;
    uc_reg_write(uc, UC_X86_REG_CR4, &cr4);
  }
  if (pku) {
    cr4 |= 1ull << 22;
    uc_reg_write(uc, UC_X86_REG_CR4, &cr4);
  }
  static const uint8_t xgetbv[] = {0x0f, 0x01, 0xd0};
  c = 0;
  uc_reg_write(uc, UC_X86_REG_RCX, &c);
  if (run(uc, xgetbv, sizeof xgetbv) != UC_ERR_OK) {
    snprintf(out, n, "xgetbv-UD");
    return;
  }
  uint64_t xcr0_lo, xcr0_hi;
  uc_reg_read(uc, UC_X86_REG_RAX, &xcr0_lo);
  uc_reg_read(uc, UC_X86_REG_RDX, &xcr0_hi);
  uint64_t xcr0 = (xcr0_lo & 0xffffffff) | (xcr0_hi << 32);
  if (pku) {
    static const uint8_t wrpkru[] = {0x0f, 0x01, 0xef};
    a = 0x55555554, c = 0, d = 0;
    uc_reg_write(uc, UC_X86_REG_RAX, &a);
    uc_reg_write(uc, UC_X86_REG_RCX, &c);
    uc_reg_write(uc, UC_X86_REG_RDX, &d);
    if (run(uc, wrpkru, sizeof wrpkru) != UC_ERR_OK) {
      snprintf(out, n, "xcr0=%#llx wrpkru-UD", (unsigned long long)xcr0);
      return;
    }
  }
  uint8_t x0[16];
  for (int i = 0; i < 16; i++) x0[i] = 0xa0 + i;
  uc_reg_write(uc, UC_X86_REG_XMM0, x0);
  static uint8_t zero[DATA_SIZE];
  uc_mem_write(uc, DATA, zero, sizeof zero);
  static const uint8_t xsave64[] = {0x48, 0x0f, 0xae, 0x27}; /* xsave64 [rdi] */
  a = xcr0 & 0xffffffff, d = xcr0 >> 32;
  uc_reg_write(uc, UC_X86_REG_RAX, &a);
  uc_reg_write(uc, UC_X86_REG_RDX, &d);
  uc_reg_write(uc, UC_X86_REG_RDI, &rdi);
  if (run(uc, xsave64, sizeof xsave64) != UC_ERR_OK) {
    snprintf(out, n, "xcr0=%#llx xsave-UD", (unsigned long long)xcr0);
    return;
  }
  uint8_t img[2696];
  uc_mem_read(uc, DATA, img, sizeof img);
  uint64_t bv;
  uint32_t pkru;
  memcpy(&bv, img + 512, 8);
  memcpy(&pkru, img + 2688, 4);
  int xmm_ok = memcmp(img + 160, x0, 16) == 0;
  /* change xmm0 and PKRU in the image, restore, read back */
  for (int i = 0; i < 16; i++) img[160 + i] = 0x10 + i;
  uint32_t pkru2 = 0x0000000c;
  memcpy(img + 2688, &pkru2, 4);
  uc_mem_write(uc, DATA, img, sizeof img);
  static const uint8_t xrstor64[] = {0x48, 0x0f, 0xae, 0x2f}; /* xrstor64 [rdi] */
  uc_reg_write(uc, UC_X86_REG_RAX, &a);
  uc_reg_write(uc, UC_X86_REG_RDX, &d);
  if (run(uc, xrstor64, sizeof xrstor64) != UC_ERR_OK) {
    snprintf(out, n, "xcr0=%#llx xrstor-fault", (unsigned long long)xcr0);
    return;
  }
  uint8_t back[16];
  uc_reg_read(uc, UC_X86_REG_XMM0, back);
  int rst_ok = back[0] == 0x10 && back[15] == 0x1f;
  uint64_t pk_back = 0;
  if (pku) {
    static const uint8_t rdpkru[] = {0x0f, 0x01, 0xee};
    c = 0;
    uc_reg_write(uc, UC_X86_REG_RCX, &c);
    run(uc, rdpkru, sizeof rdpkru);
    uc_reg_read(uc, UC_X86_REG_RAX, &pk_back);
  }
  snprintf(out, n, "cr4.osxsave@reset=%d xcr0=%#llx xstate_bv=%#llx xmm0-saved=%s restored=%s%s",
           osx, (unsigned long long)xcr0, (unsigned long long)bv, xmm_ok ? "y" : "N",
           rst_ok ? "y" : "N",
           pku ? (pkru == 0x55555554 && (pk_back & 0xffffffff) == 0xc ? " pkru-save/restore=y"
                                                                     : " pkru-save/restore=N")
               : "");
}

/*
 * Linux's max_frame_size (arch/x86/kernel/signal.c init_sigframe_size, CONFIG_IA32_EMULATION), the
 * AT_MINSIGSTKSZ it reports: sizeof(struct sigframe_ia32) 736 + FRAME_ALIGNMENT-1, plus the FPU
 * state (fxsave 512, or the XSAVE size of the user xfeatures + FP_XSTATE_MAGIC2_SIZE 4), plus the
 * ia32 fsave header 112 and MAX_XSAVE_PADDING 63, rounded up to 16.
 */
static unsigned linux_minsigstksz(unsigned xsave_size) {
  unsigned state = xsave_size ? xsave_size + 4 : 512;
  return (736 + 15 + state + 112 + 63 + 15) & ~15u;
}

/* CPUID.(0xD,0).EBX once XCR0 is `xcr0` (xsetbv at CPL 0, where a fresh engine starts). */
static unsigned xsave_size_for(uc_engine *uc, uint64_t xcr0) {
  static const uint8_t xsetbv[] = {0x0f, 0x01, 0xd1};
  uint64_t a = xcr0 & 0xffffffff, d = xcr0 >> 32, c = 0;
  uc_reg_write(uc, UC_X86_REG_RAX, &a);
  uc_reg_write(uc, UC_X86_REG_RDX, &d);
  uc_reg_write(uc, UC_X86_REG_RCX, &c);
  if (run(uc, xsetbv, sizeof xsetbv) != UC_ERR_OK) return 0;
  uint32_t r[4];
  cpuid(uc, 0xd, 0, r);
  return r[1];
}

/* wrgsbase/rdgsbase in 64-bit code (CR4.FSGSBASE as libunicorn's reset leaves it). */
static const char *fsgsbase(uc_engine *uc) {
  static const uint8_t insn[] = {0xf3, 0x48, 0x0f, 0xae, 0xd8, /* wrgsbase rax */
                                 0xf3, 0x48, 0x0f, 0xae, 0xcb}; /* rdgsbase rbx */
  uint64_t a = 0xffffffffffff0000ull, b = 0, base = 0;
  uc_reg_write(uc, UC_X86_REG_RAX, &a);
  uc_reg_write(uc, UC_X86_REG_RBX, &b);
  if (run(uc, insn, sizeof insn) != UC_ERR_OK) return "UD";
  uc_reg_read(uc, UC_X86_REG_RBX, &b);
  uc_reg_read(uc, UC_X86_REG_GS_BASE, &base);
  return b == a && base == a ? "ok" : "wrong";
}

static bool fill_rw(uc_engine *uc, uint64_t addr, uc_mem_type type, uc_tlb_entry *e, void *user) {
  e->paddr = addr;
  e->perms = UC_PROT_ALL;
  return true;
}

/*
 * Protection keys under UC_TLB_VIRTUAL: with CR4.PKE and PKRU = 3 (access and write disabled for
 * key 0, the key of every page), a load must fault on a CPU that checks keys. Returns "fault" or
 * "no-fault" (libunicorn's virtual TLB entry has only paddr and perms: no key to check).
 */
static const char *pkeys_virtual_tlb(int model) {
  uc_engine *uc = open_model(model);
  uc_hook h;
  uint64_t cr4, a = 3, c = 0, d = 0, rdi = DATA;
  uc_ctl_tlb_mode(uc, UC_TLB_VIRTUAL);
  uc_hook_add(uc, &h, UC_HOOK_TLB_FILL, fill_rw, NULL, 1, 0);
  uc_reg_read(uc, UC_X86_REG_CR4, &cr4);
  cr4 |= 1ull << 22;
  uc_reg_write(uc, UC_X86_REG_CR4, &cr4);
  static const uint8_t insn[] = {0x0f, 0x01, 0xef, /* wrpkru */
                                 0x48, 0x8b, 0x07}; /* mov rax, [rdi] */
  uc_reg_write(uc, UC_X86_REG_RAX, &a);
  uc_reg_write(uc, UC_X86_REG_RCX, &c);
  uc_reg_write(uc, UC_X86_REG_RDX, &d);
  uc_reg_write(uc, UC_X86_REG_RDI, &rdi);
  uc_err e = run(uc, insn, sizeof insn);
  uc_close(uc);
  return e == UC_ERR_OK ? "no-fault" : uc_strerror(e);
}

int main(void) {
  printf("model vendor sig max | 1.ecx 1.edx | 7.ebx 7.ecx | 81.ecx 81.edx | D0.eax D0.ebx D0.ecx "
         "D1.eax D9.eax/ebx | lahf sysenter fsgsbase | xsave | Linux AT_MINSIGSTKSZ "
         "(xfeatures)\n");
  for (int m = 0; m < UC_CPU_X86_ENDING; m++) {
    uc_engine *uc = open_model(m);
    if (!uc) {
      printf("%-18s (uc_ctl refused)\n", NAMES[m]);
      continue;
    }
    uint32_t l0[4], l1[4], l7[4], l81[4], d0[4], d1[4], d9[4];
    cpuid(uc, 0, 0, l0);
    cpuid(uc, 1, 0, l1);
    cpuid(uc, 7, 0, l7);
    cpuid(uc, 0x80000001, 0, l81);
    cpuid(uc, 0xd, 0, d0);
    cpuid(uc, 0xd, 1, d1);
    cpuid(uc, 0xd, 9, d9);
    char vendor[13];
    memcpy(vendor, &l0[1], 4), memcpy(vendor + 4, &l0[3], 4), memcpy(vendor + 8, &l0[2], 4);
    vendor[12] = 0;
    char xs[200] = "-";
    const char *lh = lahf(uc);
    const char *se = sysenter(uc);
    int xsave = (l1[2] >> 26) & 1, pku = (l7[2] >> 3) & 1;
    char ms[120] = "";
    if (xsave) {
      xsave_test(uc, pku, xs, sizeof xs);
      unsigned fpsse = xsave_size_for(uc, 3);
      snprintf(ms, sizeof ms, "%u (FP|SSE: %u bytes)", linux_minsigstksz(fpsse), fpsse);
      if (pku) {
        unsigned with_pkru = xsave_size_for(uc, 0x203);
        size_t k = strlen(ms);
        snprintf(ms + k, sizeof ms - k, ", %u (FP|SSE|PKRU: %u bytes; TLB_VIRTUAL pkeys: %s)",
                 linux_minsigstksz(with_pkru), with_pkru, pkeys_virtual_tlb(m));
      }
    } else {
      snprintf(ms, sizeof ms, "%u (fxsave)", linux_minsigstksz(0));
    }
    const char *fg = fsgsbase(uc); /* last: a #UD here upsets later runs on the same engine */
    printf("%-18s %s %#x %u | %08x %08x | %08x %08x | %08x %08x | %x %u %u %x %u/%u | %s %s %s | %s | "
           "%s\n",
           NAMES[m], vendor, l1[0], l0[0], l1[2], l1[3], l7[1], l7[2], l81[2], l81[3], d0[0], d0[1],
           d0[2], d1[0], d9[0], d9[1], lh, se, fg, xs, ms);
    uc_close(uc);
  }
  unsigned a, b, c, d;
  __cpuid_count(0xd, 0, a, b, c, d);
  printf("host: CPUID.(0xD,0) EAX %#x EBX %u ECX %u -> Linux AT_MINSIGSTKSZ %u\n", a, b, c,
         linux_minsigstksz(b));
  return 0;
}
