/*
 * sig_fpu.c - the FPU/SSE state in the x86-64 signal frame, as Linux's arch/x86/kernel/fpu/signal.c
 * writes it (uc_mcontext.fpregs: the fxsave image, 64-byte aligned, FP_XSTATE_MAGIC1 in its
 * sw_reserved bytes; with XSAVE also the xsave header and FP_XSTATE_MAGIC2) and rt_sigreturn
 * restores it from.
 *
 * What depends on the CPU (XSAVE or not, the state's size, AT_MINSIGSTKSZ) is checked against what
 * CPUID reports, so the output is the same on any CPU: the frame must match what the CPU claims.
 * Cases: the frame layout and AT_MINSIGSTKSZ; a handler starts with the initial FPU state; the
 * interrupted code's xmm0-15, x87 stack, MXCSR and FCW survive a handler that clobbers them; a
 * handler's edits of fpregs (xmm, mxcsr, st0) are what the interrupted code sees after it; a NULL
 * fpregs resets the FPU; a bad fpregs (reserved MXCSR bit, misaligned, unmapped) ends in SIGSEGV;
 * a handler runs on an alternate stack of max(AT_MINSIGSTKSZ, MINSIGSTKSZ) bytes; a nested frame
 * that would overflow the alternate stack ends in SIGSEGV without writing below it.
 */
#define _GNU_SOURCE
#include "guest.h"

#include <cpuid.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <ucontext.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

struct regs {
  uint64_t xmm[16][2];
  uint32_t mxcsr;
  uint16_t fcw;
  unsigned char st[2][10];
};

static int cpu_xsave;           /* CPUID.1:ECX XSAVE and OSXSAVE */
static unsigned cpu_xsave_size; /* CPUID.(0xd,0):EBX, the XCR0 features' xsave size */

static void read_cpuid(void) {
  unsigned a, b, c, d;
  __cpuid(1, a, b, c, d);
  cpu_xsave = ((c >> 26) & 1) && ((c >> 27) & 1);
  if (cpu_xsave) {
    __cpuid_count(0xd, 0, a, b, c, d);
    cpu_xsave_size = b;
  }
}

/* Linux's max_frame_size (arch/x86/kernel/signal.c init_sigframe_size) for this CPU. */
static unsigned long linux_max_frame_size(void) {
  unsigned long fpstate = cpu_xsave ? cpu_xsave_size + 4 : 512;
  fpstate += 112;                                /* the ia32 fsave header */
  unsigned long size = 736 + 15 + fpstate + 63; /* sizeof(struct sigframe_ia32), paddings */
  return (size + 15) & ~15ul;
}

static void raise_usr1(void) {
  CHECK(syscall(SYS_tkill, syscall(SYS_gettid), SIGUSR1) == 0);
}

static void set_handler(int sig, void (*h)(int, siginfo_t *, void *), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(sig, &sa, 0) == 0);
}

/* ---- the frame ---- */

static struct {
  int ran;
  int aligned, magic1, sizes, magic2, xfeatures, uc_flags, fp_place, uc_place, cs, ss;
  int init_xmm, init_mxcsr, init_fcw, init_ftw;
} frame;

static uint64_t entry_xmm[16][2];
static uint32_t entry_mxcsr;
static unsigned char entry_env[28];

