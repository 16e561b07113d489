/* privileged: a user process tries the instructions only the kernel may execute. Linux runs
 * processes at CPL 3 with IOPL 0: each faults (#GP -> SIGSEGV with si_code SI_KERNEL, #UD ->
 * SIGILL), and the signal's saved RIP is the instruction itself (after it for traps: int3).
 * `popf` cannot change IF or IOPL (silently). rdtsc works and never goes backwards.
 * With the argument "tsc" it also prints two raw rdtsc readings (deterministic under uvm4j only).
 * Prints, per instruction, the signal, si_code and where RIP was relative to the instruction. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdint.h>
#include <ucontext.h>

#include "guest.h"

static sigjmp_buf env;
static volatile uintptr_t insn_at;
static volatile int got_sig, got_code;
static volatile uintptr_t got_rip;

static void on_signal(int sig, siginfo_t *si, void *ctx) {
  ucontext_t *uc = ctx;
  got_sig = sig;
  got_code = si->si_code;
  got_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  siglongjmp(env, 1);
}

static const char *signame(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    default: return "other";
  }
}

static void report(const char *name, int faulted) {
  if (!faulted) {
    printf("%-12s no signal\n", name);
    return;
  }
  long delta = (long)(got_rip - insn_at);
  printf("%-12s %s si_code=%d rip=insn%+ld\n", name, signame(got_sig), got_code, delta);
}

/* Runs one instruction (asm text) with its address recorded in insn_at; rdx = 0x80 (a port),
 * rax/rcx zero, rdi/rsi pointing at a scratch buffer. */
#define TRY(name, insn)                                                          \
  do {                                                                           \
    got_sig = 0;                                                                 \
    if (sigsetjmp(env, 1) == 0) {                                                \
      __asm__ volatile("lea 1f(%%rip), %%rax\n\t"                                \
                       "mov %%rax, %0\n\t"                                       \
                       "xor %%eax, %%eax\n\t"                                    \
                       "xor %%ecx, %%ecx\n\t"                                    \
                       "mov $0x80, %%edx\n\t"                                    \
                       "mov %1, %%rdi\n\t"                                       \
                       "mov %1, %%rsi\n"                                         \
                       "1:\t" insn "\n\t"                                        \
                       : "=m"(insn_at)                                           \
                       : "r"(scratch)                                            \
                       : "rax", "rcx", "rdx", "rdi", "rsi", "memory", "cc");     \
      report(name, 0);                                                           \
    } else {                                                                     \
      report(name, 1);                                                           \
    }                                                                            \
  } while (0)

static char scratch_buf[64];

int main(int argc, char **argv) {
  char *scratch = scratch_buf;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
  CHECK(sigaction(SIGILL, &sa, NULL) == 0);
  CHECK(sigaction(SIGTRAP, &sa, NULL) == 0);
  CHECK(sigaction(SIGBUS, &sa, NULL) == 0);

  TRY("cli", "cli");
  TRY("sti", "sti");
  TRY("hlt", "hlt");
  TRY("in al,0x60", "in $0x60, %%al");
  TRY("out dx,al", "out %%al, %%dx");
  TRY("insb", "insb");
  TRY("outsb", "outsb");
  TRY("rdmsr", "rdmsr");
  TRY("wrmsr", "wrmsr");
  TRY("mov rax,cr0", "mov %%cr0, %%rax");
  TRY("mov cr3,rax", "mov %%rax, %%cr3");
  TRY("lgdt", "lgdt (%%rdi)");
  TRY("lidt", "lidt (%%rdi)");
  TRY("swapgs", "swapgs");
  TRY("clts", "clts");
  TRY("invlpg", "invlpg (%%rdi)");
  TRY("int 0x81", "int $0x81");
  TRY("int 0x2e", "int $0x2e");
  TRY("int3", "int3");
  TRY("ud2", "ud2");
  /* the same instruction again: the second #GP is a #GP too, not a double fault */
  TRY("cli again", "cli");
  TRY("hlt again", "hlt");

  /* popf: a user process cannot clear IF or raise IOPL; the change is silently dropped */
  unsigned long before, after;
  __asm__ volatile("pushf\n\tpop %0\n\t"
                   "mov %0, %%rax\n\t"
                   "and $~0x200, %%rax\n\t"
                   "or $0x3000, %%rax\n\t"
                   "push %%rax\n\tpopf\n\t"
                   "pushf\n\tpop %1\n\t"
                   : "=&r"(before), "=&r"(after)
                   :
                   : "rax", "cc", "memory");
  printf("popf: IF %lu -> %lu, IOPL %lu -> %lu\n", (before >> 9) & 1, (after >> 9) & 1,
         (before >> 12) & 3, (after >> 12) & 3);

  uint32_t lo1, hi1, lo2, hi2;
  __asm__ volatile("rdtsc" : "=a"(lo1), "=d"(hi1));
  __asm__ volatile("rdtsc" : "=a"(lo2), "=d"(hi2));
  uint64_t t1 = (uint64_t)hi1 << 32 | lo1, t2 = (uint64_t)hi2 << 32 | lo2;
  printf("rdtsc: second reading later than the first: %s\n", t2 > t1 ? "yes" : "no");
  if (argc > 1 && strcmp(argv[1], "tsc") == 0) {
    printf("rdtsc readings: %llu %llu\n", (unsigned long long)t1, (unsigned long long)t2);
  }
  return 0;
}
