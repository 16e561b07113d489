package org.uvm4j.machine.uc;

import org.uvm4j.machine.MachineException;

/**
 * Puts a fresh libunicorn engine into x86-64 user mode (CPL 3), as Linux runs processes, and finds
 * where the engine keeps its "exception in flight" so that a backend can clear it after every
 * exception a hook took. Shared by both bindings; the native calls are theirs ({@link Engine}).
 *
 * <p><b>How.</b> libunicorn starts in long mode at CPL 0, and its register API cannot lower the
 * privilege level (loading SS or CS through it reads descriptors from a GDT and refuses a DPL that
 * differs from the current CPL). So the engine executes one {@code sysretq} from a boot page, with
 * {@code IA32_STAR} set as Linux sets it: CS becomes {@code __USER_CS} (0x33), SS {@code __USER_DS}
 * (0x2b), both DPL 3, RFLAGS Linux's initial 0x202. {@code sysret} loads the segment caches without
 * touching memory. Then privileged instructions ({@code cli}, {@code sti}, {@code hlt}, {@code
 * in}/{@code out} — no TSS, so no I/O bitmap —, {@code rdmsr}/{@code wrmsr}, {@code mov} to or from
 * CRn, {@code lgdt}/{@code lidt}, {@code swapgs}, {@code clts}, {@code invlpg}) raise #GP in the
 * engine, and {@code popf} silently keeps IF and IOPL, as on Linux. {@code syscall} keeps working:
 * libunicorn hands it to the syscall hook without changing privilege.
 *
 * <p><b>The exception in flight</b> ({@code CPUX86State.old_exception}). When a hook takes an
 * exception, libunicorn never marks it delivered, so the next contributory exception (#DE, #GP...)
 * becomes a double fault and the one after that a triple fault, which silently halts the engine
 * (measured on 2.1.4: {@code cli} gives vector 13, a second {@code cli} vector 8, a third ends the
 * run with no hook at all). No register exposes the field, but {@code uc_context_save} copies it:
 * the boot finds its offset in a saved context by raising one #GP (the only 4-byte field that went
 * from -1 to 13), checks the finding by clearing it and raising #GP again (13 again, not 8), and a
 * backend then clears it after every run in which a hook took an exception (save, write -1,
 * restore: ~0.4 µs, only on such runs).
 */
public final class UserModeBoot {
  private UserModeBoot() {}

  /** Linux's {@code __USER_CS} and {@code __USER_DS}. */
  public static final int USER_CS = 0x33;

  public static final int USER_DS = 0x2b;

  /** Linux's initial user RFLAGS: IF and the reserved bit 1; IOPL 0. */
  public static final long USER_RFLAGS = 0x202;

  public static final int MSR_EFER = 0xc0000080;
  public static final int MSR_STAR = 0xc0000081;
  public static final long EFER_SCE = 1;

  /**
   * {@code IA32_STAR} as Linux sets it: sysret's CS base {@code __USER32_CS}, syscall's kernel CS.
   */
  public static final long STAR = (0x23L << 48) | (0x10L << 32);

  /** The boot page's virtual address (answered by the boot fill only while booting). */
  public static final long BOOT_VA = 0x7000;

  /** The boot page's physical address: far above any RAM region; unmapped after the boot. */
  public static final long BOOT_PHYS = 1L << 44;

  /** Where in the boot page {@code cli} is (the privileged instruction that calibrates). */
  private static final int CLI_OFFSET = 0x10;

  /** Where in the boot page {@code cpuid; cli} is ({@link #probeCpuid}). */
  private static final int CPUID_OFFSET = 0x20;

  private static final int GP = 13;
  private static final int DOUBLE_FAULT = 8;

  /**
   * The boot page: {@code sysretq} at 0, {@code cli} at {@link #CLI_OFFSET}, {@code cpuid; cli} at
   * {@link #CPUID_OFFSET}.
   */
  public static byte[] bootCode() {
    byte[] code = new byte[4096];
    code[0] = 0x48;
    code[1] = 0x0f;
    code[2] = 0x07;
    code[CLI_OFFSET] = (byte) 0xfa;
    code[CPUID_OFFSET] = 0x0f;
    code[CPUID_OFFSET + 1] = (byte) 0xa2;
    code[CPUID_OFFSET + 2] = (byte) 0xfa;
    return code;
  }

  /** What the boot needs from a backend; all calls outside hooks, before the first real run. */
  public interface Engine {
    long readMsr(int msr);

    void writeMsr(int msr, long value);

    long readRaw(int regid);

    void writeRaw(int regid, long value);

    /**
     * Runs from {@code begin} (no instruction limit) with the boot fill: the page at {@link
     * #BOOT_VA} maps {@link #BOOT_PHYS} (all permissions), every other fill is refused; an
     * interrupt stops the run.
     *
     * @return the vector the interrupt hook saw, or -1
     */
    int runBoot(long begin);

    /** The bytes of a {@code uc_context} just saved from the engine. */
    byte[] saveState();

    /** Loads {@code state} (bytes of a saved {@code uc_context}) into the engine. */
    void restoreState(byte[] state);
  }

