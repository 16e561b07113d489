package org.uvm4j.kernel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.audit.SystemAudit;

/** Runs a guest program from guest-programs/build on a fresh kernel and captures its output. */
final class GuestHarness {
  static final Path BUILD = Path.of("../guest-programs/build").toAbsolutePath().normalize();

  record Result(int status, String out, String err, Kernel kernel) {}

  private GuestHarness() {}

  static Path guest(String name) {
    Path p = BUILD.resolve(name);
    Assumptions.assumeTrue(Files.isExecutable(p), "guest " + name + " not built (make guests)");
    return p;
  }

  static Result run(String name, String... args) throws ExecException {
    return run(KernelConfig.builder(), "", name, args);
  }

  static Result run(KernelConfig.Builder b, String stdin, String name, String... args)
      throws ExecException {
    Path p = guest(name);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel k =
        new Kernel(
            b.stdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)))
                .stdout(out)
                .stderr(err)
                .ram(32L << 20)
                .build(),
            Linux64::create);
    long free = k.uvm().physMem().freeCount();
    List<String> argv = new ArrayList<>();
    argv.add(name);
    argv.addAll(List.of(args));
    int st = k.run(p, argv, Map.of("HOME", "/", "GUEST", "uvm4j"));
    // every process, zombie and program object is gone: no frame, amap or anon left over
    SystemAudit.checkAllFreed(k.uvm(), free);
    return new Result(
        st, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), k);
  }
}