static void frame_handler(int sig, siginfo_t *si, void *ctx) {
  /* the FPU state the handler starts with, before any code of its own can touch it */
  __asm__ volatile("movdqu %%xmm0, 0(%0)\n\tmovdqu %%xmm1, 16(%0)\n\tmovdqu %%xmm2, 32(%0)\n\t"
                   "movdqu %%xmm3, 48(%0)\n\tmovdqu %%xmm4, 64(%0)\n\tmovdqu %%xmm5, 80(%0)\n\t"
                   "movdqu %%xmm6, 96(%0)\n\tmovdqu %%xmm7, 112(%0)\n\tmovdqu %%xmm8, 128(%0)\n\t"
                   "movdqu %%xmm9, 144(%0)\n\tmovdqu %%xmm10, 160(%0)\n\tmovdqu %%xmm11, 176(%0)\n\t"
                   "movdqu %%xmm12, 192(%0)\n\tmovdqu %%xmm13, 208(%0)\n\t"
                   "movdqu %%xmm14, 224(%0)\n\tmovdqu %%xmm15, 240(%0)\n\t"
                   "stmxcsr %1\n\tfnstenv %2\n\tfldcw %2"
                   :
                   : "r"(entry_xmm), "m"(entry_mxcsr), "m"(entry_env)
                   : "memory");
  (void)sig;
  (void)si;
  ucontext_t *uc = ctx;
  unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
  uint32_t magic1, extended, xstate_size;
  uint64_t xfeatures;
  memcpy(&magic1, fp + 464, 4);
  memcpy(&extended, fp + 468, 4);
  memcpy(&xfeatures, fp + 472, 8);
  memcpy(&xstate_size, fp + 480, 4);
  frame.ran = 1;
  frame.aligned = ((uintptr_t)fp & 63) == 0;
  frame.magic1 = magic1 == FP_XSTATE_MAGIC1;
  frame.sizes = extended == xstate_size + 4 &&
                (cpu_xsave ? xstate_size >= 512 + 64 && xstate_size <= cpu_xsave_size
                           : xstate_size == 512);
  unsigned long sigframe_fp_size = 512;
  if (cpu_xsave) {
    uint32_t magic2;
    uint64_t hdr;
    memcpy(&magic2, fp + xstate_size, 4);
    memcpy(&hdr, fp + 512, 8);
    frame.magic2 = magic2 == FP_XSTATE_MAGIC2;
    frame.xfeatures = (hdr & 3) == 3 && (xfeatures & 3) == 3;
    frame.uc_flags = uc->uc_flags == (UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
    sigframe_fp_size = xstate_size + 4;
  } else {
    frame.magic2 = 1; /* no XSAVE: no magic2, no header */
    frame.xfeatures = xfeatures == 0;
    frame.uc_flags = uc->uc_flags == (UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
  }
  /* get_sigframe: the state below the red zone, 64-byte aligned; the frame below it, aligned so
     that the handler's stack looks as after a call; the ucontext 8 bytes into the frame */
  uintptr_t rsp = uc->uc_mcontext.gregs[REG_RSP];
  uintptr_t want_fp = (rsp - 128 - sigframe_fp_size) & ~(uintptr_t)63;
  frame.fp_place = (uintptr_t)fp == want_fp;
  frame.uc_place = (uintptr_t)uc == (((want_fp - 440) & ~(uintptr_t)15) - 8) + 8;
  uint64_t csgsfs = uc->uc_mcontext.gregs[REG_CSGSFS];
  frame.cs = (csgsfs & 0xffff) == 0x33;
  frame.ss = (csgsfs >> 48) == 0x2b;
  int zero = 1;
  for (int i = 0; i < 16; i++) {
    zero &= entry_xmm[i][0] == 0 && entry_xmm[i][1] == 0;
  }
  uint16_t fcw, ftw;
  memcpy(&fcw, entry_env, 2);
  memcpy(&ftw, entry_env + 8, 2);
  frame.init_xmm = zero;
  frame.init_mxcsr = entry_mxcsr == 0x1f80;
  frame.init_fcw = fcw == 0x37f;
  frame.init_ftw = ftw == 0xffff;
}

static void check_frame(void) {
  set_handler(SIGUSR1, frame_handler, 0);
  raise_usr1();
  CHECK(frame.ran);
  printf("fpstate 64-byte aligned: %d, magic1: %d, sizes: %d, magic2 if XSAVE: %d\n",
         frame.aligned, frame.magic1, frame.sizes, frame.magic2);
  printf("xfeatures as CPUID says: %d, uc_flags as CPUID says: %d\n", frame.xfeatures,
         frame.uc_flags);
  printf("fpstate below the red zone: %d, ucontext below it: %d, cs 0x33: %d, ss 0x2b: %d\n",
         frame.fp_place, frame.uc_place, frame.cs, frame.ss);
  printf("handler starts with xmm zero: %d, mxcsr 0x1f80: %d, fcw 0x37f: %d, x87 empty: %d\n",
         frame.init_xmm, frame.init_mxcsr, frame.init_fcw, frame.init_ftw);
  unsigned long minsig = getauxval(AT_MINSIGSTKSZ);
  printf("AT_MINSIGSTKSZ is Linux's max_frame_size for this CPU: %d\n",
         minsig == linux_max_frame_size());
  if (minsig != linux_max_frame_size()) {
    fprintf(stderr, "AT_MINSIGSTKSZ %lu, expected %lu\n", minsig, linux_max_frame_size());
  }
}

/* ---- registers across a handler ---- */

/* Loads *in into xmm0-15, MXCSR, FCW and two x87 registers (ST0, ST1 from in->st), sends SIGUSR1
   to this thread with a raw syscall (no code between that could touch them), then stores them
   into *out. */
static const uint32_t default_mxcsr = 0x1f80;
static const uint16_t default_fcw = 0x37f;

static void around_signal(const struct regs *in, struct regs *out) {
  long tid = syscall(SYS_gettid);
  __asm__ volatile(
      "movdqu 0(%0), %%xmm0\n\tmovdqu 16(%0), %%xmm1\n\tmovdqu 32(%0), %%xmm2\n\t"
      "movdqu 48(%0), %%xmm3\n\tmovdqu 64(%0), %%xmm4\n\tmovdqu 80(%0), %%xmm5\n\t"
      "movdqu 96(%0), %%xmm6\n\tmovdqu 112(%0), %%xmm7\n\tmovdqu 128(%0), %%xmm8\n\t"
      "movdqu 144(%0), %%xmm9\n\tmovdqu 160(%0), %%xmm10\n\tmovdqu 176(%0), %%xmm11\n\t"
      "movdqu 192(%0), %%xmm12\n\tmovdqu 208(%0), %%xmm13\n\tmovdqu 224(%0), %%xmm14\n\t"
      "movdqu 240(%0), %%xmm15\n\t"
      "ldmxcsr 256(%0)\n\tfldcw 260(%0)\n\tfldt 272(%0)\n\tfldt 262(%0)\n\t"
      "mov %2, %%rdi\n\tmov $%c3, %%esi\n\tmov $%c4, %%eax\n\tsyscall\n\t"
      "movdqu %%xmm0, 0(%1)\n\tmovdqu %%xmm1, 16(%1)\n\tmovdqu %%xmm2, 32(%1)\n\t"
      "movdqu %%xmm3, 48(%1)\n\tmovdqu %%xmm4, 64(%1)\n\tmovdqu %%xmm5, 80(%1)\n\t"
      "movdqu %%xmm6, 96(%1)\n\tmovdqu %%xmm7, 112(%1)\n\tmovdqu %%xmm8, 128(%1)\n\t"
      "movdqu %%xmm9, 144(%1)\n\tmovdqu %%xmm10, 160(%1)\n\tmovdqu %%xmm11, 176(%1)\n\t"
      "movdqu %%xmm12, 192(%1)\n\tmovdqu %%xmm13, 208(%1)\n\tmovdqu %%xmm14, 224(%1)\n\t"
      "movdqu %%xmm15, 240(%1)\n\t"
      "stmxcsr 256(%1)\n\tfnstcw 260(%1)\n\tfstpt 262(%1)\n\tfstpt 272(%1)\n\t"
      "ldmxcsr %5\n\tfldcw %6"
      :
      : "r"(in), "r"(out), "r"(tid), "i"(SIGUSR1), "i"(SYS_tkill), "m"(default_mxcsr),
        "m"(default_fcw)
      : "rax", "rcx", "rdx", "rdi", "rsi", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
        "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
        "xmm15");
}

static void fill_regs(struct regs *r, unsigned seed) {
  memset(r, 0, sizeof *r);
  for (int i = 0; i < 16; i++) {
    r->xmm[i][0] = 0x0101010101010101ull * (i + seed);
    r->xmm[i][1] = ~r->xmm[i][0] ^ (seed * 0x1234567ull);
  }
  r->mxcsr = 0x7f80 | 0x20; /* round toward zero, PE set */
  r->fcw = 0x27f;           /* 53-bit precision */
  long double a = 3.25L * seed, b = -1.0L / 3;
  memcpy(r->st[0], &a, 10);
  memcpy(r->st[1], &b, 10);
}

static int clobbered;

static void clobber_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)si;
  (void)ctx;
  static const uint64_t ones[2] = {~0ull, ~0ull};
  static const uint32_t mx = 0x1f80 | 0x6000;
  static const uint16_t cw = 0x7f;
  __asm__ volatile("movdqu %0, %%xmm0\n\tmovdqa %%xmm0, %%xmm1\n\tmovdqa %%xmm0, %%xmm2\n\t"
                   "movdqa %%xmm0, %%xmm3\n\tmovdqa %%xmm0, %%xmm4\n\tmovdqa %%xmm0, %%xmm5\n\t"
                   "movdqa %%xmm0, %%xmm6\n\tmovdqa %%xmm0, %%xmm7\n\tmovdqa %%xmm0, %%xmm8\n\t"
                   "movdqa %%xmm0, %%xmm9\n\tmovdqa %%xmm0, %%xmm10\n\tmovdqa %%xmm0, %%xmm11\n\t"
                   "movdqa %%xmm0, %%xmm12\n\tmovdqa %%xmm0, %%xmm13\n\tmovdqa %%xmm0, %%xmm14\n\t"
                   "movdqa %%xmm0, %%xmm15\n\t"
                   "ldmxcsr %1\n\tfldcw %2\n\tfldz\n\tfldz\n\tfldz"
                   :
                   : "m"(ones), "m"(mx), "m"(cw)
                   : "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                     "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
  clobbered++;
  /* three values stay pushed: rt_sigreturn restores TOP and the tags too */
}

static void check_survive(void) {
  set_handler(SIGUSR1, clobber_handler, 0);
  struct regs in, out;
  fill_regs(&in, 3);
  memset(&out, 0x5a, sizeof out);
  around_signal(&in, &out);
  CHECK(clobbered == 1);
  int xmm = memcmp(in.xmm, out.xmm, sizeof in.xmm) == 0;
  printf("after a handler that clobbers them: xmm0-15 kept: %d, mxcsr kept: %d, fcw kept: %d, "
         "st0 st1 kept: %d\n",
         xmm, in.mxcsr == out.mxcsr, in.fcw == out.fcw, memcmp(in.st, out.st, 20) == 0);
}

/* ---- a handler edits the saved state ---- */

static const uint64_t edit_xmm[2] = {0x1122334455667788ull, 0x99aabbccddeeff00ull};

static void edit_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)si;
  ucontext_t *uc = ctx;
  fpregset_t fp = uc->uc_mcontext.fpregs;
  memcpy(&fp->_xmm[3], edit_xmm, 16);
  fp->mxcsr = 0x1f80 | 0x2000; /* round down */
  /* st0 (the last value pushed) = 2.0 */
  memset(&fp->_st[0], 0, sizeof fp->_st[0]);
  fp->_st[0].significand[3] = 0x8000;
  fp->_st[0].exponent = 0x4000;
}

