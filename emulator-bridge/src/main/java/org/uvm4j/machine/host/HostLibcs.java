package org.uvm4j.machine.host;

import org.apache.logging.log4j.LogManager;

/**
 * Chooses the process's {@link HostLibc} once, at its first use: FFM when this JVM and build have
 * it (Java 22+ and the FFM class compiled in, the test {@code CpuBackends} makes for the libunicorn
 * binding), else JNA, so that a run on the FFM binding never loads JNA. A process whose libunicorn
 * binding is JNA asks for JNA first ({@link #preferJna}, from {@code CpuBackends}): JNA is loaded
 * for it anyway, and FFM's linking would only add to its start. The FFM class is reached by name,
 * never imported, so this class loads on Java 17.
 *
 * <p>Invariant: {@link #host()} returns the same object for the life of the process; when the
 * chosen binding cannot be set up it falls back to the other, and when neither can, it throws
 * {@link IllegalStateException} naming both failures, every time.
 */
public final class HostLibcs {
  static final String FFM_CLASS = "org.uvm4j.machine.host.FfmHostLibc";

  private static HostLibc host;
  private static IllegalStateException failure;
  private static boolean jnaPreferred;

  private HostLibcs() {}

  /**
   * The process's host libc binding.
   *
   * @throws IllegalStateException when neither binding can call libc here
   */
  public static synchronized HostLibc host() {
    if (host == null && failure == null) {
      choose();
    }
    if (failure != null) {
      throw new IllegalStateException(failure.getMessage(), failure);
    }
    return host;
  }

  /**
   * Asks that {@link #host()} be JNA, if it is not chosen yet: for a process whose libunicorn
   * binding is JNA. Nothing else changes; a later FFM engine works with either.
   */
  public static synchronized void preferJna() {
    jnaPreferred = true;
  }

  private static void choose() {
    Throwable ffmFailure = null;
    if (!jnaPreferred && ffmUnavailableReason() == null) {
      try {
        host = ffm();
        return;
      } catch (RuntimeException | LinkageError e) {
        ffmFailure = e;
      }
    }
    try {
      host = jna();
      if (ffmFailure != null) {
        LogManager.getLogger("machine")
            .debug(
                "host libc calls through JNA: the FFM binding failed: {}", ffmFailure.toString());
      }
    } catch (RuntimeException | LinkageError e) {
      failure =
          new IllegalStateException(
              "libc cannot be called through JNA ("
                  + e
                  + ")"
                  + (ffmFailure == null ? "" : " nor FFM (" + ffmFailure + ")"),
              e);
    }
  }

  /**
   * The JNA binding (for tests that run both; production code uses {@link #host()}).
   *
   * @throws LinkageError when JNA or libc cannot be loaded
   */
  public static HostLibc jna() {
    return JnaHostLibc.INSTANCE;
  }

  /**
   * A new FFM binding (for tests that run both; production code uses {@link #host()}).
   *
   * @throws UnsupportedOperationException saying why when {@link #ffmUnavailableReason()} is not
   *     null
   * @throws LinkageError when libc lacks a function the page calls need
   */
  public static HostLibc ffm() {
    String why = ffmUnavailableReason();
    if (why != null) {
      throw new UnsupportedOperationException(why);
    }
    try {
      return (HostLibc)
          Class.forName(FFM_CLASS, true, HostLibcs.class.getClassLoader())
              .getDeclaredConstructor()
              .newInstance();
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new IllegalStateException(FFM_CLASS + " failed: " + c, c);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(FFM_CLASS + " cannot be made: " + e, e);
    }
  }

  /** Why this JVM or build has no FFM binding of libc, or null when it has. */
  public static String ffmUnavailableReason() {
    String tooOld = FfmRuntime.javaTooOld();
    if (tooOld != null) {
      return tooOld;
    }
    try {
      Class.forName(FFM_CLASS, false, HostLibcs.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      return FfmRuntime.noFfmClasses();
    }
  }
}
