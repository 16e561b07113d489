/* int80: a 64-bit process makes i386 system calls with `int $0x80`, as x86-64 Linux's IA32
 * emulation runs them: EAX the i386 number, EBX/ECX/EDX/ESI/EDI/EBP the arguments (32 bits: a
 * pointer above 4 GiB is cut to its low half), the result in RAX, RCX and R11 kept. Uses only
 * calls uvm4j declares (write, read, pipe, getpid, getppid, dup, close, lseek, uname, exit_group)
 * and numbers that are ENOSYS on Linux too. */
#include <stdint.h>
#include <sys/utsname.h>

#include "guest.h"

static long int80(long nr, long a, long b, long c) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
  return r;
}

static const char msg[] = "written by int 0x80 write(1, ...)\n";
static int fds[2];
static char buf[16];
static struct utsname un;

int main(void) {
  long n = int80(4, 1, (long)(uintptr_t)msg, sizeof msg - 1);
  printf("write returned %ld\n", n);
  printf("getpid matches getpid(): %s\n", int80(20, 0, 0, 0) == getpid() ? "yes" : "no");
  printf("getppid matches getppid(): %s\n", int80(64, 0, 0, 0) == getppid() ? "yes" : "no");

  printf("pipe returned %ld\n", int80(42, (long)(uintptr_t)fds, 0, 0));
  CHECK(write(fds[1], "ping", 4) == 4);
  printf("read returned %ld: %.4s\n", int80(3, fds[0], (long)(uintptr_t)buf, sizeof buf), buf);
  long d = int80(41, fds[1], 0, 0);
  printf("dup gave a new descriptor: %s\n", d > fds[1] ? "yes" : "no");
  printf("close(dup) returned %ld\n", int80(6, d, 0, 0));
  printf("close(dup) again returned %ld (-EBADF is -9)\n", int80(6, d, 0, 0));
  /* lseek's offset is a signed 32-bit long: -1 stays -1 (a pipe answers ESPIPE first) */
  printf("lseek(pipe, -1) returned %ld\n", int80(19, fds[0], 0xffffffffL, SEEK_CUR));

  printf("uname returned %ld, sysname %s\n", int80(122, (long)(uintptr_t)&un, 0, 0), un.sysname);

  /* a buffer above 4 GiB: the i386 ABI sees only the low 32 bits of its address */
  char *high = mmap((void *)0x7f0000010000UL, PAGE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CHECK(high == (char *)0x7f0000010000UL);
  memcpy(high, "high\n", 5);
  printf("write from above 4 GiB returned %ld (-EFAULT is -14)\n",
         int80(4, 1, (long)(uintptr_t)high, 5));

  /* numbers Linux's i386 table has no call for */
  printf("i386 syscall 17 (break) returned %ld (-ENOSYS is -38)\n", int80(17, 0, 0, 0));
  printf("i386 syscall 1000 returned %ld\n", int80(1000, 0, 0, 0));
  /* the upper half of EAX is ignored: 0x100000014 is getpid */
  printf("RAX 0x100000014 is getpid: %s\n", int80(0x100000014L, 0, 0, 0) == getpid() ? "yes" : "no");

  /* int 0x80 keeps RCX and R11 (syscall would overwrite them) */
  long rcx_after, r11_after;
  __asm__ volatile("mov $0x1234, %%rcx\n\t"
                   "mov $0x5678, %%r11\n\t"
                   "mov $20, %%eax\n\t"
                   "int $0x80\n\t"
                   "mov %%rcx, %0\n\t"
                   "mov %%r11, %1\n\t"
                   : "=r"(rcx_after), "=r"(r11_after)
                   :
                   : "rax", "rcx", "r11", "memory");
  printf("rcx and r11 kept: %s\n", rcx_after == 0x1234 && r11_after == 0x5678 ? "yes" : "no");

  printf("exiting through int 0x80 exit_group(0)\n");
  int80(252, 0, 0, 0);
  return 1;
}