static void check_edit(void) {
  set_handler(SIGUSR1, edit_handler, 0);
  struct regs in, out;
  fill_regs(&in, 5);
  around_signal(&in, &out);
  long double two = 2.0L, st0;
  memcpy(&st0, out.st[0], 10); /* ST0, popped first */
  int others = 1;
  for (int i = 0; i < 16; i++) {
    if (i != 3) {
      others &= memcmp(in.xmm[i], out.xmm[i], 16) == 0;
    }
  }
  printf("after a handler edits fpregs: xmm3 edited: %d, others kept: %d, mxcsr edited: %d, "
         "st0 edited: %d\n",
         memcmp(out.xmm[3], edit_xmm, 16) == 0, others, out.mxcsr == (0x1f80 | 0x2000),
         memcmp(&st0, &two, 10) == 0);
}

/* ---- fpregs NULL or bad ---- */

static int bad_kind;
static void *unmapped;

static void bad_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)si;
  ucontext_t *uc = ctx;
  switch (bad_kind) {
  case 0:
    uc->uc_mcontext.fpregs = 0;
    break;
  case 1:
    uc->uc_mcontext.fpregs->mxcsr |= 1u << 16; /* reserved on every CPU */
    break;
  case 2:
    uc->uc_mcontext.fpregs = (fpregset_t)((char *)uc->uc_mcontext.fpregs + 8);
    break;
  default:
    uc->uc_mcontext.fpregs = unmapped;
    break;
  }
}

