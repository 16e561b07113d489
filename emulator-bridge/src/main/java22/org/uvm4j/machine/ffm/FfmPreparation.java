package org.uvm4j.machine.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.uvm4j.machine.host.HostLibcs;

/**
 * The FFM binding's one-time set-up, started ahead of the first {@link FfmBackend#open()} on two
 * daemon threads, so that it overlaps the CLI's own start (argument parsing, the ELF image) on the
 * other core instead of following it.
 *
 * <p>What costs is not libunicorn but the JDK: the first downcall handle or upcall stub of each
 * shape makes the linker generate and load classes for it ({@link Words} keeps the shapes few: 8
 * for the downcalls, 4 for the hooks; docs/benchmarks.md, "Fewer call shapes"). One thread loads
 * libunicorn and links every downcall ({@link UcDowncalls}); the other first chooses and links the
 * host libc calls the emulated RAM uses ({@link HostLibcs#host()}, FFM here, so JNA is never
 * loaded: the kernel needs them before the engine, when it makes the RAM), then makes and frees one
 * upcall stub of each {@link Upcall} shape, which leaves the linker's per-shape code cached. An
 * engine opened meanwhile waits for the class initialisation in progress (the JVM's
 * class-initialisation lock), never for a thread.
 *
 * <p>Nothing here is needed for correctness: a failure is logged at debug level and happens again,
 * with its message, when the engine opens.
 *
 * <p>{@link #start} touches neither Log4j nor {@link FfmBackend}, whose class initialisation starts
 * Log4j (40–50 ms at start-up): the linking threads start first, the rest follows on the caller's
 * thread ({@code CpuBackends.prepare}).
 */
public final class FfmPreparation {
  private static final AtomicBoolean started = new AtomicBoolean();

  /** Completed by the two threads: normally when their part is done, else with its failure. */
  private static final CompletableFuture<Void> downcalls = new CompletableFuture<>();

  private static final CompletableFuture<Void> upcalls = new CompletableFuture<>();

  private FfmPreparation() {}

  /** Starts the set-up once per JVM; returns at once (called by {@code CpuBackends} by name). */
  public static void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    thread("uvm4j-ffm-downcalls", FfmPreparation::linkDowncalls, downcalls).start();
    thread("uvm4j-ffm-upcalls", FfmPreparation::linkUpcalls, upcalls).start();
  }

  /**
   * Waits up to {@code timeout} for a started set-up (for tests and diagnostics).
   *
   * @return null when both parts finished, else what is missing or what failed
   */
  static String awaitFinished(Duration timeout) throws InterruptedException {
    if (!started.get()) {
      return "not started";
    }
    try {
      CompletableFuture.allOf(downcalls, upcalls).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      return "not finished after " + timeout;
    } catch (ExecutionException e) {
      return "failed: " + e.getCause();
    }
  }

  private static void linkDowncalls() {
    FfmLibrary.get();
    initialise(UcDowncalls.class);
  }

  private static void linkUpcalls() {
    HostLibcs.host();
    Linker linker = Linker.nativeLinker();
    try (Arena arena = Arena.ofConfined()) {
      Set<MethodType> linked = new HashSet<>();
      for (Upcall u : Upcall.values()) {
        if (linked.add(u.type())) {
          linker.upcallStub(MethodHandles.empty(u.type()), u.descriptor(), arena);
        }
      }
    }
  }

  private static void initialise(Class<?> c) {
    try {
      MethodHandles.lookup().ensureInitialized(c);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Thread thread(String name, Runnable work, CompletableFuture<Void> done) {
    Thread t =
        new Thread(
            () -> {
              try {
                work.run();
                done.complete(null);
              } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                LogManager.getLogger("machine")
                    .debug(
                        "{}: preparing the ffm binding failed (the engine will say why): {}",
                        name,
                        e.toString());
              }
            },
            name);
    t.setDaemon(true);
    return t;
  }
}
