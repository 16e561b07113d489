package org.uvm4j.machine.backend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.uvm4j.machine.CpuBackend;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.host.FfmRuntime;
import org.uvm4j.machine.host.HostLibcs;
import org.uvm4j.machine.unicorn.UnicornBackend;
import org.uvm4j.uvm.system.Uvm;

/**
 * Chooses and opens a {@link CpuBackend}: the one place that knows both bindings. The FFM binding
 * is compiled only on a JDK 22+ (into {@code META-INF/versions/22} of the multi-release jar), so it
 * is reached by name, never imported: on Java 17 this class loads and answers "JNA" without ever
 * touching a class it cannot load.
 *
 * <p>{@link BackendKind#AUTO} resolves to FFM when {@link #ffmUnavailableReason()} is null, else to
 * JNA. The system property {@value #PROPERTY} (e.g. {@code -Duvm4j.backend=jna}) overrides AUTO, so
 * a whole test run or benchmark can be pinned to one binding.
 */
public final class CpuBackends {
  /** System property that replaces {@link BackendKind#AUTO}: jna, ffm or auto. */
  public static final String PROPERTY = "uvm4j.backend";

  static final String FFM_CLASS = "org.uvm4j.machine.ffm.FfmBackend";

  /** The FFM binding's head start ({@code start()}), a class that does not start Log4j. */
  static final String FFM_PREPARATION_CLASS = "org.uvm4j.machine.ffm.FfmPreparation";

  private static Method ffmOpen;
  private static Method ffmPrepare;
  private static String ffmUnavailable;
  private static boolean ffmProbed;

  private CpuBackends() {}

  /**
   * Opens an engine with the binding {@code kind} resolves to.
   *
   * @throws MachineException when that binding is unavailable (one line saying why and what to do)
   *     or libunicorn is missing, too old or fails to create an engine
   */
  public static CpuBackend open(BackendKind kind) {
    BackendKind k = resolve(kind);
    if (k == BackendKind.JNA) {
      HostLibcs.preferJna();
      return UnicornBackend.open();
    }
    Method open = ffmOpenMethod();
    try {
      return (CpuBackend) open.invoke(null);
    } catch (InvocationTargetException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new MachineException("the ffm backend failed to open: " + c, c);
    } catch (IllegalAccessException e) {
      throw new MachineException("the ffm backend cannot be opened: " + e, e);
    }
  }

  /**
   * Starts the one-time set-up of the binding {@code kind} resolves to on background threads and
   * returns at once, so that the first {@link #open} of the process finds it done: the FFM
   * binding's linking of its native calls, which would otherwise be most of a short run's start-up
   * (the JNA binding has no such cost worth overlapping). Nothing depends on it: when the binding
   * is unavailable this does nothing, and {@link #open} says why. When {@code kind} names JNA (or
   * AUTO with {@value #PROPERTY}{@code =jna}), the host libc calls go through JNA too ({@link
   * HostLibcs#preferJna}): JNA is loaded for the engine anyway, and FFM's linking would only add to
   * the start.
   */
  public static void prepare(BackendKind kind) {
    if (namesJna(kind)) {
      HostLibcs.preferJna();
    }
    // even finding the binding loads classes (and Log4j with them): all of it off the caller's
    // thread
    Thread t = new Thread(() -> prepareNow(kind), "uvm4j-backend-prepare");
    t.setDaemon(true);
    t.start();
  }

  /** True when {@code kind} is JNA without probing for FFM: JNA, or AUTO pinned to JNA. */
  private static boolean namesJna(BackendKind kind) {
    if (kind == BackendKind.AUTO) {
      String prop = System.getProperty(PROPERTY);
      return prop != null && prop.trim().equalsIgnoreCase(BackendKind.JNA.cliName());
    }
    return kind == BackendKind.JNA;
  }

  private static void prepareNow(BackendKind kind) {
    BackendKind k;
    try {
      k = resolve(kind);
    } catch (RuntimeException e) {
      return; // an unavailable binding or a bad uvm4j.backend: open() reports it
    }
    if (k != BackendKind.FFM) {
      return;
    }
    Method prepare = ffmPrepareMethod();
    try {
      prepare.invoke(null);
      // then, with the linking under way, the engine's class (and Log4j with it), as open() will
      Class.forName(FFM_CLASS, true, CpuBackends.class.getClassLoader());
    } catch (InvocationTargetException
        | IllegalAccessException
        | ClassNotFoundException
        | LinkageError e) {
      // only a head start is lost; open() reports what is wrong
    }
  }

  /**
   * A {@link Machine} over {@code uvm} on the binding {@code kind} resolves to.
   *
   * @throws MachineException as {@link #open}
   */
  public static Machine openMachine(Uvm uvm, BackendKind kind) {
    CpuBackend backend = open(kind);
    try {
      return new Machine(uvm, backend);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  /**
   * The binding {@code kind} stands for: AUTO becomes the {@value #PROPERTY} property's choice if
   * set, else FFM when available, else JNA.
   *
   * @throws MachineException when FFM is asked for (directly or through the property) and this JVM
   *     or build cannot provide it
   */
  public static BackendKind resolve(BackendKind kind) {
    BackendKind k = kind;
    if (k == BackendKind.AUTO) {
      String prop = System.getProperty(PROPERTY);
      k = prop == null || prop.isBlank() ? BackendKind.AUTO : BackendKind.parse(prop.trim());
    }
    if (k == BackendKind.AUTO) {
      return ffmUnavailableReason() == null ? BackendKind.FFM : BackendKind.JNA;
    }
    if (k == BackendKind.FFM) {
      String why = ffmUnavailableReason();
      if (why != null) {
        throw new MachineException("--backend ffm is unavailable: " + why + "; use --backend jna");
      }
    }
    return k;
  }

  /** The bindings this JVM can run, JNA first. */
  public static List<BackendKind> available() {
    List<BackendKind> all = new ArrayList<>(List.of(BackendKind.JNA));
    if (ffmUnavailableReason() == null) {
      all.add(BackendKind.FFM);
    }
    return all;
  }

  /** Why the FFM binding cannot run on this JVM, or null when it can. */
  public static synchronized String ffmUnavailableReason() {
    if (!ffmProbed) {
      ffmProbed = true;
      ffmUnavailable = probeFfm();
    }
    return ffmUnavailable;
  }

  private static String probeFfm() {
    String tooOld = FfmRuntime.javaTooOld();
    if (tooOld != null) {
      return tooOld;
    }
    try {
      Class<?> c = Class.forName(FFM_CLASS, false, CpuBackends.class.getClassLoader());
      ffmOpen = c.getMethod("open");
      ffmPrepare =
          Class.forName(FFM_PREPARATION_CLASS, false, CpuBackends.class.getClassLoader())
              .getMethod("start");
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      return FfmRuntime.noFfmClasses();
    } catch (NoSuchMethodException e) {
      return FFM_CLASS
          + " has no open() or "
          + FFM_PREPARATION_CLASS
          + " no start(): "
          + e.getMessage();
    }
  }

  private static synchronized Method ffmOpenMethod() {
    ffmUnavailableReason();
    return ffmOpen;
  }

  private static synchronized Method ffmPrepareMethod() {
    ffmUnavailableReason();
    return ffmPrepare;
  }
}