  /**
   * Enters user mode and calibrates; on return the engine is at CPL 3 with RIP, RCX, R11 and RAX
   * zero. The caller maps the boot page ({@link #bootCode()} at {@link #BOOT_PHYS}) before and
   * unmaps it and flushes the TLB and translations after.
   *
   * @return the offset of {@code old_exception} in a saved context's bytes
   * @throws MachineException if the engine does not behave as measured
   */
  public static int enter(Engine e) {
    e.writeMsr(MSR_EFER, e.readMsr(MSR_EFER) | EFER_SCE);
    e.writeMsr(MSR_STAR, STAR);
    e.writeRaw(Uc.UC_X86_REG_RCX, BOOT_VA + CLI_OFFSET);
    e.writeRaw(Uc.UC_X86_REG_R11, USER_RFLAGS);
    byte[] before = e.saveState();
    int vector = e.runBoot(BOOT_VA); // sysretq, then cli at CPL 3
    long cs = e.readRaw(Uc.UC_X86_REG_CS) & 0xffff;
    long ss = e.readRaw(Uc.UC_X86_REG_SS) & 0xffff;
    if (cs != USER_CS || ss != USER_DS || vector != GP) {
      throw new MachineException(
          "libunicorn did not enter user mode as measured: CS 0x"
              + Long.toHexString(cs)
              + ", SS 0x"
              + Long.toHexString(ss)
              + ", cli at CPL 3 gave vector "
              + vector
              + " (expected 0x33, 0x2b, 13)");
    }
    byte[] after = e.saveState();
    int offset = findOldException(before, after, GP);
    if (offset < 0) {
      throw new MachineException(
          "cannot find the exception in flight in libunicorn's CPU context (" + after.length + ")");
    }
    // check: cleared, a second #GP is a #GP again (not a double fault) and is found there again
    clear(after, offset);
    e.restoreState(after);
    int again = e.runBoot(BOOT_VA + CLI_OFFSET);
    byte[] third = e.saveState();
    if (again != GP || intAt(third, offset) != GP) {
      throw new MachineException(
          "clearing libunicorn's exception in flight did not work: vector "
              + again
              + (again == DOUBLE_FAULT ? " (double fault)" : ""));
    }
    clear(third, offset);
    e.restoreState(third);
    e.writeRaw(Uc.UC_X86_REG_RIP, 0);
    e.writeRaw(Uc.UC_X86_REG_RCX, 0);
    e.writeRaw(Uc.UC_X86_REG_R11, 0);
    e.writeRaw(Uc.UC_X86_REG_RFLAGS, USER_RFLAGS);
    return offset;
  }

  /**
   * Asks the engine's CPU itself for {@code cpuid} leaves 0 and 1 (what every guest's {@code cpuid}
   * will see), by running {@code cpuid; cli} from the boot page at CPL 3: the {@code cli} ends the
   * run with #GP, whose exception in flight is then cleared as {@link #enter} does. Called after
   * {@link #enter}, with the boot page still mapped; leaves RIP, RAX, RBX, RCX, RDX and RFLAGS as
   * {@link #enter} leaves them.
   *
   * @param oldExceptionOffset what {@link #enter} returned
   * @throws MachineException if the run does not end as measured
   */
  public static org.uvm4j.machine.CpuId probeCpuid(Engine e, int oldExceptionOffset) {
    long[] leaf0 = cpuid(e, oldExceptionOffset, 0);
    long[] leaf1 = cpuid(e, oldExceptionOffset, 1);
    e.writeRaw(Uc.UC_X86_REG_RIP, 0);
    e.writeRaw(Uc.UC_X86_REG_RAX, 0);
    e.writeRaw(Uc.UC_X86_REG_RBX, 0);
    e.writeRaw(Uc.UC_X86_REG_RCX, 0);
    e.writeRaw(Uc.UC_X86_REG_RDX, 0);
    e.writeRaw(Uc.UC_X86_REG_RFLAGS, USER_RFLAGS);
    return new org.uvm4j.machine.CpuId(
        org.uvm4j.machine.CpuId.vendorOf((int) leaf0[1], (int) leaf0[3], (int) leaf0[2]),
        (int) leaf0[0],
        (int) leaf1[0],
        (int) leaf1[1],
        (int) leaf1[2],
        (int) leaf1[3]);
  }

  /** EAX, EBX, ECX, EDX after {@code cpuid} with EAX = {@code leaf}, ECX = 0. */
  private static long[] cpuid(Engine e, int offset, int leaf) {
    e.writeRaw(Uc.UC_X86_REG_RAX, leaf);
    e.writeRaw(Uc.UC_X86_REG_RCX, 0);
    int vector = e.runBoot(BOOT_VA + CPUID_OFFSET);
    long[] r = {
      e.readRaw(Uc.UC_X86_REG_RAX) & 0xffff_ffffL,
      e.readRaw(Uc.UC_X86_REG_RBX) & 0xffff_ffffL,
      e.readRaw(Uc.UC_X86_REG_RCX) & 0xffff_ffffL,
      e.readRaw(Uc.UC_X86_REG_RDX) & 0xffff_ffffL
    };
    byte[] state = e.saveState();
    if (vector != GP || intAt(state, offset) != GP) {
      throw new MachineException(
          "libunicorn's cpuid probe did not end at the cli as measured: vector " + vector);
    }
    clear(state, offset);
    e.restoreState(state);
    return r;
  }

  /**
   * The one 4-byte-aligned offset whose int went from -1 (nothing in flight) to {@code vector}, or
   * -1 if there is none or more than one.
   */
  static int findOldException(byte[] before, byte[] after, int vector) {
    int found = -1;
    int n = Math.min(before.length, after.length) & ~3;
    for (int i = 0; i < n; i += 4) {
      if (intAt(before, i) == -1 && intAt(after, i) == vector) {
        if (found >= 0) {
          return -1;
        }
        found = i;
      }
    }
    return found;
  }

  /** The little-endian int at {@code off}. */
  static int intAt(byte[] b, int off) {
    return (b[off] & 0xff)
        | (b[off + 1] & 0xff) << 8
        | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }

  private static void clear(byte[] b, int off) {
    for (int i = 0; i < 4; i++) {
      b[off + i] = (byte) 0xff;
    }
  }
}
