package org.uvm4j.kernel.syscall;

/**
 * The i386 system calls a 64-bit process may make with {@code int $0x80}, as x86-64 Linux with
 * {@code CONFIG_IA32_EMULATION} runs them: number in EAX from the i386 table ({@code
 * arch/x86/entry/syscalls/syscall_32.tbl}), arguments in EBX, ECX, EDX, ESI, EDI, EBP (32 bits
 * each: pointers reach only the low 4 GiB), result in RAX (sign-extended), every other register
 * kept (RCX and R11 too, unlike {@code syscall}).
 *
 * <p>uvm4j runs a declared subset: the calls whose i386 arguments mean exactly what the x86-64
 * call's arguments mean once widened (integers, 32-bit pointers to byte buffers or to int arrays,
 * structures laid out the same on both ABIs). Each runs the x86-64 handler with the widened
 * arguments. Every other i386 number answers ENOSYS: calls whose structures differ between the ABIs
 * (stat, timespec, sigaction, old_mmap...) would need compat translations uvm4j does not have.
 */
public final class Ia32Syscalls {
  private Ia32Syscalls() {}

  /**
   * One supported i386 call: its x86-64 equivalent and how its arguments widen (bit {@code i} of
   * {@code signedArgs} set: argument {@code i} is a signed {@code long}, sign-extended; else
   * zero-extended).
   */
  public record Call(String name, int ia32, int x64, int signedArgs) {
    /** The x86-64 argument {@code i} for the 32-bit register value {@code reg}. */
    public long arg(int i, long reg) {
      int v = (int) reg;
      return (signedArgs & (1 << i)) != 0 ? v : v & 0xffffffffL;
    }
  }

  private static final Call[] TABLE = new Call[512];

  private static void row(String name, int ia32, int x64) {
    row(name, ia32, x64, 0);
  }

  private static void row(String name, int ia32, int x64, int signedArgs) {
    TABLE[ia32] = new Call(name, ia32, x64, signedArgs);
  }

  static {
    row("exit", 1, 60);
    row("fork", 2, 57);
    row("read", 3, 0);
    row("write", 4, 1);
    row("close", 6, 3);
    row("lseek", 19, 8, 0b010); // off_t is a signed 32-bit long on i386
    row("getpid", 20, 39);
    row("kill", 37, 62);
    row("dup", 41, 32);
    row("pipe", 42, 22);
    row("dup2", 63, 33);
    row("getppid", 64, 110);
    row("munmap", 91, 11);
    row("uname", 122, 63); // struct new_utsname: char arrays only, the same on both ABIs
    row("mprotect", 125, 10);
    row("sched_yield", 158, 24);
    row("getuid32", 199, 102);
    row("getgid32", 200, 104);
    row("geteuid32", 201, 107);
    row("getegid32", 202, 108);
    row("gettid", 224, 186);
    row("exit_group", 252, 231);
  }

  /** The supported call with i386 number {@code nr} (EAX as unsigned), or null (ENOSYS). */
  public static Call lookup(long nr) {
    return nr >= 0 && nr < TABLE.length ? TABLE[(int) nr] : null;
  }

  /** Every supported call, by i386 number (for documentation). */
  public static java.util.List<Call> supported() {
    java.util.List<Call> all = new java.util.ArrayList<>();
    for (Call c : TABLE) {
      if (c != null) {
        all.add(c);
      }
    }
    return all;
  }
}