static void check_null(void) {
  bad_kind = 0;
  set_handler(SIGUSR1, bad_handler, 0);
  struct regs in, out;
  fill_regs(&in, 7);
  around_signal(&in, &out);
  int zero = 1;
  for (int i = 0; i < 16; i++) {
    zero &= out.xmm[i][0] == 0 && out.xmm[i][1] == 0;
  }
  printf("fpregs NULL: the FPU is reset: xmm zero: %d, mxcsr 0x1f80: %d, fcw 0x37f: %d\n", zero,
         out.mxcsr == 0x1f80, out.fcw == 0x37f);
}

static void check_bad(int kind, const char *what) {
  pid_t pid = xfork();
  if (pid == 0) {
    bad_kind = kind;
    set_handler(SIGUSR1, bad_handler, 0);
    struct regs in, out;
    fill_regs(&in, 9);
    around_signal(&in, &out);
    printf("  %s: sigreturn worked\n", what);
    _exit(0);
  }
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  printf("fpregs %s: %s\n", what,
         WIFSIGNALED(st) ? (WTERMSIG(st) == SIGSEGV ? "SIGSEGV" : "another signal") : "exit");
}

/* ---- alternate stacks ---- */

static volatile uintptr_t alt_lo, alt_hi;
static int on_alt;

