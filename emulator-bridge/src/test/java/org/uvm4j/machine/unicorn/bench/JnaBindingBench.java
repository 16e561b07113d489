package org.uvm4j.machine.unicorn.bench;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.uvm4j.machine.unicorn.UnicornLibrary;

/**
 * JNA interface mapping against direct mapping ({@code Native.register}) on the same libunicorn, in
 * one run: a register read, and a TLB-fill callback (the direct binding's callback uses JNA's
 * unboxed path, the interface binding's boxes its arguments). Each engine runs the same guest loop
 * touching {@link #PAGES} pages after a TLB flush, so every page costs one callback.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JnaBindingBench {
  static final int PAGES = 256;
  static final int REG_RIP = 41;
  static final int CTL_TLB_TYPE = 12 | (1 << 26) | (1 << 30);
  static final int CTL_TLB_FLUSH = 11 | (1 << 30);
  static final int HOOK_TLB_FILL = 1 << 17;

  /** libunicorn through interface mapping (varargs where C has them). */
  public interface UcLib extends Library {
    int uc_open(int arch, int mode, Pointer out);

    int uc_close(Pointer uc);

    int uc_ctl(Pointer uc, int control, Object... args);

    int uc_reg_read(Pointer uc, int regid, Pointer value);

    int uc_mem_map_ptr(Pointer uc, long address, long size, int perms, Pointer ptr);

    int uc_emu_start(Pointer uc, long begin, long until, long timeout, long count);

    int uc_hook_add(
        Pointer uc, Pointer hh, int type, Callback cb, Pointer user, long begin, long end);
  }

  /** The same functions through direct mapping. */
  public static final class UcDirect {
    static native int uc_reg_read(long uc, int regid, long value);

    static native int uc_emu_start(long uc, long begin, long until, long timeout, long count);

    static native int uc_hook_add(
        long uc, long hh, int type, Callback cb, long user, long begin, long end);

    static native int uc_ctl(long uc, int control);
  }

  /** A fill callback with primitive arguments (direct path when passed to a direct method). */
  public interface FillPrimitive extends Callback {
    boolean invoke(long uc, long vaddr, int type, long result, long user);
  }

  /** A fill callback as interface mapping users usually write it, with Pointer arguments. */
  public interface FillPointer extends Callback {
    boolean invoke(Pointer uc, long vaddr, int type, Pointer result, Pointer user);
  }

  UcLib lib;
  Pointer ucIface;
  Pointer ucDirect;
  long ucDirectPeer;
  ByteBuffer ramIface;
  ByteBuffer ramDirect;
  final Memory scratch = new Memory(16);
  final Pointer entry = new Pointer(0);
  final FillPrimitive directFill =
      (uc, vaddr, type, result, user) -> {
        Pointer.nativeValue(entry, result);
        entry.setLong(0, vaddr < 0x400000 ? 0x1000 : 0x2000 + ((vaddr >>> 12) & 0xff) * 0x1000);
        entry.setInt(8, 7);
        return true;
      };
  final FillPointer ifaceFill =
      (uc, vaddr, type, result, user) -> {
        result.setLong(0, vaddr < 0x400000 ? 0x1000 : 0x2000 + ((vaddr >>> 12) & 0xff) * 0x1000);
        result.setInt(8, 7);
        return true;
      };

  @Setup(Level.Trial)
  public void setUp() {
    String path = UnicornLibrary.get().path();
    lib = Native.load(path, UcLib.class);
    Native.register(UcDirect.class, path);
    ucIface = open(false);
    ucDirect = open(true);
    ucDirectPeer = Pointer.nativeValue(ucDirect);
  }

  private Pointer open(boolean direct) {
    Memory out = new Memory(8);
    check(lib.uc_open(4, 8, out));
    Pointer uc = out.getPointer(0);
    check(lib.uc_ctl(uc, CTL_TLB_TYPE, 1));
    ByteBuffer ram = ByteBuffer.allocateDirect(300 * 4096 + 4096).alignedSlice(4096);
    ram.limit(300 * 4096);
    ram = ram.slice();
    // at 0x1000 (virtual 0x1000): mov rbx, 0x400000 ; mov ecx, PAGES ; loop: mov [rbx], eax ;
    // add rbx, 4096 ; dec ecx ; jnz loop ; hlt
    byte[] code = {
      0x48,
      (byte) 0xbb,
      0,
      0,
      0x40,
      0,
      0,
      0,
      0,
      0,
      (byte) 0xb9,
      (byte) PAGES,
      (byte) (PAGES >> 8),
      0,
      0,
      (byte) 0x89,
      0x03,
      0x48,
      (byte) 0x81,
      (byte) 0xc3,
      0,
      0x10,
      0,
      0,
      (byte) 0xff,
      (byte) 0xc9,
      0x75,
      (byte) 0xf3,
      (byte) 0xf4
    };
    ram.put(0x1000, code);
    check(lib.uc_mem_map_ptr(uc, 0, ram.capacity(), 7, Native.getDirectBufferPointer(ram)));
    if (direct) {
      check(
          UcDirect.uc_hook_add(
              Pointer.nativeValue(uc),
              Pointer.nativeValue(scratch),
              HOOK_TLB_FILL,
              directFill,
              0,
              1,
              0));
      ramDirect = ram;
    } else {
      check(lib.uc_hook_add(uc, scratch, HOOK_TLB_FILL, ifaceFill, null, 1, 0));
      ramIface = ram;
    }
    return uc;
  }

  private static void check(int err) {
    if (err != 0) {
      throw new IllegalStateException("uc error " + err);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lib.uc_close(ucIface);
    lib.uc_close(ucDirect);
  }

  @Benchmark
  public long regReadInterface() {
    lib.uc_reg_read(ucIface, REG_RIP, scratch);
    return scratch.getLong(0);
  }

  @Benchmark
  public long regReadDirect() {
    UcDirect.uc_reg_read(ucDirectPeer, REG_RIP, Pointer.nativeValue(scratch));
    return scratch.getLong(0);
  }

  @Benchmark
  @OperationsPerInvocation(PAGES)
  public void fillCallbackInterface() {
    check(lib.uc_ctl(ucIface, CTL_TLB_FLUSH));
    check(lib.uc_emu_start(ucIface, 0x1000, 0, 0, 10_000));
  }

  @Benchmark
  @OperationsPerInvocation(PAGES)
  public void fillCallbackDirect() {
    check(UcDirect.uc_ctl(ucDirectPeer, CTL_TLB_FLUSH));
    check(UcDirect.uc_emu_start(ucDirectPeer, 0x1000, 0, 0, 10_000));
  }

  @Benchmark
  public void tlbFlushDirect() {
    check(UcDirect.uc_ctl(ucDirectPeer, CTL_TLB_FLUSH));
  }

  @Benchmark
  public void tlbFlushInterfaceVarargs() {
    check(lib.uc_ctl(ucIface, CTL_TLB_FLUSH));
  }
}
