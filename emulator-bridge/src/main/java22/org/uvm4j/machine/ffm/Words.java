package org.uvm4j.machine.ffm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * The few C call shapes the FFM binding links: every argument and every result is one 64-bit
 * integer word, whatever its C type ({@code int}, {@code bool}, {@code uint64_t} or a pointer), so
 * that downcalls and upcalls of the same arity share one shape.
 *
 * <p>Why: the linker generates and loads classes for each distinct {@link FunctionDescriptor} the
 * first time it links one (a method-handle adaptation chain and a stub, then the JIT's work on
 * both). With a descriptor per C signature the binding linked 18 downcall and 7 upcall shapes at
 * every start; with words it links 8 and 4, and an idle {@code hello} loads 130 generated classes
 * instead of 269 (docs/benchmarks.md, "Fewer call shapes", has the CPU and wall times).
 *
 * <p>Why it is correct: every platform uvm4j's FFM binding runs on passes integer and pointer
 * arguments and results in 64-bit registers (x86-64 System V, AArch64 AAPCS64), where
 *
 * <ul>
 *   <li>a 32-bit or 8-bit argument occupies its whole register or stack slot, whose upper bits the
 *       callee must ignore: passing an {@code int} as a sign-extended {@code long} is what a C
 *       caller may do anyway;
 *   <li>a 32-bit or 8-bit result leaves the upper bits of the result register undefined: the Java
 *       side narrows with {@code (int)} or tests {@code != 0} for a {@code bool}, never reading
 *       them;
 *   <li>an upcall stub declared with more arguments than libunicorn passes reads registers the
 *       caller did not set, and its Java method ignores them.
 * </ul>
 *
 * Variadic C functions ({@code uc_ctl}, {@code uc_hook_add}) keep {@link
 * Linker.Option#firstVariadicArg} (the caller must say how many vector registers it used) and are
 * declared with the most variadic words any call passes: a variadic callee reads only the ones its
 * other arguments ask for, as C allows. Floating-point or struct arguments would need their own
 * descriptors; libunicorn's calls used here have none.
 */
final class Words {
  private Words() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final Linker.Option CRITICAL = Linker.Option.critical(false);

  /** {@code word f(word × arity)}. */
  static FunctionDescriptor shape(int arity) {
    MemoryLayout[] args = new MemoryLayout[arity];
    Arrays.fill(args, JAVA_LONG);
    return FunctionDescriptor.of(JAVA_LONG, args);
  }

  /** A downcall of {@code function} with {@code arity} words. */
  static MethodHandle downcall(MemorySegment function, int arity) {
    return LINKER.downcallHandle(function, shape(arity));
  }

  /**
   * The same for a call that never runs guest code or hooks and returns quickly (register and
   * context access): {@link Linker.Option#critical critical}, no thread-state transition.
   */
  static MethodHandle criticalDowncall(MemorySegment function, int arity) {
    return LINKER.downcallHandle(function, shape(arity), CRITICAL);
  }

  /** A downcall of a variadic function with {@code fixed} fixed and {@code variadic} words. */
  static MethodHandle variadicDowncall(MemorySegment function, int fixed, int variadic) {
    return LINKER.downcallHandle(
        function, shape(fixed + variadic), Linker.Option.firstVariadicArg(fixed));
  }
}
