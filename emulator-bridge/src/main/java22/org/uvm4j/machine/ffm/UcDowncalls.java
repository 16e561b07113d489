package org.uvm4j.machine.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * libunicorn's C API as FFM downcall handles, one {@code static final} handle per use so that the
 * JIT treats each as a constant and inlines the call. Pointers are passed as {@code long} addresses
 * (x86-64 passes both in integer registers), so a call boxes and allocates nothing.
 *
 * <p>{@code uc_ctl} and {@code uc_hook_add} are variadic in C: each arity used gets its own handle
 * declared with {@link Linker.Option#firstVariadicArg}, which is how the FFM API calls variadic
 * functions correctly. Calls that never run guest code or hooks and return quickly (register and
 * context access) are {@link Linker.Option#critical critical}: no thread-state transition.
 *
 * <p>Initialised on first use, which must come after {@link FfmLibrary#get()} succeeded.
 */
final class UcDowncalls {
  private UcDowncalls() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIB = FfmLibrary.get().lookup();
  private static final Linker.Option CRITICAL = Linker.Option.critical(false);

  static final MethodHandle UC_OPEN = h("uc_open", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);
  static final MethodHandle UC_CLOSE = h("uc_close", JAVA_INT, JAVA_LONG);
  static final MethodHandle UC_STRERROR =
      LINKER.downcallHandle(
          LIB.find("uc_strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

  /** {@code uc_ctl(uc, control)}. */
  static final MethodHandle UC_CTL_0 = variadic("uc_ctl", 2, JAVA_INT, JAVA_LONG, JAVA_INT);

  /** {@code uc_ctl(uc, control, int)}. */
  static final MethodHandle UC_CTL_INT =
      variadic("uc_ctl", 2, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT);

  /** {@code uc_ctl(uc, control, uint64_t or pointer)}. */
  static final MethodHandle UC_CTL_LONG =
      variadic("uc_ctl", 2, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG);

  /** {@code uc_ctl(uc, control, uint64_t, uint64_t)}. */
  static final MethodHandle UC_CTL_LONG_LONG =
      variadic("uc_ctl", 2, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);

  static final MethodHandle UC_REG_READ =
      critical("uc_reg_read", JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG);
  static final MethodHandle UC_REG_WRITE =
      critical("uc_reg_write", JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG);
  static final MethodHandle UC_MEM_MAP_PTR =
      h("uc_mem_map_ptr", JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG);
  static final MethodHandle UC_EMU_START =
      h("uc_emu_start", JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
  static final MethodHandle UC_EMU_STOP = h("uc_emu_stop", JAVA_INT, JAVA_LONG);

  /** The address of {@code uc_emu_stop}, for native code that calls it. */
  static final long UC_EMU_STOP_ADDRESS = LIB.find("uc_emu_stop").orElseThrow().address();

  static final MethodHandle UC_MEM_UNMAP =
      h("uc_mem_unmap", JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG);
  static final MethodHandle UC_CONTEXT_SIZE = h("uc_context_size", JAVA_LONG, JAVA_LONG);

  /** {@code uc_hook_add(uc, &hh, type, callback, user_data, begin, end)}. */
  static final MethodHandle UC_HOOK_ADD =
      variadic(
          "uc_hook_add",
          7,
          JAVA_INT,
          JAVA_LONG,
          JAVA_LONG,
          JAVA_INT,
          JAVA_LONG,
          JAVA_LONG,
          JAVA_LONG,
          JAVA_LONG);

  /** {@code uc_hook_add(uc, &hh, type, callback, user_data, begin, end, int)} (UC_HOOK_INSN). */
  static final MethodHandle UC_HOOK_ADD_INT =
      variadic(
          "uc_hook_add",
          7,
          JAVA_INT,
          JAVA_LONG,
          JAVA_LONG,
          JAVA_INT,
          JAVA_LONG,
          JAVA_LONG,
          JAVA_LONG,
          JAVA_LONG,
          JAVA_INT);

  static final MethodHandle UC_CONTEXT_ALLOC =
      h("uc_context_alloc", JAVA_INT, JAVA_LONG, JAVA_LONG);
  static final MethodHandle UC_CONTEXT_SAVE =
      critical("uc_context_save", JAVA_INT, JAVA_LONG, JAVA_LONG);
  static final MethodHandle UC_CONTEXT_RESTORE =
      critical("uc_context_restore", JAVA_INT, JAVA_LONG, JAVA_LONG);
  static final MethodHandle UC_CONTEXT_REG_READ =
      critical("uc_context_reg_read", JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG);
  static final MethodHandle UC_CONTEXT_REG_WRITE =
      critical("uc_context_reg_write", JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG);
  static final MethodHandle UC_CONTEXT_FREE = h("uc_context_free", JAVA_INT, JAVA_LONG);

  private static MethodHandle h(
      String name, java.lang.foreign.MemoryLayout result, java.lang.foreign.MemoryLayout... args) {
    return LINKER.downcallHandle(LIB.find(name).orElseThrow(), FunctionDescriptor.of(result, args));
  }

  private static MethodHandle critical(
      String name, java.lang.foreign.MemoryLayout result, java.lang.foreign.MemoryLayout... args) {
    return LINKER.downcallHandle(
        LIB.find(name).orElseThrow(), FunctionDescriptor.of(result, args), CRITICAL);
  }

  private static MethodHandle variadic(
      String name,
      int firstVariadic,
      java.lang.foreign.MemoryLayout result,
      java.lang.foreign.MemoryLayout... args) {
    return LINKER.downcallHandle(
        LIB.find(name).orElseThrow(),
        FunctionDescriptor.of(result, args),
        Linker.Option.firstVariadicArg(firstVariadic));
  }
}
