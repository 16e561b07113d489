package org.uvm4j.machine.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodType;

/**
 * The hooks every {@link FfmBackend} engine installs, each as the name and Java type of the
 * backend's method that serves it and the C signature libunicorn calls it with ({@code uc.h}'s hook
 * callback types). The one list both the engine ({@code FfmBackend}'s constructor) and {@link
 * FfmPreparation} use, so that what is prepared is exactly what an engine links.
 */
enum Upcall {
  /** {@code uc_cb_tlbevent_t}: {@code bool (uc, vaddr, type, uc_tlb_entry *, user_data)}. */
  TLB_FILL(
      "tlbFillUpcall",
      MethodType.methodType(
          boolean.class, long.class, long.class, int.class, long.class, long.class),
      FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG)),
  /** {@code uc_cb_insn_syscall_t}: {@code void (uc, user_data)}. */
  SYSCALL(
      "syscallUpcall",
      MethodType.methodType(void.class, long.class, long.class),
      FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG)),
  /** {@code uc_cb_hookintr_t}: {@code void (uc, intno, user_data)}. */
  INTERRUPT(
      "interruptUpcall",
      MethodType.methodType(void.class, long.class, int.class, long.class),
      FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_LONG)),
  /** {@code uc_cb_hookinsn_invalid_t}: {@code bool (uc, user_data)}. */
  INVALID_INSN(
      "invalidInsnUpcall",
      MethodType.methodType(boolean.class, long.class, long.class),
      FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_LONG, JAVA_LONG)),
  /**
   * {@code uc_cb_insn_cpuid_t}, which libunicorn also calls for RDTSC: {@code int (uc, user_data)}.
   */
  RDTSC(
      "rdtscUpcall",
      MethodType.methodType(int.class, long.class, long.class),
      FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG)),
  /** The same shape for RDTSCP. */
  RDTSCP(
      "rdtscpUpcall",
      MethodType.methodType(int.class, long.class, long.class),
      FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG)),
  /** {@code uc_cb_insn_in_t}: {@code uint32_t (uc, port, size, user_data)}. */
  IN(
      "inUpcall",
      MethodType.methodType(int.class, long.class, int.class, int.class, long.class),
      FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG)),
  /** {@code uc_cb_insn_out_t}: {@code void (uc, port, size, value, user_data)}. */
  OUT(
      "outUpcall",
      MethodType.methodType(void.class, long.class, int.class, int.class, int.class, long.class),
      FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));

  private final String method;
  private final MethodType type;
  private final FunctionDescriptor descriptor;

  Upcall(String method, MethodType type, FunctionDescriptor descriptor) {
    this.method = method;
    this.type = type;
    this.descriptor = descriptor;
  }

  /** The {@link FfmBackend} instance method that serves the hook. */
  String method() {
    return method;
  }

  /** That method's type. */
  MethodType type() {
    return type;
  }

  /** The C signature libunicorn calls the hook with. */
  FunctionDescriptor descriptor() {
    return descriptor;
  }
}