static void alt_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)si;
  ucontext_t *uc = ctx;
  uintptr_t fp = (uintptr_t)uc->uc_mcontext.fpregs;
  uintptr_t here = (uintptr_t)&uc;
  on_alt = fp > alt_lo && fp < alt_hi && here > alt_lo && (uintptr_t)uc > alt_lo;
}

static void check_altstack(void) {
  size_t size = getauxval(AT_MINSIGSTKSZ);
  if (size < MINSIGSTKSZ) {
    size = MINSIGSTKSZ;
  }
  char *mem = mmap(0, size + 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(mem != MAP_FAILED);
  stack_t ss = {.ss_sp = mem + PAGE, .ss_size = size, .ss_flags = 0};
  CHECK(sigaltstack(&ss, 0) == 0);
  alt_lo = (uintptr_t)ss.ss_sp;
  alt_hi = alt_lo + size;
  set_handler(SIGUSR1, alt_handler, SA_ONSTACK);
  raise_usr1();
  printf("a handler runs on an alternate stack of max(AT_MINSIGSTKSZ, MINSIGSTKSZ) bytes: %d\n",
         on_alt);
  ss.ss_flags = SS_DISABLE;
  CHECK(sigaltstack(&ss, 0) == 0);
  munmap(mem, size + 2 * PAGE);
}

static int depth;

/* On the alternate stack: moves RSP to 200 bytes above its bottom (still on it, so a nested signal
   is not moved to its top) and sends SIGUSR1 again. The frame cannot fit above the bottom: Linux's
   get_sigframe refuses it and the signal becomes SIGSEGV; nothing is written below the stack. */
static void nest_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)si;
  (void)ctx;
  if (++depth > 1) {
    _exit(3); /* a frame was written below the alternate stack */
  }
  long tid = syscall(SYS_gettid);
  __asm__ volatile("mov %0, %%rsp\n\tmov %1, %%rdi\n\tmov $%c2, %%esi\n\tmov $%c3, %%eax\n\t"
                   "syscall\n\tud2"
                   :
                   : "r"(alt_lo + 200), "r"(tid), "i"(SIGUSR1), "i"(SYS_tkill)
                   : "rax", "rcx", "rdi", "rsi", "r11", "memory");
}

static void check_overflow(void) {
  /* shared: the parent sees what the child wrote below its alternate stack */
  size_t alt = 4 * PAGE;
  unsigned char *mem =
      mmap(0, PAGE + alt, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(mem != MAP_FAILED);
  memset(mem, 0xa5, PAGE);
  pid_t pid = xfork();
  if (pid == 0) {
    stack_t ss = {.ss_sp = mem + PAGE, .ss_size = alt, .ss_flags = 0};
    CHECK(sigaltstack(&ss, 0) == 0);
    alt_lo = (uintptr_t)ss.ss_sp;
    set_handler(SIGUSR1, nest_handler, SA_ONSTACK | SA_NODEFER);
    raise_usr1();
    _exit(0);
  }
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  int kept = 1;
  for (int i = 0; i < PAGE; i++) {
    kept &= mem[i] == 0xa5;
  }
  printf("a nested frame that would overflow the alternate stack: %s, page below it kept: %d\n",
         WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? "SIGSEGV" : "no SIGSEGV", kept);
  munmap(mem, PAGE + alt);
}

int main(void) {
  read_cpuid();
  unmapped = mmap(0, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(unmapped != MAP_FAILED);
  CHECK(munmap(unmapped, PAGE) == 0);
  check_frame();
  check_survive();
  check_edit();
  check_null();
  check_bad(1, "with a reserved MXCSR bit");
  check_bad(2, "misaligned");
  check_bad(3, "unmapped");
  check_altstack();
  check_overflow();
  printf("done\n");
  return 0;
}
