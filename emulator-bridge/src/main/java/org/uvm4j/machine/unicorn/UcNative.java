package org.uvm4j.machine.unicorn;

import com.sun.jna.Callback;

/**
 * libunicorn's C API through JNA direct mapping ({@code Native.register}): static natives with
 * primitive arguments, so the hot calls (registers, {@code uc_emu_start}, context switches) neither
 * box nor allocate, and the callbacks passed to {@code uc_hook_add} use JNA's direct (unboxed)
 * callback path. Pointers are plain {@code long} addresses.
 *
 * <p>{@code uc_ctl} and {@code uc_hook_add} are variadic in C. They are declared here with fixed
 * arities (overloads), one per use: on x86-64 System V, variadic and fixed calls pass integer
 * arguments identically, and libffi sets {@code %al} (the vector-register count a variadic callee
 * reads) on every call. The tests exercise every arity.
 *
 * <p>Registered by {@link UnicornLibrary} after the version check; never call before that.
 */
final class UcNative {
  private UcNative() {}

  /** A TLB-fill hook: {@code bool (*)(uc_engine*, uint64_t, uc_mem_type, uc_tlb_entry*, void*)}. */
  interface TlbFillCallback extends Callback {
    boolean invoke(long uc, long vaddr, int type, long result, long userData);
  }

  /** The x86 {@code syscall} instruction hook: {@code void (*)(uc_engine*, void*)}. */
  interface SyscallCallback extends Callback {
    void invoke(long uc, long userData);
  }

  /** An interrupt hook: {@code void (*)(uc_engine*, uint32_t intno, void*)}. */
  interface InterruptCallback extends Callback {
    void invoke(long uc, int intno, long userData);
  }

  /** An invalid-instruction hook: {@code bool (*)(uc_engine*, void*)}. */
  interface InvalidInsnCallback extends Callback {
    boolean invoke(long uc, long userData);
  }

  /**
   * The x86 {@code rdtsc}/{@code rdtscp} instruction hook: {@code uint32_t (*)(uc_engine*, void*)};
   * nonzero skips the instruction's own result.
   */
  interface TscCallback extends Callback {
    int invoke(long uc, long userData);
  }

  /** The x86 {@code in} hook: {@code uint32_t (*)(uc_engine*, uint32_t port, int size, void*)}. */
  interface InCallback extends Callback {
    int invoke(long uc, int port, int size, long userData);
  }

  /** The x86 {@code out} hook: {@code void (*)(uc_engine*, uint32_t, int, uint32_t, void*)}. */
  interface OutCallback extends Callback {
    void invoke(long uc, int port, int size, int value, long userData);
  }

  static native int uc_version(long major, long minor);

  static native int uc_open(int arch, int mode, long engineOut);

  static native int uc_close(long uc);

  static native int uc_errno(long uc);

  static native long uc_strerror(int code);

  static native int uc_ctl(long uc, int control);

  static native int uc_ctl(long uc, int control, long arg1);

  static native int uc_ctl(long uc, int control, long arg1, long arg2);

  static native int uc_reg_read(long uc, int regid, long value);

  static native int uc_reg_write(long uc, int regid, long value);

  static native int uc_mem_map_ptr(long uc, long address, long size, int perms, long ptr);

  static native int uc_mem_unmap(long uc, long address, long size);

  static native long uc_context_size(long uc);

  static native int uc_emu_start(long uc, long begin, long until, long timeout, long count);

  static native int uc_emu_stop(long uc);

  static native int uc_hook_add(
      long uc, long hookOut, int type, Callback cb, long userData, long begin, long end);

  static native int uc_hook_add(
      long uc, long hookOut, int type, Callback cb, long userData, long begin, long end, int arg);

  /** A hook whose callback is native code at {@code callback} (no upcall). */
  static native int uc_hook_add(
      long uc, long hookOut, int type, long callback, long userData, long begin, long end);

  static native int uc_hook_del(long uc, long hook);

  static native int uc_context_alloc(long uc, long contextOut);

  static native int uc_context_save(long uc, long context);

  static native int uc_context_restore(long uc, long context);

  static native int uc_context_reg_read(long context, int regid, long value);

  static native int uc_context_reg_write(long context, int regid, long value);

  static native int uc_context_free(long context);
}
