package org.uvm4j.api.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.machine.backend.BackendKind;

/**
 * Marks a test class or method that runs guests: registers {@link Uvm4jExtension}, and says how the
 * {@link Uvm4jRunner} it hands the test configures each run. A method's annotation overrides its
 * class's.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(Uvm4jExtension.class)
public @interface Uvm4jTest {
  /** Emulated RAM of each run, in bytes (a whole number of 4 KiB pages). */
  long ram() default KernelConfig.DEFAULT_RAM;

  /** The libunicorn binding of each run (a test may still choose another per run). */
  BackendKind backend() default BackendKind.AUTO;

  /**
   * How many of the last trace records of each run are kept to attach to a failure of the test (0:
   * no tracing, and nothing attached).
   */
  int failureTrace() default 64;
}
