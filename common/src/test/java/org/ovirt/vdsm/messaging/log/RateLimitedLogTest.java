package org.ovirt.vdsm.messaging.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A flood of one warning costs a few lines per interval and one summary line with the count. */
class RateLimitedLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-log-test");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RateLimitedLog log = new RateLimitedLog(logger, 3, Duration.ofSeconds(10), now::get);

  @BeforeEach
  void attach() {
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
  }

  private List<String> messages() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aThousandRefusalsWriteThreeLinesThenOneSummary() {
    for (int i = 0; i < 1000; i++) {
      log.warn("refused call {}", i);
    }
    assertThat(messages()).containsExactly("refused call 0", "refused call 1", "refused call 2");
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    log.warn("refused call {}", 1000);
    assertThat(messages()).hasSize(5).endsWith(
        "997 similar lines not logged in the last 10 s: refused call {}", "refused call 1000");
  }

  @Test
  void eachFormatHasItsOwnAllowance() {
    for (int i = 0; i < 10; i++) {
      log.info("a {}", i);
      log.info("b {}", i);
    }
    assertThat(messages()).containsExactly("a 0", "b 0", "a 1", "b 1", "a 2", "b 2");
  }

  @Test
  void noSummaryWhenNothingWasHeldBack() {
    log.warn("once");
    now.addAndGet(Duration.ofMinutes(1).toNanos());
    log.warn("once");
    assertThat(messages()).containsExactly("once", "once");
  }
  /** The connection log of the server: twenty lines a second; a storm of 3,000 writes 20, then one summary. */
  @Test
  void threeThousandLinesInOneIntervalWriteTwentyThenOneSummary() {
    RateLimitedLog perSecond = new RateLimitedLog(logger, 20, Duration.ofSeconds(1), now::get);
    for (int i = 0; i < 3000; i++) {
      perSecond.info("line {}", i);
    }
    assertThat(messages()).hasSize(20);
    assertThat(messages().get(19)).isEqualTo("line 19");

    now.addAndGet(Duration.ofSeconds(1).toNanos());
    perSecond.info("line {}", "after the storm");
    assertThat(messages()).hasSize(22);
    assertThat(messages().get(20)).isEqualTo("2980 similar lines not logged in the last 1 s: line {}");
    assertThat(messages().get(21)).isEqualTo("line after the storm");
    assertThat(lines.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO));
  }

  @Test
  void linesWithinTheAllowanceAreAllWritten() {
    RateLimitedLog twoPerSecond = new RateLimitedLog(logger, 2, Duration.ofSeconds(1), now::get);
    for (int i = 0; i < 5; i++) {
      twoPerSecond.info("line {}", i);
      twoPerSecond.info("line {}", i);
      now.addAndGet(Duration.ofSeconds(1).toNanos());
    }
    assertThat(messages()).hasSize(10).noneMatch(m -> m.contains("not logged"));
  }
}
