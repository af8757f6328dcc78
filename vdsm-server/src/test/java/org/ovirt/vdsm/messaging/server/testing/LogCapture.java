package org.ovirt.vdsm.messaging.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * The lines one class logs while a test runs (a logback {@link ListAppender} on its logger); close
 * it to detach. For lines behind a {@code RateLimitedLog} (5 per format every 10 s, shared by every
 * test of the JVM), {@link #repeatUntilLogged} repeats what causes the line until it shows: a line
 * held back by earlier tests is written at the latest when the interval ends.
 */
public final class LogCapture implements AutoCloseable {
  /** Longer than a {@code RateLimitedLog} interval (10 s), so a held line has shown by then. */
  private static final Duration RATE_LIMITED_WAIT = Duration.ofSeconds(15);

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /** Captures what {@code type}'s logger writes at {@code level} or above from now on. */
  public LogCapture(Class<?> type, Level level) {
    logger = (Logger) LoggerFactory.getLogger(type);
    logger.setLevel(level);
    appender.start();
    logger.addAppender(appender);
  }

  /** The events captured so far, in order. */
  public List<ILoggingEvent> events() {
    synchronized (appender) { // AppenderBase.doAppend holds this lock while it adds
      return List.copyOf(appender.list);
    }
  }

  /** The formatted messages of the events at {@code level}, in order. */
  public List<String> lines(Level level) {
    return events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }

  /**
   * Runs {@code cause} every 50 ms until {@code line} was logged at {@code level}; fails after 15 s.
   */
  public void repeatUntilLogged(Runnable cause, Level level, String line) {
    repeatUntilLogged(cause, level, line::equals, line);
  }

  /**
   * Runs {@code cause} every 50 ms until a line {@code matching} (described by {@code what}) was
   * logged at {@code level}; fails after 15 s.
   */
  public void repeatUntilLogged(Runnable cause, Level level, Predicate<String> matching, String what) {
    await().atMost(RATE_LIMITED_WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> {
          cause.run();
          assertThat(lines(level)).as("a line: %s", what).anyMatch(matching);
        });
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(null);
    appender.stop();
  }
}
