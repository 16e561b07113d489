package org.uvm4j.api.junit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.Uvm4j;
import org.uvm4j.uvm.trace.JsonlSink;
import org.uvm4j.uvm.trace.TraceRecord;

/**
 * The JUnit 5 extension behind {@link Uvm4jTest}:
 *
 * <ul>
 *   <li>skips (disables) the tests, with one message saying why, when no guest can run in this JVM
 *       on the configured binding (libunicorn missing or too old);
 *   <li>resolves a {@link Uvm4jRunner} parameter: a fresh one per test invocation;
 *   <li>after each test, fails it when the system audit after any of its guest runs found a problem
 *       (each problem listed, with the run's status);
 *   <li>when a test fails, attaches the last trace records of its last run to the failure (as a
 *       suppressed exception holding JSONL lines, the format of {@code --trace}).
 * </ul>
 */
public final class Uvm4jExtension
    implements ExecutionCondition,
        ParameterResolver,
        AfterEachCallback,
        TestExecutionExceptionHandler {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(Uvm4jExtension.class);

  /** Why no guest can run, probed once per binding per test run ("" when one can). */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Uvm4jTest config = config(context);
    String why =
        context
            .getRoot()
            .getStore(NS)
            .getOrComputeIfAbsent(
                "engine " + config.backend(),
                k -> {
                  String r = Uvm4j.unavailableReason(config.backend());
                  return r == null ? "" : r;
                },
                String.class);
    return why.isEmpty()
        ? ConditionEvaluationResult.enabled("a guest can run here")
        : ConditionEvaluationResult.disabled("uvm4j: no guest can run here: " + why);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Uvm4jRunner.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    return context
        .getStore(NS)
        .getOrComputeIfAbsent(
            Uvm4jRunner.class, k -> new Uvm4jRunner(config(context)), Uvm4jRunner.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Uvm4jRunner runner = context.getStore(NS).get(Uvm4jRunner.class, Uvm4jRunner.class);
    if (runner == null) {
      return;
    }
    List<String> failures = new ArrayList<>();
    List<GuestResult> results = runner.results();
    for (int i = 0; i < results.size(); i++) {
      GuestResult r = results.get(i);
      if (!r.auditProblems().isEmpty()) {
        failures.add(
            "run "
                + (i + 1)
                + " (status "
                + r.status()
                + "): "
                + r.auditProblems().size()
                + " problem(s):\n  "
                + String.join("\n  ", r.auditProblems()));
      }
    }
    if (!failures.isEmpty()) {
      AssertionError e =
          new AssertionError("system audit after the guest runs:\n" + String.join("\n", failures));
      attachTrace(e, results.get(results.size() - 1));
      throw e;
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable thrown)
      throws Throwable {
    Uvm4jRunner runner = context.getStore(NS).get(Uvm4jRunner.class, Uvm4jRunner.class);
    if (runner != null && !runner.results().isEmpty()) {
      List<GuestResult> results = runner.results();
      attachTrace(thrown, results.get(results.size() - 1));
    }
    throw thrown;
  }

  /** Adds the run's kept trace records to {@code failure}, if it kept any. */
  private static void attachTrace(Throwable failure, GuestResult run) {
    if (!run.traced() || run.trace().isEmpty()) {
      return;
    }
    failure.addSuppressed(new GuestTrace(run));
  }

  /** The test's {@link Uvm4jTest}: its method's, else its class's (or an enclosing class's). */
  static Uvm4jTest config(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context);
        c.isPresent();
        c = c.get().getParent()) {
      Optional<AnnotatedElement> element = c.get().getElement();
      if (element.isPresent()) {
        Optional<Uvm4jTest> found =
            AnnotationSupport.findAnnotation(element.get(), Uvm4jTest.class);
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    return Defaults.class.getAnnotation(Uvm4jTest.class);
  }

  /** Carries the defaults of {@link Uvm4jTest} for {@code @ExtendWith(Uvm4jExtension.class)}. */
  @Uvm4jTest
  private static final class Defaults {}

  /** The last trace records of a guest run, attached to a test's failure. */
  static final class GuestTrace extends Exception {
    private static final long serialVersionUID = 1L;

    GuestTrace(GuestResult run) {
      super(describe(run), null, false, false);
    }

    private static String describe(GuestResult run) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (JsonlSink sink = new JsonlSink(b)) {
        for (TraceRecord r : run.trace()) {
          sink.write(r);
        }
      } catch (IOException e) {
        return "the trace could not be written: " + e;
      }
      return "the last "
          + run.trace().size()
          + " trace records of the last guest run (status "
          + run.status()
          + (run.traceDropped() > 0 ? ", " + run.traceDropped() + " earlier ones dropped" : "")
          + "):\n"
          + b.toString(StandardCharsets.UTF_8);
    }
  }
}
