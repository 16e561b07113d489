package org.uvm4j.machine.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * The hooks every {@link FfmBackend} engine installs, each as the name of the backend's method that
 * serves it and the C signature libunicorn calls it with ({@code uc.h}'s hook callback types). The
 * one list both the engine ({@code FfmBackend}'s constructor) and {@link FfmPreparation} use, so
 * that what is prepared is exactly what an engine links.
 *
 * <p>Every hook is linked in the {@link Words} shape of its arity: each argument and the result is
 * a 64-bit word, so the Java method narrows its {@code int} arguments with {@code (int)} and
 * returns a {@code bool}, an {@code int} or nothing as a word (0 for {@code void}, which the caller
 * does not read); hooks of one arity share one stub shape.
 */
enum Upcall {
  /** {@code uc_cb_tlbevent_t}: {@code bool (uc, vaddr, type, uc_tlb_entry *, user_data)}. */
  TLB_FILL("tlbFillUpcall", 5),
  /** {@code uc_cb_insn_syscall_t}: {@code void (uc, user_data)}. */
  SYSCALL("syscallUpcall", 2),
  /** {@code uc_cb_hookintr_t}: {@code void (uc, uint32_t intno, user_data)}. */
  INTERRUPT("interruptUpcall", 3),
  /** {@code uc_cb_hookinsn_invalid_t}: {@code bool (uc, user_data)}. */
  INVALID_INSN("invalidInsnUpcall", 2),
  /**
   * {@code uc_cb_insn_cpuid_t}, which libunicorn also calls for RDTSC: {@code int (uc, user_data)}.
   */
  RDTSC("rdtscUpcall", 2),
  /** The same shape for RDTSCP. */
  RDTSCP("rdtscpUpcall", 2),
  /** {@code uc_cb_insn_in_t}: {@code uint32_t (uc, uint32_t port, int size, user_data)}. */
  IN("inUpcall", 4),
  /**
   * {@code uc_cb_insn_out_t}: {@code void (uc, uint32_t port, int size, uint32_t value,
   * user_data)}.
   */
  OUT("outUpcall", 5);

  private final String method;
  private final int arity;

  Upcall(String method, int arity) {
    this.method = method;
    this.arity = arity;
  }

  /** The {@link FfmBackend} instance method that serves the hook. */
  String method() {
    return method;
  }

  /** That method's type: {@code long (long × arity)}. */
  MethodType type() {
    Class<?>[] words = new Class<?>[arity];
    Arrays.fill(words, long.class);
    return MethodType.methodType(long.class, words);
  }

  /** The shape the hook is linked in ({@link Words#shape}). */
  FunctionDescriptor descriptor() {
    return Words.shape(arity);
  }
}
