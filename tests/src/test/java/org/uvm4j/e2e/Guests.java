package org.uvm4j.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The guest programs and their native runs: locates the uvm4j tree ({@code uvm4j.root}, set by the
 * build), builds the guests with {@code make guests} once per JVM (a no-op when they are up to
 * date; musl-gcc is part of {@code make deps}), and runs a binary natively with {@link
 * ProcessBuilder} to get the expected output and status.
 */
public final class Guests {
  /** Every guest program of guest-programs/ and the arguments its tests use. */
  public static final List<String> ALL =
      List.of(
          "hello",
          "fork_cow",
          "shared_anon",
          "dontfork",
          "mprotect_fault",
          "munmap_partial",
          "mlock_fork",
          "selfmod",
          "brk_malloc",
          "sparse",
          "fork_tree",
          "pipes",
          "vmsplice_pipe",
          "vfork_exec",
          "segv",
          "bench_faults",
          "trace_cow",
          "spin_pingpong",
          "int_args",
          "poll_select",
          "clone_fork",
          "clone_fork.glibc",
          "threads",
          "proc_task",
          "proc_task.glibc",
          "threads.glibc",
          "thread_fork",
          "thread_fork.glibc",
          "robust_mutex",
          "robust_mutex.glibc",
          "thread_cancel",
          "thread_cancel.glibc",
          "memfd_share",
          "shm_share",
          "map_storm",
          "mremap_move",
          "mm_abi",
          "fork_write_one",
          "privileged",
          "rlimit_stack",
          "exec_interp",
          "preempt_rmw",
          "preempt_rmw.glibc",
          "wall_clock",
          "sig_fpu",
          "proc_mem",
          "hwcap",
          "fault_codes",
          "process_vm",
          "mempolicy",
          "vdso",
          "vdso.glibc");

  private static boolean built;

  private Guests() {}

  /** The root of the uvm4j tree. */
  public static Path root() {
    String prop = System.getProperty("uvm4j.root");
    Path root = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent();
    if (!Files.isRegularFile(root.resolve("Makefile"))) {
      throw new IllegalStateException("not the uvm4j tree (no Makefile): " + root);
    }
    return root;
  }

  /** The built binary of guest {@code name}, building the guests first if needed. */
  public static synchronized Path binary(String name) {
    if (!built) {
      build();
      built = true;
    }
    Path bin = root().resolve("guest-programs/build").resolve(name);
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException("guest " + name + " was not built: " + bin);
    }
    return bin;
  }

  /** The arguments guest {@code name} is run with in the end-to-end tests. */
  public static List<String> args(String name) {
    switch (name) {
      case "hello":
        return List.of("one", "two words");
      case "vfork_exec":
        return List.of(binary("hello").toString());
      default:
        return List.of();
    }
  }

  private static void build() {
    try {
      GuestRun r = run(List.of("make", "-s", "-C", root().toString(), "guests"), 300);
      if (r.status() != 0) {
        throw new IllegalStateException("'make guests' failed:\n" + r);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run 'make guests': " + e.getMessage(), e);
    }
  }

  /** Runs guest binary {@code bin} natively with {@code args}. */
  public static GuestRun runNatively(Path bin, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.toString());
    cmd.addAll(args);
    return run(cmd, 120);
  }

  /** Runs a command, capturing its output; fails if it takes more than {@code seconds}. */
  static GuestRun run(List<String> cmd, long seconds) throws IOException {
    return run(cmd, java.util.Map.of(), seconds);
  }

  /** As {@link #run(List, long)}, with {@code env} added to the environment. */
  static GuestRun run(List<String> cmd, java.util.Map<String, String> env, long seconds)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd + " did not finish within " + seconds + " s");
      }
      return new GuestRun(out.join(), err.join(), p.exitValue());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + cmd, e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(output lost: " + e.getMessage() + ")";
          }
        });
  }
}
