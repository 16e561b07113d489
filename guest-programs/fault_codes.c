/*
 * fault_codes - what a signal handler learns about the fault that raised it: the x86 page-fault
 * error code (REG_ERR: bit 0 protection, 1 write, 2 user, 4 instruction fetch), the trap number
 * (REG_TRAPNO), CR2 (REG_CR2), si_code and si_addr, as Linux fills them for page faults (Linux
 * sets the protection bit for any user access to the kernel half), general-protection faults
 * (a non-canonical address, `int $0x81`), int3, ud2 and a single step (RFLAGS.TF).
 * Addresses are fixed (MAP_FIXED_NOREPLACE) so that what is printed is the same in every run;
 * fault addresses are printed by page (uvm4j's TLB-fill hook learns only the page of a fault).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdint.h>
#include <sys/ucontext.h>

#include "guest.h"

#define AREA ((char *)0x200000000UL)

static sigjmp_buf env;
static volatile int got_sig, got_code;
static volatile unsigned long got_err, got_trapno, got_cr2, got_addr;

static void handler(int sig, siginfo_t *si, void *uc_void) {
  ucontext_t *uc = uc_void;
  got_sig = sig;
  got_code = si->si_code;
  got_addr = (unsigned long)si->si_addr;
  got_err = uc->uc_mcontext.gregs[REG_ERR];
  got_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
  got_cr2 = uc->uc_mcontext.gregs[REG_CR2];
  siglongjmp(env, 1);
}

static void report(const char *what) {
  printf("%-38s sig %2d code %#5x err %#4lx trapno %2lu cr2 %#lx", what, got_sig, got_code,
         got_err, got_trapno, got_cr2 & ~0xfffUL);
  if (got_code > 0 && got_code < 0x80 && got_sig != SIGTRAP && got_sig != SIGILL)
    printf(" addr %#lx", got_addr & ~0xfffUL);
  printf("\n");
}

#define FAULT(what, stmt)            \
  do {                               \
    got_sig = 0;                     \
    if (sigsetjmp(env, 1) == 0) {    \
      stmt;                          \
      printf("%s: no fault\n", what); \
    } else {                         \
      report(what);                  \
    }                                \
  } while (0)

static char *map(unsigned long off, int prot) {
  char *p = mmap(AREA + off, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CHECK(p == AREA + off);
  return p;
}

static void single_step(void) {
  /* set TF with popf: the instruction after popf traps */
  __asm__ volatile(
      "pushf\n\t"
      "orq $0x100, (%%rsp)\n\t"
      "popf\n\t"
      "nop\n\t" ::: "memory", "cc");
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
  CHECK(sigaction(SIGTRAP, &sa, NULL) == 0);
  CHECK(sigaction(SIGILL, &sa, NULL) == 0);
  CHECK(sigaction(SIGBUS, &sa, NULL) == 0);

  char *rw = map(0, PROT_READ | PROT_WRITE);
  char *ro = map(2 * PAGE, PROT_READ);
  char *ro_untouched = map(4 * PAGE, PROT_READ);
  char *none = map(6 * PAGE, PROT_NONE);
  volatile char *unmapped = AREA + 8 * PAGE;
  rw[0] = (char)0xc3; /* present, a `ret` to jump to */
  (void)*(volatile char *)ro;

  FAULT("read of an unmapped page", (void)unmapped[8]);
  FAULT("write to an unmapped page", unmapped[16] = 1);
  FAULT("jump to an unmapped page", ((void (*)(void))(unmapped + 32))());
  FAULT("write to a present read-only page", *(volatile char *)(ro + 1) = 1);
  FAULT("write to an untouched read-only page", *(volatile char *)(ro_untouched + 2) = 1);
  FAULT("read of a PROT_NONE page", (void)*(volatile char *)(none + 3));
  FAULT("write to a PROT_NONE page", *(volatile char *)(none + 4) = 1);
  FAULT("jump to a present non-executable page", ((void (*)(void))rw)());
  FAULT("read of a kernel address", (void)*(volatile char *)0xffffffff81000000UL);
  FAULT("write to a kernel address", *(volatile char *)0xffffffff81000040UL = 1);
  FAULT("jump to a kernel address", ((void (*)(void))0xffffffff81000080UL)());
  FAULT("read of the last page below 2^47", (void)*(volatile char *)0x7ffffffff010UL);
  FAULT("read of a non-canonical address", (void)*(volatile char *)0x8000000000000000UL);
  FAULT("int3", __asm__ volatile("int3"));
  FAULT("ud2", __asm__ volatile("ud2"));
  FAULT("int $0x81", __asm__ volatile("int $0x81"));
  FAULT("single step", single_step());

  /* a fork inherits the last trap's state; a signal sent with kill shows it too */
  FAULT("read of an unmapped page again", (void)unmapped[64]);
  pid_t pid = xfork();
  if (pid == 0) {
    FAULT("kill(SIGSEGV) in the child", kill(getpid(), SIGSEGV));
    _exit(0);
  }
  CHECK(xwait(pid) == 0);
  return 0;
}
