/* syscall_fuzz: the guest side of SyscallEdgeFuzzTest. Reads records of 7 little-endian 64-bit
 * words from stdin (number, six arguments) and makes each system call as given; an argument
 * whose top 16 bits are 0xabcd is replaced by an address inside a scratch buffer (so that calls
 * get valid pointers too). Before it starts it caps its resources (processes, address space,
 * CPU) so that what the fuzzer asks for stays bounded. Prints nothing; its exit status is whatever
 * the calls made of it. */
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "guest.h"

static char scratch[4 * PAGE] __attribute__((aligned(PAGE)));

static long arg(uint64_t v) {
  if ((v >> 48) == 0xabcd) {
    return (long)(uintptr_t)(scratch + (v & (sizeof scratch - 1)));
  }
  return (long)v;
}

int main(void) {
  struct rlimit nproc = {8, 8};
  struct rlimit as = {256UL << 20, 256UL << 20};
  CHECK(setrlimit(RLIMIT_NPROC, &nproc) == 0);
  CHECK(setrlimit(RLIMIT_AS, &as) == 0);
  uint64_t rec[7];
  for (;;) {
    size_t got = 0;
    while (got < sizeof rec) {
      long n = syscall(SYS_read, 0, (char *)rec + got, sizeof rec - got);
      if (n <= 0) {
        syscall(SYS_exit_group, 0);
      }
      got += (size_t)n;
    }
    syscall((long)rec[0], arg(rec[1]), arg(rec[2]), arg(rec[3]), arg(rec[4]), arg(rec[5]),
            arg(rec[6]));
  }
}
