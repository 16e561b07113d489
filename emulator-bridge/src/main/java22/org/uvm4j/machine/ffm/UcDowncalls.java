package org.uvm4j.machine.ffm;

import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * libunicorn's C API as FFM downcall handles, one {@code static final} handle per use so that the
 * JIT treats each as a constant and inlines the call. Every argument and result is a 64-bit word
 * ({@link Words}): pointers are passed as {@code long} addresses, {@code int} arguments widened,
 * {@code uc_err} results narrowed by the caller with {@code (int)}; a call boxes and allocates
 * nothing, and calls of the same arity share one linked shape.
 *
 * <p>{@code uc_ctl} and {@code uc_hook_add} are variadic in C: each has one handle declared with
 * {@link java.lang.foreign.Linker.Option#firstVariadicArg} and the most variadic words any call
 * passes (unused ones are 0 and not read). Calls that never run guest code or hooks and return
 * quickly (register and context access) are critical: no thread-state transition.
 *
 * <p>Initialised on first use, which must come after {@link FfmLibrary#get()} succeeded.
 */
final class UcDowncalls {
  private UcDowncalls() {}

  private static final SymbolLookup LIB = FfmLibrary.get().lookup();

  /** {@code uc_open(arch, mode, &uc)}. */
  static final MethodHandle UC_OPEN = plain("uc_open", 3);

  /** {@code uc_close(uc)}. */
  static final MethodHandle UC_CLOSE = plain("uc_close", 1);

  /** {@code uc_strerror(err)}: a pointer to a constant C string. */
  static final MethodHandle UC_STRERROR = plain("uc_strerror", 1);

  /** {@code uc_ctl(uc, control, ...)} with up to two arguments (ints widened, pointers). */
  static final MethodHandle UC_CTL = Words.variadicDowncall(LIB.find("uc_ctl").orElseThrow(), 2, 2);

  /** {@code uc_reg_read(uc, regid, &value)}. */
  static final MethodHandle UC_REG_READ = critical("uc_reg_read", 3);

  /** {@code uc_reg_write(uc, regid, &value)}. */
  static final MethodHandle UC_REG_WRITE = critical("uc_reg_write", 3);

  /** {@code uc_mem_map_ptr(uc, address, size, perms, ptr)}. */
  static final MethodHandle UC_MEM_MAP_PTR = plain("uc_mem_map_ptr", 5);

  /** {@code uc_emu_start(uc, begin, until, timeout, count)}. */
  static final MethodHandle UC_EMU_START = plain("uc_emu_start", 5);

  /** {@code uc_emu_stop(uc)}. */
  static final MethodHandle UC_EMU_STOP = plain("uc_emu_stop", 1);

  /** The address of {@code uc_emu_stop}, for native code that calls it. */
  static final long UC_EMU_STOP_ADDRESS = LIB.find("uc_emu_stop").orElseThrow().address();

  /** {@code uc_mem_unmap(uc, address, size)}. */
  static final MethodHandle UC_MEM_UNMAP = plain("uc_mem_unmap", 3);

  /** {@code uc_context_size(uc)}: a {@code size_t}. */
  static final MethodHandle UC_CONTEXT_SIZE = plain("uc_context_size", 1);

  /**
   * {@code uc_hook_add(uc, &hh, type, callback, user_data, begin, end, ...)} with one variadic
   * word: the instruction of a {@code UC_HOOK_INSN}, 0 and unread for other hook types.
   */
  static final MethodHandle UC_HOOK_ADD =
      Words.variadicDowncall(LIB.find("uc_hook_add").orElseThrow(), 7, 1);

  /** {@code uc_context_alloc(uc, &context)}. */
  static final MethodHandle UC_CONTEXT_ALLOC = plain("uc_context_alloc", 2);

  /** {@code uc_context_save(uc, context)}. */
  static final MethodHandle UC_CONTEXT_SAVE = critical("uc_context_save", 2);

  /** {@code uc_context_restore(uc, context)}. */
  static final MethodHandle UC_CONTEXT_RESTORE = critical("uc_context_restore", 2);

  /** {@code uc_context_reg_read(context, regid, &value)}. */
  static final MethodHandle UC_CONTEXT_REG_READ = critical("uc_context_reg_read", 3);

  /** {@code uc_context_reg_write(context, regid, &value)}. */
  static final MethodHandle UC_CONTEXT_REG_WRITE = critical("uc_context_reg_write", 3);

  /** {@code uc_context_free(context)}. */
  static final MethodHandle UC_CONTEXT_FREE = plain("uc_context_free", 1);

  private static MethodHandle plain(String name, int arity) {
    return Words.downcall(LIB.find(name).orElseThrow(), arity);
  }

  private static MethodHandle critical(String name, int arity) {
    return Words.criticalDowncall(LIB.find(name).orElseThrow(), arity);
  }
}
