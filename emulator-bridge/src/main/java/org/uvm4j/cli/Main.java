package org.uvm4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code uvm4j} command line: {@code uvm4j run ... PROGRAM [ARGS...]} and {@code uvm4j
 * --version}. Exit status: the guest's own status, 128+N when signal N killed it, 127 when PROGRAM
 * is missing, 126 when it is not a runnable static x86-64 ELF, 125 for any other failure of uvm4j
 * (bad options included), each failure with one line on stderr.
 */
public final class Main implements Callable<Integer> {
  private final PrintStream err;

  private Main(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    err.println("uvm4j: missing command; try 'uvm4j run PROGRAM' or 'uvm4j --help'");
    return GuestRunner.RunFailure.MACHINE_ERROR;
  }

  /**
   * Runs the CLI and exits the JVM with its status. First of all, before any logger exists, it
   * chooses how Log4j starts ({@link LogStartup}: no configuration work unless logging is asked).
   */
  public static void main(String[] args) {
    if (!LogStartup.choose(args)) {
      // Log4j core starts here, on this thread, before the head start's thread loads classes that
      // make loggers: started there instead, it raced this thread's --log/--log-file set-up, which
      // was then lost now and then (LauncherTest)
      LogManager.getContext(false);
    }
    BackendHeadStart.begin(args);
    int status;
    try {
      status =
          execute(
              args, System.out, System.err, new KernelRunner(System.in, System.out, System.err));
      status =
          AotTraining.alsoOnJna(
              args,
              status,
              a ->
                  execute(
                      a,
                      System.out,
                      System.err,
                      new KernelRunner(System.in, System.out, System.err)));
    } catch (OutOfMemoryError e) {
      status = outOfMemory(System.err, e);
    }
    System.exit(status);
  }

  /**
   * An {@link OutOfMemoryError} that escaped everything (the run could not be bounded): one line
   * and exit 125, never a stack trace. Shutdown hooks (the swap file's) still run.
   */
  static int outOfMemory(PrintStream err, OutOfMemoryError e) {
    err.println(
        "uvm4j: the JVM ran out of memory ("
            + e.getMessage()
            + "); give it more with UVM4J_JAVA_OPTS=-Xmx..., or give the guest less");
    err.flush();
    return GuestRunner.RunFailure.MACHINE_ERROR;
  }

  /** picocli's documented switch for the built-in converters it does not register. */
  static final String CONVERTER_EXCLUDES_PROPERTY = "picocli.converters.excludes";

  /**
   * The built-in converters no option of uvm4j uses (its java.time options bring their own):
   * picocli otherwise finds each of these types and its parse method by reflection for every
   * command line it builds, which loaded the java.sql module and took 7-15 ms of the main thread at
   * every start (docs/benchmarks.md, start-up). Set unless the user set the property; {@code
   * MainTest} checks that every option either has its own converter or a type outside these
   * packages.
   */
  static final String CONVERTER_EXCLUDES = "java\\.sql\\..*,java\\.time\\..*";

  /**
   * Runs the CLI with the given streams and guest runner.
   *
   * @return the exit status
   */
  public static int execute(String[] args, PrintStream out, PrintStream err, GuestRunner runner) {
    if (System.getProperty(CONVERTER_EXCLUDES_PROPERTY) == null) {
      System.setProperty(CONVERTER_EXCLUDES_PROPERTY, CONVERTER_EXCLUDES);
    }
    CommandSpec spec = CommandSpec.wrapWithoutInspection(new Main(err)).name("uvm4j");
    StandardHelpOptions.addTo(spec);
    spec.versionProvider(new VersionProvider());
    spec.usageMessage()
        .description(
            "Runs static x86-64 Linux programs on an emulated CPU with NetBSD's UVM memory.");
    spec.addSubcommand("run", new RunCommand(runner, err).spec());
    CommandLine cli = new CommandLine(spec);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.getSubcommands().get("run").setStopAtPositional(true);
    cli.setExitCodeExceptionMapper(e -> GuestRunner.RunFailure.MACHINE_ERROR);
    cli.setParameterExceptionHandler(
        (ex, argv) -> {
          err.println("uvm4j: " + ex.getMessage());
          return GuestRunner.RunFailure.MACHINE_ERROR;
        });
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          err.println("uvm4j: internal error: " + ex);
          return GuestRunner.RunFailure.MACHINE_ERROR;
        });
    return cli.execute(args);
  }
}
