package org.ovirt.vdsm.messaging.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a {@code LEAK:} during or before it.
 *
 * <p>Registered for every test class of every module through {@code META-INF/services} (JUnit
 * extension auto-detection, enabled in the parent pom). Loading the class installs a {@link
 * ResourceLeakDetectorFactory} whose detectors record every leak report (and still log it, whatever
 * the logging configuration). A detector created before the factory was installed (e.g. the buffer
 * detector, if a buffer was allocated before JUnit loaded this class) gets a leak listener instead,
 * which only hears what its logger would print at ERROR.
 *
 * <p>After each test class the guard runs the garbage collector a few times, makes every known
 * detector poll its reference queue, and fails the class with the leak records if anything leaked. A
 * leak is reported by the first check after the garbage collector noticed it, which is nearly always
 * the class that leaked. Leak detection needs {@code -Dio.netty.leakDetection.level=paranoid} (set by
 * the parent pom) to see every buffer and record where it was used.
 */
public final class NettyLeakGuard implements BeforeAllCallback, AfterAllCallback {

  private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
  private static final List<ResourceLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
  private static final int GC_ROUNDS = 3;
  private static volatile boolean logReports = true;

  static {
    install();
  }

  /** Creates the extension; loading the class installs the recording factory. */
  public NettyLeakGuard() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    install();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    assertNoLeaks(context.getDisplayName());
  }

  /**
   * Throws an {@link AssertionError} holding every leak report recorded so far, after triggering
   * detection (see {@link #detectLeaks()}); the reports are consumed.
   *
   * @param where names the test class in the message
   */
  public static void assertNoLeaks(String where) {
    List<String> leaks = detectLeaks();
    if (!leaks.isEmpty()) {
      StringBuilder sb =
          new StringBuilder()
              .append(leaks.size())
              .append(" Netty leak(s) detected after ")
              .append(where)
              .append(" (the leak may come from an earlier class of the same JVM):");
      for (String leak : leaks) {
        sb.append(System.lineSeparator()).append(leak);
      }
      throw new AssertionError(sb.toString());
    }
  }

  /**
   * Runs the garbage collector {@value #GC_ROUNDS} times, makes every detector poll for collected,
   * unreleased resources, then returns and forgets the leak reports recorded so far.
   */
  public static List<String> detectLeaks() {
    for (int i = 0; i < GC_ROUNDS; i++) {
      System.gc();
      try {
        Thread.sleep(10); // let the reference handler enqueue what the collector found
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      pollDetectors();
    }
    List<String> leaks = new ArrayList<>();
    for (String leak; (leak = LEAKS.poll()) != null; ) {
      leaks.add(leak);
    }
    return leaks;
  }

  /**
   * Whether recorded leaks are also logged the way Netty logs them (default true); the guard's own
   * test turns it off so that its deliberate leak does not print a {@code LEAK:} line.
   */
  static void logReports(boolean enabled) {
    logReports = enabled;
  }

  /** Installs the recording factory and hooks the buffer detector; idempotent. */
  static synchronized void install() {
    if (!(ResourceLeakDetectorFactory.instance() instanceof RecordingFactory)) {
      ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }
    hookBufferDetector();
  }

  /**
   * The detector of all {@link ByteBuf}s lives in a static field of {@code AbstractByteBuf}; if that
   * class was initialised before the factory was installed, listen to the detector it has.
   */
  private static void hookBufferDetector() {
    try {
      Class<?> type = Class.forName("io.netty.buffer.AbstractByteBuf");
      Field field = type.getDeclaredField("leakDetector");
      field.setAccessible(true);
      ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
      if (detector != null && !(detector instanceof RecordingDetector) && !DETECTORS.contains(detector)) {
        detector.setLeakListener((resourceType, records) -> LEAKS.add(report(resourceType, records)));
        DETECTORS.add(detector);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("NettyLeakGuard: cannot hook the ByteBuf leak detector: " + e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void pollDetectors() {
    Object probe = new Object();
    for (ResourceLeakDetector detector : DETECTORS) {
      // trackForcibly reports what is on the reference queue first, whatever the level and sampling.
      ResourceLeakTracker tracker = detector.trackForcibly(probe);
      if (tracker != null) {
        tracker.close(probe);
      }
    }
    // The allocation paths poll too (and cover detectors this class does not know of).
    for (ByteBuf b :
        new ByteBuf[] {
          PooledByteBufAllocator.DEFAULT.buffer(1), UnpooledByteBufAllocator.DEFAULT.buffer(1)
        }) {
      b.release();
    }
  }

  private static String report(String resourceType, String records) {
    String text = "LEAK: " + resourceType + ".release() was not called before it was garbage-collected.";
    return records == null || records.isEmpty()
        ? text + " (no records: enable paranoid leak detection to see where)"
        : text + records;
  }

  /** Makes detectors that record their reports. */
  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
      RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
      DETECTORS.add(detector);
      return detector;
    }
  }

  /** A detector that records leak reports, and logs them as Netty does. */
  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true; // never drop a leak because logging is off
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add(report(resourceType, records));
      if (logReports) {
        super.reportTracedLeak(resourceType, records);
      }
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add(report(resourceType, ""));
      if (logReports) {
        super.reportUntracedLeak(resourceType);
      }
    }
  }
}
